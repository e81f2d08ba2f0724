// The processes of one fault round: each child runs in its own process group, so a SIGKILL
// reaches exactly what this suite started (a wrapper script and what it spawned), nothing else.
// A process that dies on its own is restarted after a second, as a service manager would, and
// the suite counts such exits: they are findings, not something to hide.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
}

export interface UnexpectedExit {
  name: string;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One long-running child, restartable, SIGKILL-able by process group. */
export class Supervised {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** False while the suite itself stops or kills it (that exit is expected). */
  private wanted = false;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly spec: ProcessSpec,
    private readonly onUnexpectedExit: (e: UnexpectedExit) => void,
    /** Restart after an exit nobody asked for (the default: a service manager's behaviour). */
    private readonly autoRestart = true,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    this.wanted = true;
    const log = fs.openSync(this.spec.logFile, 'a');
    fs.writeSync(log, `\n==== ${new Date().toISOString()} start ${this.spec.name}\n`);
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['ignore', log, log],
      detached: true, // its own process group: kill(-pid) reaches it and its children only
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.child !== child || !this.wanted) return;
        this.onUnexpectedExit({ name: this.spec.name, at: Date.now(), code, signal });
        if (this.autoRestart) {
          this.restartTimer = setTimeout(() => {
            this.restartTimer = null;
            if (this.wanted && this.child === child) this.start();
          }, 1000);
        }
      });
      child.once('error', () => resolve());
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGKILL, as a crash: no shutdown code runs. Resolves once the process is gone. */
  async kill(): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after a grace period: the orderly end of a round. */
  async stop(graceMs = 5000): Promise<void> {
    this.wanted = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (!this.running) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `check` until it answers true; throws with `what` after the timeout. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
