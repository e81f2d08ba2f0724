// `npm run bench`: the benchmark suite (bench/README.md). Not part of `npm test`.
//   W1 engine overhead   the project through its HTTP API beside bare Temporal, alternating
//   W2 read paths        100,000 applications loaded into PostgreSQL, the API's reads, their plans
//   W3 timers            many steps due within minutes on the training clock: lateness, misses
//   W4 memory            the worker's RSS with 1,000 and 10,000 open applications
// Prints a table per workload and writes bench/results/<YYYY-MM-DD>.json (or --out).
//
// Options (defaults = the sizes):
//   --only W1,W2,W3,W4
//   W1: --reviews 30 --concurrency 10 --passes 2 --warmup 2
//   W2: --apps 100000 --events 1000000 --requests 100
//   W3: --setup-seconds 180 (launch and accept for that long) or --steps N (the 10000),
//       --workday-seconds (setup + 30 s) --grace 60 --launch-concurrency 12
//   W4: --open 1000,10000 --launch-concurrency 12
//   --database-url URL (an existing PostgreSQL server instead of a private cluster)  --keep  --out FILE
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../lib/paths';
import { BenchEnv, log, machineInfo, ms, signed, table, type MachineInfo } from './common';
import { printW1, runW1, type W1Result } from './w1-overhead';
import { printW2, runW2, type W2Result } from './w2-reads';
import { printW3, runW3, type W3Result } from './w3-timers';
import { printW4, runW4, type W4Result } from './w4-memory';

const WORKLOADS = ['W1', 'W2', 'W3', 'W4'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Results {
  date: string;
  machine: MachineInfo;
  database: string;
  /** Each workload with the run it came from (a workload not run keeps its entry from an earlier run). */
  workloads: Partial<Record<Workload, WorkloadEntry>>;
}

interface WorkloadEntry {
  measuredAt: string;
  seconds: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
  /** 1-, 5- and 15-minute load averages when the workload started and ended. */
  loadAverage: { start: number[]; end: number[] };
  result?: unknown;
  error?: string;
}

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: WORKLOADS.join(',') },
      reviews: { type: 'string', default: '30' },
      concurrency: { type: 'string', default: '10' },
      passes: { type: 'string', default: '2' },
      warmup: { type: 'string', default: '2' },
      apps: { type: 'string', default: '100000' },
      events: { type: 'string', default: '1000000' },
      requests: { type: 'string', default: '100' },
      steps: { type: 'string' },
      'setup-seconds': { type: 'string' },
      'workday-seconds': { type: 'string' },
      grace: { type: 'string', default: '60' },
      open: { type: 'string', default: '1000,10000' },
      'launch-concurrency': { type: 'string', default: '12' },
      'database-url': { type: 'string' },
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const only = values.only.split(',').map((w) => {
    const id = w.trim().toUpperCase();
    if (!(WORKLOADS as readonly string[]).includes(id))
      throw new Error(`unknown workload "${w}"; workloads: ${WORKLOADS.join(', ')}`);
    return id as Workload;
  });
  const open = values.open.split(',').map((v) => num('open', v, 1));
  if (open.length < 2 || open.some((v, i) => i > 0 && v <= open[i - 1]!)) {
    throw new Error('--open takes two or more increasing sizes, e.g. 1000,10000');
  }
  return {
    only,
    w1: {
      reviews: num('reviews', values.reviews, 1),
      concurrency: num('concurrency', values.concurrency, 1),
      passes: num('passes', values.passes, 1),
      warmup: num('warmup', values.warmup, 0),
    },
    w2: {
      apps: num('apps', values.apps, 10),
      events: num('events', values.events, 1),
      requests: num('requests', values.requests, 1),
    },
    w3: {
      steps: values.steps === undefined ? undefined : num('steps', values.steps, 1),
      setupSeconds:
        values['setup-seconds'] === undefined ? undefined : num('setup-seconds', values['setup-seconds'], 1),
      workdaySeconds:
        values['workday-seconds'] === undefined ? undefined : num('workday-seconds', values['workday-seconds'], 1),
      graceSeconds: num('grace', values.grace, 1),
      concurrency: num('launch-concurrency', values['launch-concurrency'], 1),
    },
    w4: { sizes: open, concurrency: num('launch-concurrency', values['launch-concurrency'], 1) },
    databaseUrl: values['database-url'],
    keep: values.keep,
    out: values.out,
  };
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Today in the machine's local time zone, YYYY-MM-DD. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The targets beside this run's figures. */
function printTargets(results: Results, only: Workload[]): void {
  const rows: string[][] = [];
  const got = <T>(w: Workload) => results.workloads[w]?.result as T | undefined;
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const w1 = only.includes('W1') ? got<W1Result>('W1') : undefined;
  if (w1) {
    const c = w1.comparison;
    rows.push(['W1 throughput ≥ 0.8 × bare', `${c.throughputRatio.toFixed(2)} × bare`, yes(w1.targets.throughput)]);
    rows.push(['W1 decision p50 ≤ bare + 25 ms', `bare ${signed(c.decisionP50DiffMs)}`, yes(w1.targets.decisionP50)]);
    rows.push(['W1 decision p99 ≤ bare + 100 ms', `bare ${signed(c.decisionP99DiffMs)}`, yes(w1.targets.decisionP99)]);
  }
  const w2 = only.includes('W2') ? got<W2Result>('W2') : undefined;
  if (w2) {
    const worst = [...w2.reads].sort((a, b) => (b.latency?.p99 ?? Infinity) - (a.latency?.p99 ?? Infinity))[0];
    const met = w2.reads.filter((r) => r.targetMet).length;
    rows.push([
      'W2 every read p99 < 50 ms',
      `${met}/${w2.reads.length} reads; worst ${worst?.name} ${ms(worst?.latency?.p99)}`,
      yes(met === w2.reads.length),
    ]);
  }
  const w3 = only.includes('W3') ? got<W3Result>('W3') : undefined;
  if (w3) {
    rows.push([
      'W3 light changes p99 lateness < 1 s',
      `yellow ${ms(w3.yellow.recorded?.p99)}, red ${ms(w3.red.recorded?.p99)} (${w3.steps} steps)`,
      yes(w3.targets.lightChangeP99),
    ]);
    rows.push([
      'W3 none missed',
      `${w3.yellow.missed + w3.red.missed + w3.supervisionCase.missed} missed`,
      yes(w3.targets.noneMissed),
    ]);
  }
  const w4 = only.includes('W4') ? got<W4Result>('W4') : undefined;
  if (w4) {
    rows.push([
      'W4 < 50 KiB per open application',
      `${w4.perOpenApplicationKiB} KiB (${w4.points[0]?.open} → ${w4.points[w4.points.length - 1]?.open}); ` +
        `${w4.firstSizePerApplicationKiB} KiB (0 → ${w4.points[0]?.open})`,
      yes(w4.targetMet),
    ]);
  }
  if (rows.length === 0) return;
  log('\nTargets (issue 13)');
  log(table(['target', 'this run', 'met'], rows));
}

let env: BenchEnv | null = null;

async function main(): Promise<number> {
  const opts = options();
  const started = Date.now();
  const machine = machineInfo();
  log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}; ` +
      `load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  env = await BenchEnv.create({ databaseUrl: opts.databaseUrl, keep: opts.keep });
  machine.postgres = await env.serverVersion();
  log(`PostgreSQL: ${env.databaseDescription}`);

  const date = today();
  const out = path.resolve(opts.out ?? path.join(projectRoot(), 'bench', 'results', `${date}.json`));
  // Workloads not run this time keep their figures from an earlier run of the same file.
  let previous: Results | null = null;
  try {
    previous = JSON.parse(fs.readFileSync(out, 'utf8')) as Results;
  } catch {
    previous = null;
  }
  const results: Results = { date, machine, database: env.databaseDescription, workloads: { ...previous?.workloads } };

  let failed = false;
  const printers: Array<() => void> = [];
  for (const w of WORKLOADS) {
    if (!opts.only.includes(w)) continue;
    const t0 = Date.now();
    const loadAtStart = loadAverage();
    const entry = (): WorkloadEntry => ({
      measuredAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - t0) / 1000),
      gitCommit: machine.gitCommit,
      gitDirty: machine.gitDirty,
      loadAverage: { start: loadAtStart, end: loadAverage() },
    });
    log('');
    try {
      let result: unknown;
      if (w === 'W1') {
        const r: W1Result = await runW1(env, opts.w1);
        printers.push(() => printW1(r));
        result = r;
      } else if (w === 'W2') {
        const r: W2Result = await runW2(env, opts.w2);
        printers.push(() => printW2(r));
        result = r;
      } else if (w === 'W3') {
        const r: W3Result = await runW3(env, opts.w3);
        printers.push(() => printW3(r));
        result = r;
      } else {
        const r: W4Result = await runW4(env, opts.w4);
        printers.push(() => printW4(r));
        result = r;
      }
      results.workloads[w] = { ...entry(), result };
    } catch (err) {
      failed = true;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`${w} FAILED: ${message}`);
      results.workloads[w] = { ...entry(), error: message };
    }
    log(`${w} took ${Math.round((Date.now() - t0) / 1000)} s`);
  }

  machine.loadAverageAtEnd = loadAverage();
  for (const print of printers) print();
  printTargets(results, opts.only);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  const total = (Date.now() - started) / 1000;
  log(`\nresults written to ${path.relative(process.cwd(), out) || out}`);
  log(
    `bench ${failed ? 'finished with errors' : 'done'} in ${Math.floor(total / 60)} min ${Math.round(total % 60)} s; load average at the end ${machine.loadAverageAtEnd.join(' ')}`,
  );
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the bench's processes`);
    void (env?.cleanup() ?? Promise.resolve()).then(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await env?.cleanup();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await env?.cleanup();
    process.exit(2);
  });
