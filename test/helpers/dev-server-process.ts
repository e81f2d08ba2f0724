// A Temporal dev server run as our own child process, so a test knows its pid and can freeze it
// (SIGSTOP, as in a network partition) and thaw it (SIGCONT). In memory, on free ports.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalCliPath } from '../../lib/paths';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/shared';

export interface DevServerProcess {
  pid: number;
  address: string;
  namespace: string;
  client: Client;
  nativeConnection: NativeConnection;
  freeze(): void;
  thaw(): void;
  /** Thaws if frozen, closes the connections, stops the server (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDevServerProcess(): Promise<DevServerProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const namespace = 'default';
  const child = spawn(
    temporalCliPath(),
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--log-level',
      'error',
      ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).flatMap(([name, type]) => [
        '--search-attribute',
        `${name}=${type}`,
      ]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // The last of what it said, for the error when it does not start.
  let said = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    said = (said + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (!alive()) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (!alive()) throw new Error(`the Temporal dev server exited with code ${child.exitCode}: ${said}`);
      try {
        connection = await Connection.connect({ address, connectTimeout: 1000 });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer at ${address}: ${err}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    nativeConnection = await NativeConnection.connect({ address });
  } catch (err) {
    await connection?.close();
    await kill();
    throw err;
  }
  const conn = connection!;
  const native = nativeConnection;
  const client = new Client({ connection: conn, namespace });
  return {
    pid,
    address,
    namespace,
    client,
    nativeConnection: native,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    stop: async () => {
      if (alive()) child.kill('SIGCONT');
      await conn.close();
      await native.close();
      await kill();
    },
  };
}
