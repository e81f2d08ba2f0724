// W3 timers: many open steps whose yellow and red points fall within the same few minutes on the
// training clock. A matter of its own (BENCH-TIMERS: no prerequisites, a promised limit of 2
// working days: yellow after 1 working day, red after 2) is put in the catalog; one-matter
// applications are launched through the API and each step accepted through the API right after
// its launch, `concurrency` at a time, for `setupSeconds` (or until `steps` are accepted). Every
// yellow point then lies within the span the acceptances took, one working day after them, and
// every red point one more day later. The working day (WORKDAY_SECONDS) defaults to the setup
// time plus 30 s, so the timers fire after the setup is over, in a burst as dense as the setup was.
//
// From the first acceptance on, the read model is watched (events and supervision cases, polled
// every 250 ms): lateness of each light change and each supervision case = when it happened
// minus when it was due, from the events' `at` (workflow time when the timer's task ran), the
// cases' `opened_at`, and the step's `yellow_at` / `deadline`; and, separately, when the row
// became visible in the read model. A change not recorded `graceSeconds` after the last due
// point counts as missed.
import { BenchEnv, launch, launchBody, log, ms, Progress, sleep, summarize, table, type Summary } from './common';

export interface W3Options {
  /** Stop the setup after this many steps (unset: as many as the setup time allows). */
  steps?: number;
  /** How long to launch and accept (unset with `steps`: no limit). */
  setupSeconds?: number;
  /** Unset: setup time + 30 s. */
  workdaySeconds?: number;
  graceSeconds: number;
  concurrency: number;
}

interface Lateness {
  /** Recorded time − due time: the event's `at` (or the case's `opened_at`). */
  recorded: Summary | null;
  /** First seen in the read model − due time (±250 ms polling). */
  visible: Summary | null;
  recordedCount: number;
  missed: number;
}

export interface W3Result {
  options: W3Options & { workdaySeconds: number };
  steps: number;
  setup: {
    seconds: number;
    stepsPerSecond: number;
    failures: number;
    /** Accepts answered 409 "no longer open" because the step's workflow had not started yet, then retried. */
    acceptRetries: number;
    acceptedSpanSeconds: number;
  };
  dueSpreadSeconds: { yellow: number; red: number };
  /** Yellow points that fell before the last acceptance (the setup's load was still running). */
  yellowDuringSetup: number;
  /** Steps whose acceptance itself came after their yellow point (yellow with the acceptance, no timer). */
  yellowAtAcceptance: number;
  yellow: Lateness;
  red: Lateness;
  supervisionCase: Lateness;
  targets: { lightChangeP99: boolean; noneMissed: boolean };
  notes: string[];
}

const MATTER = 'BENCH-TIMERS';
const LIMIT_DAYS = 2;
/** Launch + accept pairs per second assumed when only `steps` is given (to choose the working day). */
const ASSUMED_SETUP_RATE = 8;

interface Seen {
  at: number;
  seen: number;
}

export async function runW3(env: BenchEnv, opts: W3Options): Promise<W3Result> {
  const budgetSeconds = opts.setupSeconds ?? (opts.steps ? Infinity : 180);
  const expectedSetup = Number.isFinite(budgetSeconds) ? budgetSeconds : opts.steps! / ASSUMED_SETUP_RATE;
  const workdaySeconds = opts.workdaySeconds ?? Math.ceil(expectedSetup + 30);
  const target = opts.steps ?? Infinity;
  log(
    `W3 timers: ${opts.steps ? `${opts.steps} steps` : 'as many steps as fit'}` +
      `${Number.isFinite(budgetSeconds) ? ` in ${budgetSeconds} s of launching and accepting` : ''}, ` +
      `training clock ${workdaySeconds} s per working day (yellow ${workdaySeconds} s and red ${2 * workdaySeconds} s ` +
      `after acceptance), grace ${opts.graceSeconds} s`,
  );
  const run = await env.start('w3', { workers: 1, workdaySeconds });
  const notes: string[] = [];
  try {
    const put = await run.client.write(
      'PUT',
      `/api/matters/${MATTER}`,
      run.tokens.admin,
      {
        name: '计时基准事项',
        departmentCode: 'DRC',
        caseType: 'promised',
        legalBasis: '基准测试',
        conditions: '基准测试',
        procedure: '受理 → 决定',
        materials: [],
        statutoryLimitDays: LIMIT_DAYS,
        promisedLimitDays: LIMIT_DAYS,
        fee: null,
        prerequisites: [],
        stage: 1,
      },
      'bench-w3-matter',
    );
    if (put.status !== 200)
      throw new Error(`PUT /api/matters/${MATTER} answered ${put.status}: ${JSON.stringify(put.body)}`);

    // --- the watcher: first sight of every yellow, red and case, from the first acceptance on ----
    const seen = { yellow: new Map<string, Seen>(), red: new Map<string, Seen>(), case: new Map<string, Seen>() };
    let lastEventId = 0;
    let watching = true;
    const poll = async () => {
      const now = Date.now();
      const { rows: events } = await run.pg.query<{ id: number; step_id: string; type: string; at: Date }>(
        `select id, step_id, type, at from events
          where id > $1 and type in ('step_light_yellow', 'step_overdue') order by id`,
        [lastEventId],
      );
      for (const e of events) {
        lastEventId = Math.max(lastEventId, Number(e.id));
        const into = e.type === 'step_light_yellow' ? seen.yellow : seen.red;
        if (!into.has(e.step_id)) into.set(e.step_id, { at: e.at.getTime(), seen: now });
      }
      const { rows: cases } = await run.pg.query<{ step_id: string; opened_at: Date }>(
        `select step_id, opened_at from supervision_cases where level = 1`,
      );
      for (const c of cases) {
        if (!seen.case.has(c.step_id)) seen.case.set(c.step_id, { at: c.opened_at.getTime(), seen: now });
      }
    };
    const watcher = (async () => {
      while (watching) {
        try {
          await poll();
        } catch (err) {
          // The connection is closed when the bench is stopped (Ctrl-C): stop watching, let it clean up.
          if (!watching) break;
          throw err;
        }
        await sleep(250);
      }
    })();
    process.once('SIGINT', () => (watching = false)).once('SIGTERM', () => (watching = false));

    // --- setup: launch and accept, pipelined -----------------------------------------------------
    const stepIds: string[] = [];
    let launched = 0;
    let failures = 0;
    let acceptRetries = 0;
    let firstAcceptAt = Infinity;
    let lastAcceptAt = 0;
    const t0 = Date.now();
    const more = () => launched + failures < target && Date.now() - t0 < budgetSeconds * 1000;
    let next = 0;
    const one = async (i: number) => {
      const app = await launch(run, `w3-launch-${i}`, launchBody(`计时基准项目 ${i}`, [MATTER], i));
      launched++;
      const step = app.steps[0]!;
      for (let attempt = 0; ; attempt++) {
        const r = await run.client.write(
          'POST',
          `/api/steps/${step.id}/accept`,
          run.tokens.staff.DRC!,
          {},
          `w3-accept-${i}-${attempt}`,
        );
        if (r.status === 200) break;
        // The API waits 5 s for the step's workflow to start, then answers "no longer open"; under
        // load the parent may take longer to start its child: try again, as a window clerk would.
        const message = (r.body as { error?: { message?: string } } | null)?.error?.message ?? '';
        if (r.status === 409 && /no longer open/.test(message) && attempt < 20) {
          acceptRetries++;
          await sleep(1000);
          continue;
        }
        throw new Error(`accept answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      const now = Date.now();
      firstAcceptAt = Math.min(firstAcceptAt, now);
      lastAcceptAt = Math.max(lastAcceptAt, now);
      stepIds.push(step.id);
    };
    const lanes = Array.from({ length: opts.concurrency }, async () => {
      while (more()) {
        const i = next++;
        try {
          await one(i);
        } catch (err) {
          failures++;
          if (failures <= 5) notes.push(`setup #${i}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
    const setupTotal = Number.isFinite(target) ? target : Math.round(budgetSeconds);
    await new Progress('launch + accept', setupTotal).around(Promise.all(lanes), () => ({
      done: Number.isFinite(target) ? stepIds.length : Math.min(setupTotal, Math.round((Date.now() - t0) / 1000)),
      extra: `${stepIds.length} accepted, ${launched} launched, ${failures} failed, ${acceptRetries} accept retries`,
    }));
    const setupSeconds = (Date.now() - t0) / 1000;
    if (setupSeconds > workdaySeconds) {
      notes.push(
        `the setup took ${setupSeconds.toFixed(0)} s, longer than the working day (${workdaySeconds} s): ` +
          'the first yellow points fell while steps were still being launched and accepted',
      );
    }
    if (acceptRetries > 0) {
      notes.push(
        `${acceptRetries} acceptances right after a launch answered 409 "the step is no longer open" ` +
          "(the step's workflow was not started within the API's 5 s wait) and were sent again",
      );
    }

    // --- the due points, from the read model -----------------------------------------------------
    const { rows: due } = await run.pg.query<{
      id: string;
      yellow_at: Date | null;
      deadline: Date | null;
      accepted_at: Date | null;
    }>(`select id, yellow_at, deadline, accepted_at from steps where id = any($1)`, [stepIds]);
    // A step accepted after its yellow point turned yellow with its acceptance (no timer, no event).
    const lateAccepts = due.filter((d) => d.yellow_at && d.accepted_at && d.accepted_at >= d.yellow_at);
    const yellowDue = new Map(
      due.filter((d) => d.yellow_at && !lateAccepts.includes(d)).map((d) => [d.id, d.yellow_at!.getTime()]),
    );
    const redDue = new Map(due.filter((d) => d.deadline).map((d) => [d.id, d.deadline!.getTime()]));
    if (redDue.size < stepIds.length) notes.push(`${stepIds.length - redDue.size} accepted steps show no deadline`);
    const span = (m: Map<string, number>) => (m.size ? (Math.max(...m.values()) - Math.min(...m.values())) / 1000 : 0);
    const yellowDuringSetup = [...yellowDue.values()].filter((t) => t < lastAcceptAt).length;

    // --- watch until every change is seen, or the grace after the last due point is over ---------
    const lastDue = Math.max(0, ...redDue.values());
    const stopAt = lastDue + opts.graceSeconds * 1000;
    const count = (m: Map<string, Seen>, ids: Iterable<string>) => [...ids].filter((id) => m.has(id)).length;
    const expected = yellowDue.size + 2 * redDue.size;
    const done = () =>
      count(seen.yellow, yellowDue.keys()) + count(seen.red, redDue.keys()) + count(seen.case, redDue.keys());
    const finished = (async () => {
      while (Date.now() < stopAt && done() < expected) await sleep(500);
    })();
    await new Progress('watching timers', expected).around(finished, () => ({
      done: done(),
      extra: `yellow ${seen.yellow.size}, red ${seen.red.size}, cases ${seen.case.size}; last red due in ${Math.max(0, Math.round((lastDue - Date.now()) / 1000))} s`,
    }));
    watching = false;
    await watcher;
    await poll();

    const lateness = (dueAt: Map<string, number>, got: Map<string, Seen>): Lateness => {
      const recorded: number[] = [];
      const visible: number[] = [];
      let missed = 0;
      for (const [id, t] of dueAt) {
        const g = got.get(id);
        if (!g) {
          missed++;
          continue;
        }
        recorded.push(g.at - t);
        visible.push(g.seen - t);
      }
      return { recorded: summarize(recorded), visible: summarize(visible), recordedCount: recorded.length, missed };
    };
    const yellow = lateness(yellowDue, seen.yellow);
    const red = lateness(redDue, seen.red);
    const supervisionCase = lateness(redDue, seen.case);
    if (lateAccepts.length > 0) {
      notes.push(`${lateAccepts.length} steps were accepted after their yellow point (yellow with the acceptance)`);
    }
    const p99 = Math.max(yellow.recorded?.p99 ?? Infinity, red.recorded?.p99 ?? Infinity);
    return {
      options: { ...opts, workdaySeconds },
      steps: stepIds.length,
      setup: {
        seconds: Math.round(setupSeconds),
        stepsPerSecond: Math.round((stepIds.length / setupSeconds) * 100) / 100,
        failures,
        acceptRetries,
        acceptedSpanSeconds: Math.round((lastAcceptAt - firstAcceptAt) / 1000),
      },
      dueSpreadSeconds: { yellow: Math.round(span(yellowDue)), red: Math.round(span(redDue)) },
      yellowDuringSetup,
      yellowAtAcceptance: lateAccepts.length,
      yellow,
      red,
      supervisionCase,
      targets: {
        lightChangeP99: p99 < 1000,
        noneMissed: yellow.missed + red.missed + supervisionCase.missed === 0 && failures === 0,
      },
      notes,
    };
  } finally {
    await run.stop();
  }
}

export function printW3(r: W3Result): void {
  log(
    `\nW3 timers: ${r.steps} steps accepted in ${r.setup.seconds} s (${r.setup.stepsPerSecond} launch+accept/s), ` +
      `working day ${r.options.workdaySeconds} s; yellow points spread over ${r.dueSpreadSeconds.yellow} s, ` +
      `red over ${r.dueSpreadSeconds.red} s` +
      (r.yellowDuringSetup ? `; ${r.yellowDuringSetup} yellow points fell during the setup` : ''),
  );
  const row = (name: string, l: Lateness) => [
    name,
    ms(l.recorded?.p50),
    ms(l.recorded?.p99),
    ms(l.recorded?.max),
    ms(l.visible?.p50),
    ms(l.visible?.p99),
    `${l.recordedCount}`,
    `${l.missed}`,
  ];
  log(
    table(
      ['change', 'late p50', 'late p99', 'late max', 'visible p50', 'visible p99', 'recorded', 'missed'],
      [row('yellow light', r.yellow), row('red light', r.red), row('supervision case opened', r.supervisionCase)],
    ),
  );
  log(
    'late: recorded time (event at / case opened_at) − due time; visible: first seen in the read model − due time; ' +
      'target: light changes p99 < 1 s, none missed',
  );
  for (const n of r.notes) log(`  note: ${n}`);
}
