// The local Temporal dev server for `npm start`: state in DATA_DIR, our search attributes
// registered, and namespace retention raised so closed histories stay readable.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../workflows/shared';
import { temporalCliPath } from './paths';

const execFileAsync = promisify(execFile);

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dataDir: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  retentionDays?: number;
}

async function waitUntilReachable(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`the Temporal dev server did not answer at ${address}: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = temporalCliPath();
  if (!fs.existsSync(cli)) {
    throw new Error(
      `Temporal CLI not found at ${cli}: run "node scripts/install-temporal.js" (npm ci does) or set TEMPORAL_CLI_PATH`,
    );
  }
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const namespace = opts.namespace ?? 'default';
  const address = `127.0.0.1:${port}`;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(opts.dataDir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--ui-disable-news-fetch',
    '--log-level',
    'warn',
    ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  const logFile = fs.openSync(path.join(opts.dataDir, 'temporal.log'), 'a');
  const child = spawn(cli, args, { stdio: ['ignore', logFile, logFile] });
  fs.closeSync(logFile);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReachable(address, child, 60_000);
    // The dev server keeps closed histories for 24 hours by default; applications must stay readable.
    await execFileAsync(cli, [
      'operator',
      'namespace',
      'update',
      '--address',
      address,
      '--namespace',
      namespace,
      '--retention',
      `${(opts.retentionDays ?? 3650) * 24}h`,
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: `http://localhost:${uiPort}`, stop };
}
