// Production API process: `npm run api` (needs DATABASE_URL and TEMPORAL_ADDRESS).
import { Client, Connection } from '@temporalio/client';
import { openDatabase } from '../db/database';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.databaseUrl) throw new Error('npm run api needs DATABASE_URL (the embedded database is for npm start)');
  const db = await openDatabase({ databaseUrl: config.databaseUrl });
  const { connectionOptions, namespace } = temporalConnectConfig();
  const connection = await Connection.connect(connectionOptions);
  const temporal = new Client({ connection, namespace });
  const server = createApp({ config, db: db.db, temporal, log }).listen(config.port, () => {
    log.info(`API listening on http://localhost:${config.port}`);
  });
  const stop = () => {
    server.close(() => void Promise.all([connection.close(), db.close()]).then(() => process.exit(0)));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
