// Production worker process: `npm run worker` (needs DATABASE_URL and TEMPORAL_ADDRESS).
// SIGTERM or SIGINT drains: the worker stops polling, finishes the tasks it holds, then the
// Temporal and database connections close and the process exits. A hard exit after 9 s is the
// backstop (orchestrators send SIGKILL at 10 s).
import { startTracing, stopTracing } from '../lib/tracing';
import { NativeConnection } from '@temporalio/worker';
import { openDatabase } from '../db/database';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { installTemporalRuntime } from '../lib/telemetry';
import { createWorker } from './worker';

const DRAIN_BACKSTOP_MS = 9_000;

async function main(): Promise<void> {
  startTracing('joint-approval-worker');
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  installTemporalRuntime(config);
  if (!config.databaseUrl)
    throw new Error('npm run worker needs DATABASE_URL (the embedded database is for npm start)');
  const { connectionOptions, namespace } = temporalConnectConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl });
  const connection = await NativeConnection.connect(connectionOptions);
  let stoppedAt: number | undefined;
  try {
    const worker = await createWorker({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      db: db.db,
      workdaySeconds: config.workdaySeconds,
      payloadKeys: config.payloadKeys,
      cachedWorkflows: config.workerCachedWorkflows,
    });
    // The SDK's runtime also shuts workers down on these signals; this adds the backstop and the log.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        if (stoppedAt !== undefined) return;
        stoppedAt = Date.now();
        log.info({ signal }, 'draining: no new tasks, finishing the ones in hand');
        setTimeout(() => {
          log.error(`worker drain not finished after ${DRAIN_BACKSTOP_MS} ms; exiting`);
          process.exit(1);
        }, DRAIN_BACKSTOP_MS).unref();
        if (worker.getState() === 'RUNNING') worker.shutdown();
      });
    }
    log.info({ taskQueue: config.taskQueue, namespace }, 'worker running');
    await worker.run();
  } finally {
    await connection.close();
    await db.close();
    await stopTracing().catch(() => undefined);
  }
  log.info(stoppedAt === undefined ? {} : { ms: Date.now() - stoppedAt }, 'worker stopped; exiting');
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
