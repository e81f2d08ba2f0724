// `npm start`: the whole system in one process tree for a newcomer or a training room:
// a Temporal dev server (unless TEMPORAL_ADDRESS is set), migrations, the worker and the API.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { prepareDatabase } from '../api/bootstrap';
import { openDatabase, type DatabaseHandle } from '../db/database';
import { loadConfig } from '../lib/config';
import { startDevServer, type DevServer } from '../lib/dev-server';
import { createLogger } from '../lib/logger';
import { temporalConnectConfig } from '../lib/temporal';
import { createWorker } from '../workers/worker';

async function main(): Promise<void> {
  const config = loadConfig({ DEMO_SEED: '1', ...process.env });
  const log = createLogger(config.logLevel);
  const started = Date.now();

  let devServer: DevServer | undefined;
  let db: DatabaseHandle | undefined;
  let workerConnection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let server: Server | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping');
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    await clientConnection?.close().catch(() => undefined);
    await workerConnection?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await devServer?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    if (!config.temporalAddress) {
      devServer = await startDevServer({ dataDir: config.dataDir });
      log.info({ address: devServer.address }, 'Temporal dev server started');
    }
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await prepareDatabase(db.db, config, log);

    const { connectionOptions, namespace } = temporalConnectConfig();
    workerConnection = await NativeConnection.connect(connectionOptions);
    worker = await createWorker({
      connection: workerConnection,
      namespace,
      taskQueue: config.taskQueue,
      db: db.db,
      workdaySeconds: config.workdaySeconds,
    });
    workerRun = worker.run();
    workerRun.catch((err: unknown) => {
      log.error({ err }, 'worker stopped');
      void shutdown(1);
    });

    clientConnection = await Connection.connect(connectionOptions);
    const temporal = new Client({ connection: clientConnection, namespace });
    const app = createApp({ config, db: db.db, temporal, log });
    await new Promise<void>((resolve) => {
      server = app.listen(config.port, () => resolve());
    });

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        '',
        `Joint-approval orchestrator ready in ${seconds} s`,
        `  API and web UI:   http://localhost:${config.port}  (health: /healthz)`,
        `  Temporal Web UI:  ${devServer?.uiUrl ?? config.temporalUiUrl}`,
        `  Database:         ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
        config.workdaySeconds ? `  Training clock:   one working day = ${config.workdaySeconds} s` : '',
        config.demoSeed ? '  Demo users:       see README (password demo1234)' : '',
        'Press Ctrl-C to stop.',
        '',
      ]
        .filter((l) => l !== '')
        .join('\n'),
    );
  } catch (err) {
    log.error({ err }, 'start failed');
    await shutdown(1);
  }
}

void main();
