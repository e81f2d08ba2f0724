// `npm start` recovering from a crash: ports in use, a dev server left running, a stale claim on DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  assertPortFree,
  claimDataDir,
  processCommandLine,
  StartError,
  stopStaleDevServers,
} from '../../lib/dev-server';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A harmless process whose command line ends with `args` (what the checks read from /proc). */
function fakeProcess(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ja-start-'));
}

const linux = process.platform === 'linux' ? it : it.skip;

describe('ports', () => {
  it('when a port is taken, then the error is one line naming the port and its variable', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const err = await assertPortFree(port, 'TEMPORAL_PORT', '127.0.0.1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartError);
      expect((err as Error).message).toBe(
        `port ${port} (TEMPORAL_PORT) is in use; stop what uses it or choose another port`,
      );
      // Every interface (how the API listens) conflicts with a loopback listener too.
      await expect(assertPortFree(port, 'PORT')).rejects.toThrow(`port ${port} (PORT) is in use`);
    } finally {
      await new Promise((r) => holder.close(r));
    }
    await expect(assertPortFree(port, 'TEMPORAL_PORT', '127.0.0.1')).resolves.toBeUndefined();
  });
});

describe('DATA_DIR claim', () => {
  linux('when another start runs on the DATA_DIR, then a second one is refused naming it', async () => {
    const dir = tempDir();
    const other = fakeProcess(path.join(dir, 'dist', 'scripts', 'start.js'));
    await waitFor(() => processCommandLine(other.pid!)?.some((a) => a.endsWith('start.js')) ?? false);
    fs.writeFileSync(path.join(dir, 'start.pid'), JSON.stringify({ pid: other.pid, state: 'running' }));
    await expect(claimDataDir(dir)).rejects.toThrow(`another npm start (pid ${other.pid}) is using DATA_DIR ${dir}`);
    other.kill('SIGKILL');
  });

  linux('when the claim was left by a crashed start, then it is taken over and released on stop', async () => {
    const dir = tempDir();
    const crashed = fakeProcess(path.join(dir, 'start.js'));
    await waitFor(() => processCommandLine(crashed.pid!) !== undefined);
    fs.writeFileSync(path.join(dir, 'start.pid'), JSON.stringify({ pid: crashed.pid, state: 'running' }));
    crashed.kill('SIGKILL');
    await waitFor(() => processCommandLine(crashed.pid!) === undefined);

    const claim = await claimDataDir(dir);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'start.pid'), 'utf8')).pid).toBe(process.pid);
    claim.release();
    expect(fs.existsSync(path.join(dir, 'start.pid'))).toBe(false);
  });

  linux('when the previous start is still stopping, then the new one waits for it', async () => {
    const dir = tempDir();
    const previous = fakeProcess(path.join(dir, 'start.js'));
    await waitFor(() => processCommandLine(previous.pid!) !== undefined);
    fs.writeFileSync(path.join(dir, 'start.pid'), JSON.stringify({ pid: previous.pid, state: 'stopping' }));
    setTimeout(() => previous.kill('SIGKILL'), 300);
    const claim = await claimDataDir(dir, 5000);
    expect(processCommandLine(previous.pid!)).toBeUndefined();
    claim.release();
  });
});

describe('stale dev server', () => {
  linux(
    'when a dev server of this DATA_DIR outlived its start, then it is stopped and no other is touched',
    async () => {
      const dir = tempDir();
      const elsewhere = tempDir();
      const stale = fakeProcess('server', 'start-dev', '--db-filename', path.join(dir, 'temporal.sqlite'));
      const other = fakeProcess('server', 'start-dev', '--db-filename', path.join(elsewhere, 'temporal.sqlite'));
      await waitFor(() => processCommandLine(stale.pid!) !== undefined && processCommandLine(other.pid!) !== undefined);
      // The pid file names it too, as the start that crashed left it.
      fs.writeFileSync(path.join(dir, 'temporal.pid'), JSON.stringify({ pid: stale.pid }));

      const stopped = await stopStaleDevServers(dir);
      expect(stopped).toEqual([stale.pid]);
      expect(processCommandLine(stale.pid!)).toBeUndefined();
      expect(processCommandLine(other.pid!)).toBeDefined();
    },
  );

  linux('when the pid file names a process that is not our dev server, then it is left alone', async () => {
    const dir = tempDir();
    const unrelated = fakeProcess('something-else');
    await waitFor(() => processCommandLine(unrelated.pid!) !== undefined);
    fs.writeFileSync(path.join(dir, 'temporal.pid'), JSON.stringify({ pid: unrelated.pid }));
    expect(await stopStaleDevServers(dir)).toEqual([]);
    expect(processCommandLine(unrelated.pid!)).toBeDefined();
  });
});
