// `npm run test:faults`: crash anywhere, lose nothing. Each round runs N nine-matter reviews
// through the HTTP API on PostgreSQL and, in the middle of the load, breaks one thing:
//   worker    SIGKILL the worker, start it again after the outage
//   temporal  SIGKILL the Temporal dev server, start it again on the same state file
//   stack     SIGKILL worker, API and Temporal at once, start them again
//   postgres  crash PostgreSQL (pg_ctl stop -m immediate), start it again (WAL recovery)
//   scale     two workers and two APIs (the load spread over both), SIGKILL one worker for good
// Every round has its own database, Temporal state file and task queue. After the load, the read
// model, the API and Temporal are checked: every application completed, each approval once in
// its timeline, no report missing from any workflow's sequence, no supervision case twice.
//
// Options: --apps N (100)  --concurrency N (10)  --rounds worker,temporal,stack,postgres,scale
//          --workday-seconds S (20)  --hold-every N (10)  --down-seconds S (2)  --fault-at F (0.35)  --keep
//          --database-url URL (an existing server instead of a private cluster; skips the PostgreSQL round)
//          --sabotage (plants a duplicate approval, a duplicate case and a missing report: every round must FAIL)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { ApiClient } from './http';
import { DEPARTMENTS, LoadDriver, type Tokens } from './load';
import { ExternalPostgres, PrivatePostgres } from './postgres';
import { projectRoot } from '../../lib/paths';
import { freePort, sleep } from './processes';
import { Stack } from './stack';
import { verifyRound, type Verdict } from './verify';

const PASSWORD = 'demo1234';

interface Databases {
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
}

interface RoundSpec {
  id: string;
  label: string;
  workers: number;
  apis: number;
  /** Needs the private PostgreSQL cluster (it restarts the server). */
  restartsPostgres?: boolean;
  /** Breaks something; resolves once it is broken. */
  brk(stack: Stack, pg: PrivatePostgres | null): Promise<void>;
  /** Puts it back after the outage (a service manager, an operator). */
  repair(stack: Stack, pg: PrivatePostgres | null): Promise<void>;
}

const ROUNDS: RoundSpec[] = [
  {
    id: 'worker',
    label: '(a) SIGKILL worker',
    workers: 1,
    apis: 1,
    brk: (s) => s.workers[0]!.kill(),
    repair: async (s) => s.workers[0]!.start(),
  },
  {
    id: 'temporal',
    label: '(b) SIGKILL Temporal server',
    workers: 1,
    apis: 1,
    brk: (s) => s.temporal.kill(),
    repair: async (s) => s.temporal.start(),
  },
  {
    id: 'stack',
    label: '(c) SIGKILL worker+API+Temporal',
    workers: 1,
    apis: 1,
    brk: async (s) => {
      await Promise.all([s.temporal.kill(), ...s.workers.map((w) => w.kill()), ...s.apis.map((a) => a.kill())]);
    },
    repair: (s) => s.startMissing(),
  },
  {
    id: 'postgres',
    label: '(d) PostgreSQL crash + restart',
    workers: 1,
    apis: 1,
    restartsPostgres: true,
    brk: (_s, pg) => pg!.crash(),
    repair: (_s, pg) => pg!.start(),
  },
  {
    id: 'scale',
    label: '(e) 2 workers+2 APIs, SIGKILL 1 worker',
    workers: 2,
    apis: 2,
    brk: (s) => s.workers[1]!.kill(),
    repair: async () => undefined, // the other worker carries on alone
  },
];

interface Options {
  apps: number;
  concurrency: number;
  rounds: RoundSpec[];
  workdaySeconds: number;
  holdEvery: number;
  downMs: number;
  faultAt: number;
  keep: boolean;
  /** Plant a duplicate approval, a duplicate case and a missing report before the checks (they must fail). */
  sabotage: boolean;
  databaseUrl: string | undefined;
  /** The build output the stack runs from. */
  distDir: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      apps: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '10' },
      rounds: { type: 'string', default: ROUNDS.map((r) => r.id).join(',') },
      'workday-seconds': { type: 'string', default: '20' },
      'hold-every': { type: 'string', default: '10' },
      'down-seconds': { type: 'string', default: '2' },
      'fault-at': { type: 'string', default: '0.35' },
      keep: { type: 'boolean', default: false },
      sabotage: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
    },
  });
  const rounds = values.rounds.split(',').map((id) => {
    const r = ROUNDS.find((x) => x.id === id.trim());
    if (!r) throw new Error(`unknown round "${id}"; rounds: ${ROUNDS.map((x) => x.id).join(', ')}`);
    return r;
  });
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  return {
    apps: num('apps', values.apps, 1),
    concurrency: num('concurrency', values.concurrency, 1),
    rounds,
    workdaySeconds: num('workday-seconds', values['workday-seconds'], 1),
    holdEvery: num('hold-every', values['hold-every'], 0),
    downMs: num('down-seconds', values['down-seconds'], 0) * 1000,
    faultAt: num('fault-at', values['fault-at'], 0),
    keep: values.keep,
    sabotage: values.sabotage,
    databaseUrl: values['database-url'],
    distDir: path.join(__dirname, '..', '..'),
  };
}

interface RoundResult {
  spec: RoundSpec;
  skipped?: string;
  verdict?: Verdict;
  recoverySeconds?: number | null;
  failures: string[];
  notes: string[];
  seconds: number;
  /** Where the logs, the Temporal state and the database of a failed (or --keep) round are. */
  kept?: string;
}

const bar = (done: number, total: number, width = 30) => {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};

/**
 * The checks checked: plants what the suite must find (a second approval of one step, a second
 * case for one step, attempt and level, a report missing from one step's sequence). `--sabotage`
 * runs it before the verification; the round must then fail with one of each.
 */
async function sabotage(databaseUrl: string): Promise<void> {
  const db = new PgClient({ connectionString: databaseUrl });
  await db.connect();
  try {
    const step = (
      await db.query<{ id: string; application_id: string; matter_code: string }>(
        `select id, application_id, matter_code from steps order by id limit 1`,
      )
    ).rows[0]!;
    const workflow = `application-${step.application_id}/step-${step.matter_code}#a1`;
    await db.query(
      `insert into events (event_id, application_id, step_id, type, actor_id, actor_name, at, detail)
       select $1, application_id, step_id, type, actor_id, actor_name, at, detail from events
        where step_id = $2 and type = 'step_approved' limit 1`,
      [`${workflow}#sabotage`, step.id],
    );
    // The step's last report plus two: the one between never arrived.
    const { rows } = await db.query<{ n: number }>(`select seq as n from steps where id = $1`, [step.id]);
    await db.query(
      `insert into events (event_id, application_id, step_id, type, actor_id, actor_name, at, detail)
       values ($1, $2, $3, 'step_urged', 'sabotage', 'sabotage', now(), '{}')`,
      [`${workflow}#${rows[0]!.n + 2}`, step.application_id, step.id],
    );
    await db.query(
      `insert into supervision_cases (id, step_id, application_id, department_code, attempt, level, opened_at, due_at, status)
       select id || '-sabotage', step_id, application_id, department_code, attempt, level, opened_at, due_at, status
         from supervision_cases order by id limit 1`,
    );
  } finally {
    await db.end();
  }
}

/** Waits until Temporal runs no workflow of the round (the last ones finish after their final report). */
async function waitForQuiet(address: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new TemporalClient({ connection });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { count } = await client.workflow.count('ExecutionStatus = "Running"');
      if (count === 0) return;
      await sleep(1000);
    }
  } finally {
    await connection.close();
  }
}

async function runRound(
  spec: RoundSpec,
  opts: Options,
  dbs: Databases,
  pg: PrivatePostgres | null,
): Promise<RoundResult> {
  const started = Date.now();
  const failures: string[] = [];
  const notes: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `faults-${spec.id}-`));
  const databaseName = `faults_${spec.id}_${process.pid}`;
  const databaseUrl = await dbs.createDatabase(databaseName);
  const stack = new Stack({
    dir,
    distDir: opts.distDir,
    databaseUrl,
    workers: spec.workers,
    apis: spec.apis,
    taskQueue: `faults-${spec.id}-${process.pid}`,
    workdaySeconds: opts.workdaySeconds,
  });
  current = stack;
  let recoverySeconds: number | null = null;
  let verdict: Verdict | undefined;
  try {
    await stack.start();
    const client = new ApiClient(stack.apiBases, 30_000, 600_000);
    const staff: Record<string, string> = {};
    for (const d of DEPARTMENTS) staff[d] = await client.login(`staff.${d.toLowerCase()}`, PASSWORD);
    const tokens: Tokens = {
      officer: await client.login('officer', PASSWORD),
      cashier: await client.login('cashier', PASSWORD),
      staff,
    };
    const driver = new LoadDriver(
      client,
      tokens,
      {
        apps: opts.apps,
        concurrency: opts.concurrency,
        tag: `${spec.id}-${process.pid}`,
        holdEvery: opts.holdEvery,
        workdaySeconds: opts.workdaySeconds,
        appTimeoutMs: 15 * 60_000,
      },
      spec.apis,
    );
    let loadDone = false;
    const load = driver.run().finally(() => {
      loadDone = true;
    });

    const tty = process.stdout.isTTY;
    let lastLine = 0;
    const progress = setInterval(() => {
      const line = `  ${spec.id.padEnd(9)} ${bar(driver.completed, opts.apps)} ${driver.completed}/${opts.apps} completed, ${driver.decisions.length} decisions, retries: ${client.stats.networkErrors} network, ${client.stats.serverErrors} 5xx, ${client.stats.keyStillRunning} key pending`;
      if (tty) process.stdout.write(`\r${line}`);
      else if (Date.now() - lastLine > 15_000) {
        lastLine = Date.now();
        console.log(line);
      }
    }, 1000);

    // The fault, once a share of the load is through and the rest is in flight.
    const threshold = Math.max(1, Math.floor(opts.apps * opts.faultAt));
    while (!loadDone && driver.completed < threshold) await sleep(200);
    if (loadDone) {
      failures.push(`the load ended before the fault (${driver.completed} completed): nothing was tested`);
    } else {
      const t0 = Date.now();
      await spec.brk(stack, pg);
      const broken = Date.now();
      const log = (msg: string) => console.log(`${tty ? '\n' : ''}  ${spec.id.padEnd(9)} ${msg}`);
      log(
        `fault injected at ${driver.completed}/${opts.apps} completed (${((broken - t0) / 1000).toFixed(1)} s to take effect)`,
      );
      await sleep(opts.downMs);
      await spec.repair(stack, pg);
      log(`repaired after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      // Recovered: every API answers /healthz and a decision sent after the fault has succeeded.
      const recoveryDeadline = Date.now() + 10 * 60_000;
      let healthyAt: number | null = null;
      let decidedAt: number | null = null;
      while (Date.now() < recoveryDeadline && (healthyAt === null || decidedAt === null)) {
        if (healthyAt === null && (await stack.apisHealthy())) healthyAt = Date.now();
        const after = driver.decisions.filter((d) => d.sentAt >= broken).map((d) => d.at);
        if (decidedAt === null && after.length) decidedAt = Math.min(...after);
        if (loadDone && decidedAt === null) break;
        await sleep(200);
      }
      if (healthyAt !== null && decidedAt !== null) {
        recoverySeconds = (Math.max(healthyAt, decidedAt) - t0) / 1000;
        log(`recovered in ${recoverySeconds.toFixed(1)} s`);
      } else if (healthyAt !== null && loadDone) {
        failures.push('no decision was sent after the fault: too few applications (--apps) to see a recovery');
      } else {
        failures.push(
          `no recovery within 10 min: /healthz ${healthyAt ? 'answers' : 'never answered'}, ` +
            `decision after the fault ${decidedAt ? 'succeeded' : 'none succeeded'}`,
        );
      }
    }
    await load;
    clearInterval(progress);
    if (tty) process.stdout.write('\n');
    failures.push(...driver.failures);
    for (const [kind, s] of driver.surprises)
      notes.push(`unexpected answer "${kind}" ×${s.count}, e.g. ${s.examples.join(' | ')}`);
    for (const e of stack.unexpectedExits) {
      notes.push(
        `${e.name} exited by itself at +${((e.at - started) / 1000).toFixed(0)} s (code ${e.code}, signal ${e.signal}); restarted`,
      );
    }
    notes.push(
      `client: ${client.stats.requests} requests, ${client.stats.networkErrors} network errors, ${client.stats.serverErrors} 5xx, ${client.stats.keyStillRunning} key-pending 409s, ${client.stats.replayed} replayed answers`,
    );

    notes.push(`successful writes (with retries): ${client.latencySummary()}`);
    await waitForQuiet(stack.temporalAddress, 60_000);
    if (opts.sabotage) await sabotage(databaseUrl);
    verdict = await verifyRound({
      databaseUrl,
      temporalAddress: stack.temporalAddress,
      client,
      officerToken: tokens.officer,
      load: driver,
      expectedApps: opts.apps,
    });
  } catch (err) {
    failures.push(`round aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await stack.stop().catch(() => undefined);
    current = null;
  }
  const ok = roundPassed({ spec, verdict, failures, notes, seconds: 0 }, opts);
  if (ok && !opts.keep) {
    fs.rmSync(dir, { recursive: true, force: true });
    await dbs.dropDatabase(databaseName).catch(() => undefined);
  }
  return {
    spec,
    verdict,
    recoverySeconds,
    failures,
    notes,
    seconds: (Date.now() - started) / 1000,
    kept: ok && !opts.keep ? undefined : `${dir} and database ${databaseName}`,
  };
}

function roundPassed(r: RoundResult, opts: Options): boolean {
  if (r.skipped) return true;
  const v = r.verdict;
  return (
    r.failures.length === 0 &&
    v !== undefined &&
    v.applications === opts.apps &&
    v.completed === opts.apps &&
    v.duplicates.length === 0 &&
    v.losses.length === 0 &&
    v.other.length === 0
  );
}

function printTable(results: RoundResult[], opts: Options): void {
  const head = ['fault', 'applications', 'completed', 'duplicates', 'losses', 'recovery s', 'round s', 'result'];
  const rows = results.map((r) => {
    if (r.skipped) return [r.spec.label, '-', '-', '-', '-', '-', '-', 'SKIPPED'];
    const v = r.verdict;
    return [
      r.spec.label,
      v ? String(v.applications) : '?',
      v ? String(v.completed) : '?',
      v ? String(v.duplicates.length) : '?',
      v ? String(v.losses.length) : '?',
      r.recoverySeconds === null || r.recoverySeconds === undefined ? '-' : r.recoverySeconds.toFixed(1),
      r.seconds.toFixed(0),
      roundPassed(r, opts) ? 'PASS' : 'FAIL',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

function printDetails(r: RoundResult): void {
  const v = r.verdict;
  const lines = [
    ...r.failures.map((f) => `FAILURE ${f}`),
    ...(v?.duplicates ?? []).map((d) => `DUPLICATE ${d}`),
    ...(v?.losses ?? []).map((l) => `LOSS ${l}`),
    ...(v?.other ?? []).map((o) => `INCONSISTENT ${o}`),
    ...(v ? [`checked ${v.facts}`] : []),
    ...r.notes.map((n) => `note ${n}`),
  ];
  if (r.skipped) lines.unshift(`skipped: ${r.skipped}`);
  if (!lines.length) return;
  console.log(`\n${r.spec.label}${r.kept ? ` (kept: ${r.kept})` : ''}`);
  const shown = lines.slice(0, 40);
  for (const l of shown) console.log(`  ${l}`);
  if (lines.length > shown.length) console.log(`  … and ${lines.length - shown.length} more`);
}

let current: Stack | null = null;
let privatePg: PrivatePostgres | null = null;
let snapshot: string | null = null;

async function cleanup(): Promise<void> {
  await current?.stop().catch(() => undefined);
  await privatePg?.destroy().catch(() => undefined);
  if (snapshot) {
    fs.rmSync(snapshot, { recursive: true, force: true });
    try {
      fs.rmdirSync(path.dirname(snapshot)); // only when no other run's snapshot is there
    } catch {
      // another run's snapshot, or already gone
    }
  }
}

/**
 * A private copy of the build output for the processes of the suite: other work in the checkout
 * may rebuild dist/ meanwhile, and a worker restarted on other workflow code would be a different
 * test. Kept under node_modules/.cache so that module resolution finds the project's packages.
 */
function snapshotBuild(dist: string): string {
  const dir = path.join(projectRoot(), 'node_modules', '.cache', 'joint-approval-faults', String(process.pid));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(dist, dir, { recursive: true, filter: (src) => !src.endsWith('.map') });
  return dir;
}

async function main(): Promise<number> {
  const opts = options();
  const suiteStarted = Date.now();
  const dist = opts.distDir;
  for (const entry of ['workers/main.js', 'api/server.js', 'db/migrate-cli.js']) {
    if (!fs.existsSync(path.join(dist, entry))) {
      throw new Error(`${entry} missing in ${dist}: build first (npx tsc -p tsconfig.build.json)`);
    }
  }
  snapshot = snapshotBuild(dist);
  opts.distDir = snapshot;

  let dbs: Databases;
  let fallbackReason: string | null = null;
  try {
    if (opts.databaseUrl) throw new Error('--database-url given');
    privatePg = await PrivatePostgres.create(await freePort());
    dbs = privatePg;
    console.log(`private PostgreSQL cluster on 127.0.0.1:${privatePg.port} (${privatePg.binDir})`);
  } catch (err) {
    fallbackReason = err instanceof Error ? err.message : String(err);
    const url =
      opts.databaseUrl ??
      process.env.TEST_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres';
    const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    if (!opts.databaseUrl) console.log(`!! no private PostgreSQL cluster here: ${fallbackReason}`);
    console.log(
      `!! using ${shown} for the rounds' databases (created and dropped per round); ` +
        'the PostgreSQL restart round is SKIPPED: it would disturb a shared server',
    );
    dbs = new ExternalPostgres(url);
  }

  console.log(
    `${opts.rounds.length} rounds × ${opts.apps} nine-matter reviews, ${opts.concurrency} at a time; ` +
      `training clock ${opts.workdaySeconds} s per working day; outage ${opts.downMs / 1000} s; fault at ${Math.round(opts.faultAt * 100)} % completed`,
  );
  const results: RoundResult[] = [];
  for (const spec of opts.rounds) {
    if (spec.restartsPostgres && !privatePg) {
      results.push({
        spec,
        skipped: `no private PostgreSQL cluster (${fallbackReason})`,
        failures: [],
        notes: [],
        seconds: 0,
      });
      continue;
    }
    console.log(`\n${spec.label}: ${spec.workers} worker(s), ${spec.apis} API(s)`);
    const r = await runRound(spec, opts, dbs, privatePg);
    console.log(`  ${spec.id.padEnd(9)} ${roundPassed(r, opts) ? 'PASS' : 'FAIL'} in ${r.seconds.toFixed(0)} s`);
    results.push(r);
  }

  console.log('');
  printTable(results, opts);
  console.log(
    'recovery s: from the fault until every API answers /healthz and a decision sent after the fault has succeeded',
  );
  for (const r of results) printDetails(r);
  const total = (Date.now() - suiteStarted) / 1000;
  const passed = results.every((r) => roundPassed(r, opts));
  console.log(
    `\nfault suite ${passed ? 'PASSED' : 'FAILED'} in ${Math.floor(total / 60)} min ${Math.round(total % 60)} s`,
  );
  return passed ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the suite's processes`);
    void cleanup().then(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await cleanup();
    process.exit(2);
  });
