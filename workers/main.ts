// Production worker process: `npm run worker` (needs DATABASE_URL and TEMPORAL_ADDRESS).
import { NativeConnection } from '@temporalio/worker';
import { openDatabase } from '../db/database';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl)
    throw new Error('npm run worker needs DATABASE_URL (the embedded database is for npm start)');
  const { connectionOptions, namespace } = temporalConnectConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl });
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const worker = await createWorker({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      db: db.db,
      workdaySeconds: config.workdaySeconds,
    });
    log.info({ taskQueue: config.taskQueue, namespace }, 'worker running');
    await worker.run();
  } finally {
    await connection.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
