// W1 engine overhead: the project beside bare Temporal, on ONE Temporal dev server, in one run,
// in alternating order (project, bare, project, bare, …).
//
// The project: `reviews` nine-matter reviews, `concurrency` at a time, every step accepted and
// approved through the HTTP API by the fault suite's LoadDriver (polls the application's page,
// acts on what it shows). Every fee is set to null in the catalog first (PUT /api/matters/:code as
// admin) and holdEvery is 0, so no payment step and no held step happen: the shapes are equal.
// The baseline: bench/bare/workflows.ts on its own worker process, driven the same way from this
// process (query the parent instead of reading the page, an Update instead of the HTTP request),
// with the same plan (domain/plan.ts over the catalog the API serves).
import path from 'node:path';
import { Client as TemporalClient, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { buildPlan, type PlanMatter } from '../domain/plan';
import { LoadDriver, NINE_MATTERS } from '../scripts/faults/load';
import { ApiClient } from '../scripts/faults/http';
import { Supervised } from '../scripts/faults/processes';
import { cpuSeconds, cpuSince, type CpuGroup } from './cpu';
import {
  bareAcceptUpdate,
  bareDecideUpdate,
  bareReview,
  bareReviewStateQuery,
  bareStepWorkflowId,
  type BareStepPlan,
} from './bare/workflows';
import {
  BenchEnv,
  log,
  ms,
  Progress,
  signed,
  sleep,
  summarize,
  table,
  type RunningStack,
  type Summary,
} from './common';

export interface W1Options {
  reviews: number;
  concurrency: number;
  /** Passes of each kind (project, bare, project, bare, …). */
  passes: number;
  /** Unmeasured reviews of each kind before the first pass (JIT, connection pools, workflow bundles). */
  warmup: number;
}

export interface W1Pass {
  kind: 'project' | 'bare';
  pass: number;
  reviews: number;
  completed: number;
  seconds: number;
  reviewsPerSecond: number;
  decision: Summary | null;
  accept: Summary | null;
  readyToDecided: Summary | null;
  /** CPU seconds each process group used during the pass (bench/cpu.ts). */
  cpuSeconds: Record<string, number>;
  failures: string[];
}

interface Samples {
  decision: number[];
  accept: number[];
  readyToDecided: number[];
}

export interface W1Kind {
  reviews: number;
  completed: number;
  seconds: number;
  reviewsPerSecond: number;
  decision: Summary | null;
  accept: Summary | null;
  readyToDecided: Summary | null;
}

export interface W1Result {
  options: W1Options;
  plan: BareStepPlan[];
  passes: W1Pass[];
  project: W1Kind;
  bare: W1Kind;
  comparison: {
    throughputRatio: number;
    decisionP50DiffMs: number;
    decisionP95DiffMs: number;
    decisionP99DiffMs: number;
    acceptP50DiffMs: number;
    acceptP99DiffMs: number;
    readyToDecidedP99DiffMs: number;
  };
  targets: { throughput: boolean; decisionP50: boolean; decisionP99: boolean };
  notes: string[];
  /** CPU milliseconds per completed review, by process group, over the passes of each kind. */
  cpu: { project: CpuPerReview; bare: CpuPerReview };
}

const DAY_MS = 86_400_000;

/** As the API's updateStep does: a workflow not found yet is waited for (200 ms, 25 times). */
async function withRetryWhileNotFound<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || attempt >= 25) throw err;
      await sleep(200);
    }
  }
}

/** The bare baseline's client side: one review at a time per lane, acting on what the parent's query shows. */
class BareDriver {
  readonly samples: Samples = { decision: [], accept: [], readyToDecided: [] };
  readonly failures: string[] = [];
  completed = 0;

  constructor(
    private readonly client: TemporalClient,
    private readonly taskQueue: string,
    private readonly plan: BareStepPlan[],
    private readonly tag: string,
  ) {}

  async run(reviews: number, concurrency: number): Promise<void> {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < reviews; i = next++) {
        try {
          await this.one(i);
          this.completed++;
        } catch (err) {
          this.failures.push(`bare review #${i}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  private async one(i: number): Promise<void> {
    const workflowId = `bare-${this.tag}-${String(i).padStart(4, '0')}`;
    const handle: WorkflowHandle<typeof bareReview> = await this.client.workflow.start(bareReview, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [{ steps: this.plan, deadlineMs: 30 * DAY_MS }],
    });
    const accepted = new Set<string>();
    const decided = new Set<string>();
    const giveUp = Date.now() + 15 * 60_000;
    for (;;) {
      if (Date.now() > giveUp) throw new Error(`${workflowId} not completed after 15 min`);
      const state = await handle.query(bareReviewStateQuery);
      if (state.completed) break;
      const todo = state.running.filter((m) => !decided.has(m));
      if (todo.length === 0) {
        await sleep(400);
        continue;
      }
      await Promise.all(
        todo.map(async (matterCode) => {
          const child = this.client.workflow.getHandle(bareStepWorkflowId(workflowId, matterCode));
          const t0 = Date.now();
          if (!accepted.has(matterCode)) {
            await withRetryWhileNotFound(() =>
              child.executeUpdate(bareAcceptUpdate, {
                args: [{ by: 'staff' }],
                updateId: `accept-${workflowId}-${matterCode}`,
              }),
            );
            this.samples.accept.push(Date.now() - t0);
            accepted.add(matterCode);
          } else {
            await withRetryWhileNotFound(() =>
              child.executeUpdate(bareDecideUpdate, {
                args: [{ by: 'staff', certificateNo: `CERT-${workflowId}-${matterCode}` }],
                updateId: `decide-${workflowId}-${matterCode}`,
              }),
            );
            this.samples.decision.push(Date.now() - t0);
            decided.add(matterCode);
          }
        }),
      );
    }
    for (const t of await handle.result()) this.samples.readyToDecided.push(t.decidedAt - t.readyAt);
  }
}

function kindOf(passes: W1Pass[], samples: Samples[]): W1Kind {
  const reviews = passes.reduce((a, p) => a + p.reviews, 0);
  const completed = passes.reduce((a, p) => a + p.completed, 0);
  const seconds = passes.reduce((a, p) => a + p.seconds, 0);
  return {
    reviews,
    completed,
    seconds: Math.round(seconds * 10) / 10,
    reviewsPerSecond: Math.round((completed / seconds) * 1000) / 1000,
    decision: summarize(samples.flatMap((s) => s.decision)),
    accept: summarize(samples.flatMap((s) => s.accept)),
    readyToDecided: summarize(samples.flatMap((s) => s.readyToDecided)),
  };
}

async function setFeesToNull(run: RunningStack): Promise<PlanMatter[]> {
  const r = await run.client.get('/api/matters', run.tokens.admin);
  if (r.status !== 200) throw new Error(`GET /api/matters answered ${r.status}`);
  const matters = r.body as Array<PlanMatter & { fee: unknown }>;
  for (const m of matters) {
    if (m.fee === null) continue;
    const put = await run.client.write(
      'PUT',
      `/api/matters/${m.code}`,
      run.tokens.admin,
      { ...m, fee: null },
      `bench-fee-${m.code}`,
    );
    if (put.status !== 200)
      throw new Error(`PUT /api/matters/${m.code} answered ${put.status}: ${JSON.stringify(put.body)}`);
  }
  return matters;
}

async function projectPass(run: RunningStack, opts: W1Options, tag: string, reviews: number, label: string) {
  const client = new ApiClient(run.stack.apiBases, 60_000, 600_000);
  const driver = new LoadDriver(
    client,
    { officer: run.tokens.officer, cashier: run.tokens.cashier, staff: run.tokens.staff },
    { apps: reviews, concurrency: opts.concurrency, tag, holdEvery: 0, workdaySeconds: 1, appTimeoutMs: 15 * 60_000 },
    1,
  );
  const t0 = Date.now();
  await new Progress(label, reviews).around(driver.run(), () => ({
    done: driver.completed,
    extra: `${driver.decisions.length} decisions`,
  }));
  const seconds = (Date.now() - t0) / 1000;
  const ids = [...driver.launched.values()];
  const { rows } = await run.pg.query<{ ms: number }>(
    `select extract(epoch from (decided_at - submitted_at)) * 1000 as ms
       from steps where application_id = any($1) and decided_at is not null and submitted_at is not null`,
    [ids],
  );
  const failures = [
    ...driver.failures,
    ...[...driver.surprises].map(([kind, s]) => `unexpected answer "${kind}" ×${s.count}, e.g. ${s.examples[0]}`),
  ];
  return {
    completed: driver.completed,
    seconds,
    failures,
    samples: {
      decision: client.latencies.get('decision') ?? [],
      accept: client.latencies.get('accept') ?? [],
      readyToDecided: rows.map((r) => Number(r.ms)),
    } satisfies Samples,
  };
}

async function barePass(
  temporal: TemporalClient,
  taskQueue: string,
  plan: BareStepPlan[],
  opts: W1Options,
  tag: string,
  reviews: number,
  label: string,
) {
  const driver = new BareDriver(temporal, taskQueue, plan, tag);
  const t0 = Date.now();
  await new Progress(label, reviews).around(driver.run(reviews, opts.concurrency), () => ({
    done: driver.completed,
    extra: `${driver.samples.decision.length} decisions`,
  }));
  return {
    completed: driver.completed,
    seconds: (Date.now() - t0) / 1000,
    failures: driver.failures,
    samples: driver.samples,
  };
}

export interface CpuPerReview {
  /** By process group; `total` is their sum. */
  msPerReview: Record<string, number>;
  /** Total CPU over wall time: cores kept busy (this machine has os.cpus().length). */
  coresBusy: number;
}

function cpuPerReview(passes: W1Pass[]): CpuPerReview {
  const completed = passes.reduce((n, p) => n + p.completed, 0);
  const seconds = passes.reduce((n, p) => n + p.seconds, 0);
  const sums: Record<string, number> = {};
  for (const p of passes) for (const [k, v] of Object.entries(p.cpuSeconds)) sums[k] = (sums[k] ?? 0) + v;
  const total = Object.values(sums).reduce((a, b) => a + b, 0);
  const perReview = (v: number) => Math.round((v / Math.max(completed, 1)) * 1000);
  return {
    msPerReview: {
      ...Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, perReview(v)])),
      total: perReview(total),
    },
    coresBusy: Math.round((total / Math.max(seconds, 0.001)) * 100) / 100,
  };
}

export async function runW1(env: BenchEnv, opts: W1Options): Promise<W1Result> {
  log(
    `W1 engine overhead: ${opts.passes} × (${opts.reviews} project reviews, ${opts.reviews} bare reviews), ` +
      `concurrency ${opts.concurrency}, alternating, on one Temporal dev server`,
  );
  const run = await env.start('w1', { workers: 1 });
  const notes: string[] = [];
  let bareWorker: Supervised | null = null;
  let connection: Connection | null = null;
  try {
    const catalog = await setFeesToNull(run);
    const plan = buildPlan(
      new Map(catalog.map((m) => [m.code, { code: m.code, prerequisites: m.prerequisites }])),
      NINE_MATTERS,
    ).map((p) => ({ matterCode: p.matterCode, prerequisites: p.prerequisites }));

    const bareQueue = `bench-bare-${process.pid}`;
    bareWorker = new Supervised(
      {
        name: 'bare-worker',
        command: process.execPath,
        args: [path.join(env.distDir, 'bench/bare/worker.js'), run.stack.temporalAddress, bareQueue],
        logFile: path.join(run.dir, 'bare-worker.log'),
      },
      (e) => notes.push(`the bare worker exited by itself (code ${e.code}, signal ${e.signal}); restarted`),
    );
    bareWorker.start();
    connection = await Connection.connect({ address: run.stack.temporalAddress });
    const temporal = new TemporalClient({ connection });

    if (opts.warmup > 0) {
      await projectPass(
        run,
        { ...opts, concurrency: Math.min(opts.concurrency, opts.warmup) },
        `w1-${process.pid}-warm`,
        opts.warmup,
        'warm-up project',
      );
      await barePass(temporal, bareQueue, plan, opts, `${process.pid}-warm`, opts.warmup, 'warm-up bare   ');
    }

    // Where the CPU goes, by process (the private cluster's PostgreSQL only when it is ours).
    const postgresPid = env.postgresPid();
    const groups = (): Record<string, CpuGroup> => ({
      'Temporal server': { roots: [run.stack.temporal.pid!] },
      worker: { roots: run.stack.workers.map((w) => w.pid!) },
      API: { roots: run.stack.apis.map((a) => a.pid!) },
      ...(postgresPid ? { PostgreSQL: { roots: [postgresPid] } } : {}),
      'bare worker': { roots: [bareWorker!.pid!] },
      'load driver (bench)': { roots: [process.pid], ownOnly: true },
    });

    const passes: W1Pass[] = [];
    const samples: Record<'project' | 'bare', Samples[]> = { project: [], bare: [] };
    for (let i = 1; i <= opts.passes; i++) {
      for (const kind of ['project', 'bare'] as const) {
        const label = `pass ${i} ${kind.padEnd(7)}`;
        const cpuBefore = cpuSeconds(groups());
        const r =
          kind === 'project'
            ? await projectPass(run, opts, `w1-${process.pid}-p${i}`, opts.reviews, label)
            : await barePass(temporal, bareQueue, plan, opts, `${process.pid}-p${i}`, opts.reviews, label);
        const cpu = cpuSince(cpuBefore, cpuSeconds(groups()));
        samples[kind].push(r.samples);
        passes.push({
          kind,
          pass: i,
          reviews: opts.reviews,
          completed: r.completed,
          seconds: Math.round(r.seconds * 10) / 10,
          reviewsPerSecond: Math.round((r.completed / r.seconds) * 1000) / 1000,
          decision: summarize(r.samples.decision),
          accept: summarize(r.samples.accept),
          readyToDecided: summarize(r.samples.readyToDecided),
          cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(v * 100) / 100])),
          failures: r.failures,
        });
        for (const f of r.failures.slice(0, 5)) notes.push(`${label.trim()}: ${f}`);
      }
    }

    const project = kindOf(
      passes.filter((p) => p.kind === 'project'),
      samples.project,
    );
    const bare = kindOf(
      passes.filter((p) => p.kind === 'bare'),
      samples.bare,
    );
    const diff = (a: Summary | null, b: Summary | null, k: keyof Summary) => (a && b ? a[k] - b[k] : NaN);
    const comparison = {
      throughputRatio: Math.round((project.reviewsPerSecond / bare.reviewsPerSecond) * 1000) / 1000,
      decisionP50DiffMs: diff(project.decision, bare.decision, 'p50'),
      decisionP95DiffMs: diff(project.decision, bare.decision, 'p95'),
      decisionP99DiffMs: diff(project.decision, bare.decision, 'p99'),
      acceptP50DiffMs: diff(project.accept, bare.accept, 'p50'),
      acceptP99DiffMs: diff(project.accept, bare.accept, 'p99'),
      readyToDecidedP99DiffMs: diff(project.readyToDecided, bare.readyToDecided, 'p99'),
    };
    return {
      options: opts,
      plan,
      passes,
      project,
      bare,
      comparison,
      cpu: {
        project: cpuPerReview(passes.filter((p) => p.kind === 'project')),
        bare: cpuPerReview(passes.filter((p) => p.kind === 'bare')),
      },
      targets: {
        throughput: comparison.throughputRatio >= 0.8,
        decisionP50: comparison.decisionP50DiffMs <= 25,
        decisionP99: comparison.decisionP99DiffMs <= 100,
      },
      notes,
    };
  } finally {
    await connection?.close().catch(() => undefined);
    await bareWorker?.stop().catch(() => undefined);
    await run.stop();
  }
}

export function printW1(r: W1Result): void {
  const { project: p, bare: b, comparison: c } = r;
  log('\nW1 engine overhead (pooled over the passes)');
  log(
    table(
      ['', 'the project', 'bare Temporal', 'ratio / difference'],
      [
        [
          'completed reviews per second',
          p.reviewsPerSecond.toFixed(2),
          b.reviewsPerSecond.toFixed(2),
          c.throughputRatio.toFixed(2),
        ],
        [
          'one decision (HTTP request / Update), p50',
          ms(p.decision?.p50),
          ms(b.decision?.p50),
          signed(c.decisionP50DiffMs),
        ],
        ['one decision, p95', ms(p.decision?.p95), ms(b.decision?.p95), signed(c.decisionP95DiffMs)],
        ['one decision, p99', ms(p.decision?.p99), ms(b.decision?.p99), signed(c.decisionP99DiffMs)],
        ['one acceptance, p50', ms(p.accept?.p50), ms(b.accept?.p50), signed(c.acceptP50DiffMs)],
        ['one acceptance, p99', ms(p.accept?.p99), ms(b.accept?.p99), signed(c.acceptP99DiffMs)],
        ['step ready → decided (waits included), p50', ms(p.readyToDecided?.p50), ms(b.readyToDecided?.p50), ''],
        [
          'step ready → decided (waits included), p99',
          ms(p.readyToDecided?.p99),
          ms(b.readyToDecided?.p99),
          signed(c.readyToDecidedP99DiffMs),
        ],
      ],
    ),
  );
  log(
    table(
      ['pass', 'completed', 'seconds', 'reviews/s', 'decision p50', 'decision p99'],
      r.passes.map((x) => [
        `${x.pass} ${x.kind}`,
        `${x.completed}/${x.reviews}`,
        x.seconds.toFixed(1),
        x.reviewsPerSecond.toFixed(2),
        ms(x.decision?.p50),
        ms(x.decision?.p99),
      ]),
    ),
  );
  const names = Object.keys(r.cpu.project.msPerReview);
  log('\nW1 CPU per completed review, by process (both kinds of pass run every process; the idle ones poll)');
  log(
    table(
      ['process', 'project passes', 'bare passes'],
      [
        ...names.map((n) => [n, `${r.cpu.project.msPerReview[n]} ms`, `${r.cpu.bare.msPerReview[n] ?? 0} ms`]),
        ['cores kept busy', r.cpu.project.coresBusy.toFixed(2), r.cpu.bare.coresBusy.toFixed(2)],
      ],
    ),
  );
  for (const n of r.notes) log(`  note: ${n}`);
}
