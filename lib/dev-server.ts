// The local Temporal dev server for `npm start`: state in DATA_DIR, our search attributes
// registered, and namespace retention raised so closed histories stay readable.
//
// Crash safety: the child is started under `setpriv --pdeathsig` where available, so it gets
// SIGTERM when its parent dies, and its pid is kept in DATA_DIR/temporal.pid. A later start on
// the same DATA_DIR stops a dev server left over from a crash (after checking through
// /proc/<pid>/cmdline that it really is a `temporal server start-dev` on this DATA_DIR's file).
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../workflows/shared';
import { temporalCliPath } from './paths';

const execFileAsync = promisify(execFile);

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dataDir: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  retentionDays?: number;
  /** The Web UI decodes payloads through this endpoint (the API's /codec, lib/payload-codec.ts). */
  codecEndpoint?: string;
  /** Called with a line for each stale dev server stopped (for the log). */
  onStale?: (message: string) => void;
}

/** A start-up problem the operator fixes without a stack trace: printed as one line, exit code 1. */
export class StartError extends Error {}

export class PortInUseError extends StartError {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`port ${port} (${variable}) is in use; stop what uses it or choose another port`);
  }
}

/** The one-line message for an error from listen() on a configured port, or undefined for other errors. */
export function portErrorMessage(err: unknown, port: number, variable: string): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new PortInUseError(port, variable).message;
  if (code === 'EACCES') return `port ${port} (${variable}) may not be used by this user; choose a port above 1023`;
  return undefined;
}

/** Resolves when `port` can be bound on `host` (undefined = every interface, as app.listen does). */
export function assertPortFree(port: number, variable: string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', (err) => {
      const message = portErrorMessage(err, port, variable);
      reject(message ? new StartError(message) : err);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

// ---- processes --------------------------------------------------------------------------

/** The command line of a live process, or undefined when it does not exist (or is a zombie). */
export function processCommandLine(pid: number): string[] | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The state follows the parenthesised command name; a zombie holds no port and no file.
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      return undefined;
    }
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  try {
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return out ? out.split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

async function terminate(pid: number, graceMs: number): Promise<void> {
  const gone = () => processCommandLine(pid) === undefined;
  const waitGone = async (ms: number) => {
    const until = Date.now() + ms;
    while (!gone() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return gone();
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitGone(5000);
}

function isOurDevServer(cmdline: string[] | undefined, dbFile: string): boolean {
  if (!cmdline) return false;
  const i = cmdline.indexOf('start-dev');
  if (i < 1 || cmdline[i - 1] !== 'server') return false;
  const f = cmdline.findIndex((a) => a === '--db-filename' || a === '-f');
  const file = f >= 0 ? cmdline[f + 1] : cmdline.find((a) => a.startsWith('--db-filename='))?.slice(14);
  return file !== undefined && path.resolve(file) === dbFile;
}

/** Pids of `temporal server start-dev` processes on this DATA_DIR's file: the pid file, then /proc. */
function findDevServers(dataDir: string, dbFile: string): number[] {
  const pids = new Set<number>();
  try {
    const recorded = JSON.parse(fs.readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8')) as { pid?: number };
    if (typeof recorded.pid === 'number' && isOurDevServer(processCommandLine(recorded.pid), dbFile))
      pids.add(recorded.pid);
  } catch {
    // no pid file, or an unreadable one: the /proc scan below still finds the process
  }
  if (process.platform === 'linux') {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync('/proc');
    } catch {
      entries = [];
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (pid !== process.pid && isOurDevServer(processCommandLine(pid), dbFile)) pids.add(pid);
    }
  }
  return [...pids];
}

/** Stops dev servers left running on this DATA_DIR by a start that crashed; returns their pids. */
export async function stopStaleDevServers(dataDir: string): Promise<number[]> {
  const dbFile = path.resolve(dataDir, 'temporal.sqlite');
  const pids = findDevServers(path.resolve(dataDir), dbFile);
  await Promise.all(pids.map((pid) => terminate(pid, 10_000)));
  return pids;
}

// ---- one `npm start` per DATA_DIR -------------------------------------------------------

export interface DataDirClaim {
  /** Marks the claim as being given up: a new start waits for us instead of refusing. */
  stopping(): void;
  release(): void;
}

interface ClaimFile {
  pid?: number;
  /** Who holds it: `npm start` (the default), `npm run backup`, `npm run restore`. */
  by?: string;
  state?: 'running' | 'stopping';
}

function isStartProcess(cmdline: string[] | undefined): boolean {
  return (
    cmdline !== undefined &&
    cmdline.some((a) => /node/.test(path.basename(a))) &&
    // npm start, or a backup or restore (scripts/backup/), which hold DATA_DIR while they copy it.
    cmdline.some((a) => /(start|backup[\\/](backup|restore))\.[jt]s$/.test(a))
  );
}

/**
 * Marks DATA_DIR as used by this process. Refuses when another live start holds it (two
 * processes on one PGlite directory or one SQLite file would corrupt them), waits for one that is
 * stopping, and takes over a claim left by a process that no longer runs (a crash).
 */
export async function claimDataDir(
  dataDir: string,
  waitForStoppingMs = 20_000,
  by = 'npm start',
): Promise<DataDirClaim> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'start.pid');
  const read = (): ClaimFile => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as ClaimFile;
    } catch {
      return {};
    }
  };
  const until = Date.now() + waitForStoppingMs;
  for (;;) {
    const { pid, state, by: holder } = read();
    if (typeof pid !== 'number' || pid === process.pid || !isStartProcess(processCommandLine(pid))) break;
    if (state !== 'stopping' || Date.now() > until)
      throw new StartError(
        `another ${holder ?? 'npm start'} (pid ${pid}) is using DATA_DIR ${dataDir}; stop it or choose another DATA_DIR`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  const write = (state: ClaimFile['state']) =>
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, state, by, startedAt: new Date().toISOString() }) + '\n');
  write('running');
  const ours = () => read().pid === process.pid;
  return {
    stopping() {
      if (ours()) write('stopping');
    },
    release() {
      if (ours()) fs.rmSync(file, { force: true });
    },
  };
}

/** The live process that holds DATA_DIR (an `npm start`, a backup or a restore), or undefined when none does. */
export function dataDirHolder(dataDir: string): { pid: number; by: string } | undefined {
  try {
    const { pid, by } = JSON.parse(fs.readFileSync(path.join(dataDir, 'start.pid'), 'utf8')) as ClaimFile;
    return typeof pid === 'number' && pid !== process.pid && isStartProcess(processCommandLine(pid))
      ? { pid, by: by ?? 'npm start' }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Pids of Temporal dev servers running on this DATA_DIR's state file (without stopping them). */
export function devServersOn(dataDir: string): number[] {
  return findDevServers(path.resolve(dataDir), path.resolve(dataDir, 'temporal.sqlite'));
}

// ---- the dev server ---------------------------------------------------------------------

let setprivPath: string | null | undefined;
/** `setpriv` (util-linux) sets a parent-death signal before exec: the child dies with us, even on SIGKILL. */
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/bin'])) {
    const candidate = path.join(dir, 'setpriv');
    if (dir && fs.existsSync(candidate)) {
      setprivPath = candidate;
      break;
    }
  }
  return setprivPath;
}

async function waitUntilReachable(
  address: string,
  child: ChildProcess,
  logPath: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new StartError(
        `the Temporal dev server exited (${child.exitCode ?? child.signalCode}) before answering; see ${logPath}`,
      );
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new StartError(`the Temporal dev server did not answer at ${address} (${String(err)}); see ${logPath}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const cli = temporalCliPath();
  if (!fs.existsSync(cli)) {
    throw new StartError(
      `Temporal CLI not found at ${cli}: run "node scripts/install-temporal.js" (npm ci does) or set TEMPORAL_CLI_PATH`,
    );
  }
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const namespace = opts.namespace ?? 'default';
  const address = `127.0.0.1:${port}`;
  const dataDir = path.resolve(opts.dataDir);
  const dbFile = path.join(dataDir, 'temporal.sqlite');
  const pidFile = path.join(dataDir, 'temporal.pid');
  const logPath = path.join(dataDir, 'temporal.log');
  fs.mkdirSync(dataDir, { recursive: true });

  for (const pid of await stopStaleDevServers(dataDir))
    opts.onStale?.(`stopped a Temporal dev server left running on ${dataDir} (pid ${pid})`);
  await assertPortFree(port, 'TEMPORAL_PORT', '127.0.0.1');
  await assertPortFree(uiPort, 'TEMPORAL_UI_PORT', '127.0.0.1');

  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
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
  if (opts.codecEndpoint) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  const setpriv = findSetpriv();
  const [command, commandArgs] = setpriv ? [setpriv, ['--pdeathsig', 'TERM', cli, ...args]] : [cli, args];
  const logFile = fs.openSync(logPath, 'a');
  // Its own process group: Ctrl-C reaches only us, and we stop it after the worker has drained.
  const child = spawn(command, commandArgs, { stdio: ['ignore', logFile, logFile], detached: true });
  fs.closeSync(logFile);
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined)
    fs.writeFileSync(pidFile, JSON.stringify({ pid: child.pid, owner: process.pid, port, uiPort }) + '\n');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    try {
      const { pid } = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { pid?: number };
      if (pid === child.pid) fs.rmSync(pidFile);
    } catch {
      // already gone
    }
  };

  try {
    await Promise.race([waitUntilReachable(address, child, logPath, 60_000), spawnFailed]);
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
  return { address, uiUrl: `http://localhost:${uiPort}`, pid: child.pid ?? -1, stop };
}
