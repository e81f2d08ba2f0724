// What every workload shares: figures (percentiles), a progress bar, tables, the machine, and the
// bench environment (a PostgreSQL server, and one process-level Stack per workload, reused from
// the fault suite: a Temporal dev server, the project's worker and API as child processes).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { projectRoot, temporalCliPath } from '../lib/paths';
import { ApiClient } from '../scripts/faults/http';
import { DEPARTMENTS } from '../scripts/faults/load';
import { ExternalPostgres, PrivatePostgres } from '../scripts/faults/postgres';
import { freePort, sleep } from '../scripts/faults/processes';
import { Stack } from '../scripts/faults/stack';

export { sleep };

export const DEMO_PASSWORD = 'demo1234';

// --- figures ------------------------------------------------------------------------------------

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

export const ms = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : `${Math.round(x).toLocaleString('en-US')} ms`;
export const secs = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : `${(x / 1000).toFixed(digits)} s`;
export const signed = (x: number): string => `${x >= 0 ? '+' : ''}${Math.round(x).toLocaleString('en-US')} ms`;

// --- output ----------------------------------------------------------------------------------------

/** One line that rewrites itself on a terminal, or a line every 15 s in a log. */
export class Progress {
  private readonly tty = process.stdout.isTTY === true;
  private lastLog = 0;
  private readonly started = Date.now();
  private lastLine = '';

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, extra = ''): void {
    const width = 30;
    const filled = Math.min(width, Math.round((done / Math.max(this.total, 1)) * width));
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(0);
    this.lastLine = `  ${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} ${elapsed} s${extra ? `  ${extra}` : ''}`;
    if (this.tty) process.stdout.write(`\r${this.lastLine}\x1b[K`);
    else if (Date.now() - this.lastLog > 15_000) {
      this.lastLog = Date.now();
      console.log(this.lastLine);
    }
  }

  /** Keeps the bar updated from `read` every second until `work` settles. */
  async around<T>(work: Promise<T>, read: () => { done: number; extra?: string }): Promise<T> {
    const tick = () => {
      const r = read();
      this.update(r.done, r.extra);
    };
    tick();
    const timer = setInterval(tick, 1000);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      tick();
      this.finish();
    }
  }

  finish(): void {
    if (this.tty) process.stdout.write('\n');
    else console.log(this.lastLine);
  }
}

/** A Markdown table (first column left-aligned, the others right-aligned). */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  return [
    line(head),
    '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|',
    ...rows.map(line),
  ].join('\n');
}

export function log(message: string): void {
  console.log(message);
}

// --- the machine -----------------------------------------------------------------------------------

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  temporalCli: string | null;
  postgres: string | null;
  gitCommit: string | null;
  gitDirty: boolean | null;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

function quiet(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, {
      cwd: projectRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const status = quiet('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    temporalCli: quiet(temporalCliPath(), ['--version']),
    postgres: null,
    gitCommit: quiet('git', ['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Resident memory of a process in KiB (VmRSS of /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}

// --- the environment -------------------------------------------------------------------------------

export interface Tokens {
  officer: string;
  cashier: string;
  supervisor: string;
  admin: string;
  staff: Record<string, string>;
}

export async function signIn(client: ApiClient): Promise<Tokens> {
  const staff: Record<string, string> = {};
  for (const d of DEPARTMENTS) staff[d] = await client.login(`staff.${d.toLowerCase()}`, DEMO_PASSWORD);
  return {
    officer: await client.login('officer', DEMO_PASSWORD),
    cashier: await client.login('cashier', DEMO_PASSWORD),
    supervisor: await client.login('supervisor', DEMO_PASSWORD),
    admin: await client.login('admin', DEMO_PASSWORD),
    staff,
  };
}

export interface RunningStack {
  stack: Stack;
  databaseUrl: string;
  dir: string;
  client: ApiClient;
  tokens: Tokens;
  /** A connection to the stack's database, for reading what the read model holds. */
  pg: PgClient;
  stop(): Promise<void>;
}

export interface BenchEnvOptions {
  /** An existing PostgreSQL server (databases are created and dropped on it) instead of a private cluster. */
  databaseUrl?: string;
  keep: boolean;
}

/**
 * Where the workloads run: a private PostgreSQL cluster (initdb in /tmp, durable settings as in
 * production: fsync on) unless a server is named, and one Stack per workload on its own database.
 */
export class BenchEnv {
  readonly distDir = path.join(__dirname, '..');
  private readonly running = new Set<RunningStack>();

  private constructor(
    private readonly dbs: PrivatePostgres | ExternalPostgres,
    readonly databaseDescription: string,
    private readonly keep: boolean,
  ) {}

  static async create(opts: BenchEnvOptions): Promise<BenchEnv> {
    if (opts.databaseUrl) {
      return new BenchEnv(
        new ExternalPostgres(opts.databaseUrl),
        `existing server ${opts.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}`,
        opts.keep,
      );
    }
    const pg = await PrivatePostgres.create(await freePort(), {
      fsync: 'on',
      max_connections: '200',
      shared_buffers: '256MB',
    });
    return new BenchEnv(pg, `private cluster on 127.0.0.1:${pg.port} (fsync on, shared_buffers 256MB)`, opts.keep);
  }

  /** The private cluster's postmaster (its backends are its children); null on an existing server. */
  postgresPid(): number | null {
    if (!(this.dbs instanceof PrivatePostgres)) return null;
    try {
      return Number(fs.readFileSync(path.join(this.dbs.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  }

  async serverVersion(): Promise<string | null> {
    const c = new PgClient({ connectionString: this.dbs.adminUrl });
    try {
      await c.connect();
      const r = await c.query<{ v: string }>('select version() as v');
      return r.rows[0]!.v;
    } catch {
      return null;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** A database of its own, the migrations and demo data, a Temporal dev server, worker(s) and an API. */
  async start(name: string, opts: { workers: number; workdaySeconds?: number }): Promise<RunningStack> {
    for (const entry of ['workers/main.js', 'api/server.js', 'db/migrate-cli.js']) {
      if (!fs.existsSync(path.join(this.distDir, entry))) throw new Error(`${entry} missing in ${this.distDir}`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
    const databaseName = `bench_${name}_${process.pid}`;
    const databaseUrl = await this.dbs.createDatabase(databaseName);
    const stack = new Stack({
      dir,
      distDir: this.distDir,
      databaseUrl,
      workers: opts.workers,
      apis: 1,
      taskQueue: `bench-${name}-${process.pid}`,
      workdaySeconds: opts.workdaySeconds,
    });
    const pg = new PgClient({ connectionString: databaseUrl });
    let connected = false;
    const running: RunningStack = {
      stack,
      databaseUrl,
      dir,
      pg,
      client: new ApiClient([]),
      tokens: undefined as unknown as Tokens,
      stop: async () => {
        this.running.delete(running);
        if (connected) await pg.end().catch(() => undefined);
        await stack.stop().catch(() => undefined);
        if (!this.keep) {
          fs.rmSync(dir, { recursive: true, force: true });
          await this.dbs.dropDatabase(databaseName).catch(() => undefined);
        } else {
          log(`  kept: ${dir} and database ${databaseName}`);
        }
      },
    };
    this.running.add(running);
    await stack.start();
    await pg.connect();
    connected = true;
    running.client = new ApiClient(stack.apiBases, 60_000, 600_000);
    running.tokens = await signIn(running.client);
    return running;
  }

  async cleanup(): Promise<void> {
    for (const r of [...this.running]) await r.stop();
    if (this.dbs instanceof PrivatePostgres) await this.dbs.destroy().catch(() => undefined);
  }
}

/** Runs `n` jobs, `concurrency` at a time, in index order. */
export async function inLanes(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) await job(i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, lane));
}

/** A launch body as the officer's wizard sends it. */
export function launchBody(name: string, matters: string[], i: number) {
  return {
    project: { name, investmentWanYuan: 1000 + i, location: '根河市', industry: '新能源' },
    investor: {
      name: '根河新能源有限公司',
      creditCode: '91150785MA0N2XY41M',
      contactName: '李明',
      phone: '13800000000',
    },
    matters,
  };
}

export interface LaunchedApplication {
  id: string;
  steps: Array<{ id: string; matterCode: string; status: string }>;
}

/** Launches one application through the API (Idempotency-Key, retried as the fault suite's client does). */
export async function launch(
  run: RunningStack,
  key: string,
  body: ReturnType<typeof launchBody>,
): Promise<LaunchedApplication> {
  const r = await run.client.write('POST', '/api/applications', run.tokens.officer, body, key);
  if (r.status !== 201 && r.status !== 200) throw new Error(`launch answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as LaunchedApplication;
}
