// Production API process: `npm run api` (needs DATABASE_URL and TEMPORAL_ADDRESS).
// SIGTERM or SIGINT drains: no new connections, every request in flight is answered (its
// connection then closed), idle keep-alive connections closed, background jobs stopped, then the
// Temporal and database connections; the process exits. A request still running after 8 s is
// answered 503 with Retry-After (its Idempotency-Key freed for the retry); a hard exit after 9 s
// is the backstop.
import { startTracing, stopTracing, tracingClientInterceptors } from '../lib/tracing';
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../db/database';
import { dataConverterFor } from '../lib/payload-codec';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { createApp } from './app';
import { startBackgroundJobs } from './background';
import type { AppDeps } from './deps';
import { unavailable } from './errors';

/** Requests still running this long after the signal are answered 503 rather than cut off. */
const DRAIN_ANSWER_BY_MS = 8_000;
/** Past this, shutdown stops waiting and exits: orchestrators send SIGKILL at 10 s. */
const DRAIN_BACKSTOP_MS = 9_000;

async function main(): Promise<void> {
  startTracing('joint-approval-api');
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new Error('npm run api needs DATABASE_URL (the embedded database is for npm start)');
  const db = await openDatabase({ databaseUrl: config.databaseUrl });
  const { connectionOptions, namespace } = temporalConnectConfig();
  const connection = await Connection.connect(connectionOptions);
  const temporal = new Client({
    connection,
    namespace,
    dataConverter: dataConverterFor(config.payloadKeys),
    interceptors: tracingClientInterceptors(),
  });
  const deps: AppDeps = { config, db: db.db, temporal, log };

  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const server = createApp(deps).listen(config.port, () => {
    log.info(`API listening on http://localhost:${config.port}`);
  });
  // While draining, each answer closes its connection, so a keep-alive client does not hold the
  // server open (or send one more request into a process about to exit).
  server.on('request', (_req, res: ServerResponse) => {
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  const jobs = startBackgroundJobs(deps);

  const drain = async (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    const started = Date.now();
    log.info({ signal, inFlight: inFlight.size }, 'draining: no new connections, answering requests in flight');
    setTimeout(() => {
      if (inFlight.size > 0) log.warn({ inFlight: inFlight.size }, 'answering requests still running with 503');
      const refusal = unavailable('the server is restarting; try again');
      for (const res of inFlight) {
        if (res.headersSent) continue;
        // Express's own response (through the idempotency middleware, which frees the key on a 5xx).
        (res as Response)
          .status(refusal.status)
          .set(refusal.headers)
          .json({ error: { code: refusal.code, message: refusal.message } });
      }
    }, DRAIN_ANSWER_BY_MS).unref();
    setTimeout(() => {
      log.error({ inFlight: inFlight.size }, `drain not finished after ${DRAIN_BACKSTOP_MS} ms; exiting`);
      process.exit(1);
    }, DRAIN_BACKSTOP_MS).unref();

    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([closed, jobs.stop()]);
    await connection.close();
    await db.close();
    await stopTracing().catch(() => undefined);
    log.info({ ms: Date.now() - started }, 'drained; exiting');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      drain(signal).catch((err: unknown) => {
        log.error({ err }, 'drain failed; exiting');
        process.exit(1);
      });
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
