// `npm start`: the whole system in one process tree for a newcomer or a training room:
// a Temporal dev server (unless TEMPORAL_ADDRESS is set), migrations, the worker and the API.
//
// Start-up is quick on a restart: `scripts/build-if-changed.js` skips builds whose sources did
// not change, the dev server and the database come up in parallel, and whatever a crash left
// behind (a dev server still holding its ports, a stale claim on DATA_DIR) is cleared first.
import { startTracing, stopTracing, tracingClientInterceptors } from '../lib/tracing';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { startBackgroundJobs, type BackgroundJobs } from '../api/background';
import { prepareDatabase } from '../api/bootstrap';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { ConfigError, loadConfig, type Config } from '../lib/config';
import {
  assertPortFree,
  claimDataDir,
  portErrorMessage,
  startDevServer,
  StartError,
  type DataDirClaim,
  type DevServer,
} from '../lib/dev-server';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { createWorker } from '../workers/worker';
import { installTemporalRuntime } from '../lib/telemetry';
import { dataConverterFor } from '../lib/payload-codec';

/** Seconds since `started` for each phase, logged once ready: where a slow start spends its time. */
class Phases {
  private readonly started = Date.now();
  readonly seconds: Record<string, number> = {};
  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      this.seconds[name] = (Date.now() - t0) / 1000;
    }
  }
  total(): number {
    return (Date.now() - this.started) / 1000;
  }
}

/** Promise.all that waits for every task before throwing the first failure: shutdown then finds nothing half-done. */
async function allSettled<T extends readonly unknown[]>(
  tasks: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const failed = (await Promise.allSettled(tasks)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return Promise.all(tasks);
}

function readyBanner(config: Config, seconds: number, devServer: DevServer | undefined, dbKind: string): string {
  return [
    '',
    `Joint-approval orchestrator ready in ${seconds.toFixed(1)} s`,
    `  API and web UI:   http://localhost:${config.port}  (health: /healthz)`,
    `  Temporal Web UI:  ${devServer?.uiUrl ?? config.temporalUiUrl}`,
    `  Database:         ${dbKind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    config.workdaySeconds ? `  Training clock:   one working day = ${config.workdaySeconds} s` : '',
    config.demoSeed ? '  Demo users:       see README (password demo1234)' : '',
    'Press Ctrl-C to stop.',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

async function main(): Promise<void> {
  startTracing('joint-approval');
  let config: Config;
  try {
    config = loadConfig({ DEMO_SEED: '1', ...process.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`npm start: ${err.message}`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  installTemporalRuntime(config);
  const phases = new Phases();

  let claim: DataDirClaim | undefined;
  let devServer: DevServer | undefined;
  let db: DatabaseHandle | undefined;
  let workerConnection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let jobs: BackgroundJobs | undefined;
  let server: Server | undefined;
  let stopping = false;

  const shutdown = async (code: number, quiet = false) => {
    if (stopping) return;
    stopping = true;
    if (!quiet) log.info('stopping');
    claim?.stopping();
    await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await jobs?.stop().catch(() => undefined);
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    await clientConnection?.close().catch(() => undefined);
    await workerConnection?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await devServer?.stop().catch(() => undefined);
    claim?.release();
    await stopTracing().catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void shutdown(0));
  // Under `npm start`, npm is our parent: if it is killed, stop too rather than linger unseen
  // holding the ports and DATA_DIR (our own children follow us through their parent-death signal).
  if (process.env.npm_lifecycle_event === 'start') {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      log.warn('npm start was stopped from outside; stopping');
      void shutdown(1);
    }, 1000).unref();
  }

  try {
    // No Temporal named (TEMPORAL_ADDRESS, or an address in the envconfig profile): run our own.
    const useDevServer = !config.temporalAddress && !loadClientConnectConfig().connectionOptions.address;
    claim = await claimDataDir(config.dataDir);
    await assertPortFree(config.port, 'PORT');

    // The dev server and the database do not depend on each other: bring them up together.
    const [, handle] = await allSettled([
      !useDevServer
        ? undefined
        : phases.time('temporal', async () => {
            devServer = await startDevServer({
              dataDir: config.dataDir,
              port: config.temporalPort,
              uiPort: config.temporalUiPort,
              namespace: config.temporalNamespace,
              codecEndpoint: `http://localhost:${config.port}/codec`,
              onStale: (message) => log.warn(message),
            });
          }),
      phases.time('database', async () => {
        const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        db = opened;
        await prepareDatabase(opened.db, config, log);
        return opened;
      }),
    ]);

    const { connectionOptions, namespace } = temporalConnectConfig();
    // Our own dev server listens on TEMPORAL_PORT, whatever the envconfig default says.
    if (devServer) connectionOptions.address = devServer.address;

    [worker, clientConnection] = await allSettled([
      phases.time('worker', async () => {
        workerConnection = await NativeConnection.connect(connectionOptions);
        return createWorker({
          connection: workerConnection,
          namespace,
          taskQueue: config.taskQueue,
          db: handle.db,
          workdaySeconds: config.workdaySeconds,
          payloadKeys: config.payloadKeys,
          cachedWorkflows: config.workerCachedWorkflows,
        });
      }),
      phases.time('client', () => Connection.connect(connectionOptions)),
    ]);
    workerRun = worker.run();
    workerRun.catch((err: unknown) => {
      log.error({ err }, 'worker stopped');
      void shutdown(1);
    });

    const temporal = new Client({
      connection: clientConnection,
      namespace,
      dataConverter: dataConverterFor(config.payloadKeys),
      interceptors: tracingClientInterceptors(),
    });
    const deps = { config, db: handle.db, temporal, log };
    const app = createApp(deps);
    jobs = startBackgroundJobs(deps);
    await phases.time(
      'listen',
      () =>
        new Promise<void>((resolve, reject) => {
          const s = app.listen(config.port, () => resolve());
          s.once('error', (err) => reject(new StartError(portErrorMessage(err, config.port, 'PORT') ?? String(err))));
          server = s;
        }),
    );

    const total = phases.total();
    log.info({ seconds: total, phases: phases.seconds }, 'ready');
    console.log(readyBanner(config, total, devServer, handle.kind));
  } catch (err) {
    // A problem the operator fixes (a port in use, DATA_DIR in use) is one line, not a stack trace.
    if (err instanceof StartError) console.error(`npm start: ${err.message}`);
    else log.error({ err }, 'start failed');
    await shutdown(1, err instanceof StartError);
  }
}

void main();
