// W3 timers: `steps` open steps whose yellow and red points fall within a few minutes of each
// other on the training clock. A matter of its own (BENCH-TIMERS: no prerequisites, a promised
// limit of 2 working days, so yellow after 1 working day and red after 2) is put in the catalog;
// `steps` one-matter applications are launched through the API and each step accepted through
// the API right after its launch, `concurrency` at a time. Every yellow point then lies within the
// span the acceptances took, one working day after them, and every red point one more day later.
// The working day (WORKDAY_SECONDS) defaults to a little more than the expected setup time, so the
// timers fire after the setup is over (`--workday-seconds` overrides it).
//
// Then the read model is watched (events and supervision cases, polled every 250 ms): lateness of
// each light change and each supervision case = when it happened minus when it was due, from the
// events' `at` (workflow time when the timer's task ran), the cases' `opened_at`, and the step's
// `yellow_at` / `deadline`; and, separately, when the row became visible in the read model. A
// change never recorded within `graceSeconds` after its due time counts as missed.
import {
  BenchEnv,
  inLanes,
  launch,
  launchBody,
  log,
  ms,
  Progress,
  sleep,
  summarize,
  table,
  type Summary,
} from './common';

export interface W3Options {
  steps: number;
  /** Unset: chosen from `steps` (see expectedSetupSeconds). */
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
  setup: { seconds: number; launchesPerSecond: number; failures: number; acceptedSpanSeconds: number };
  dueSpreadSeconds: { yellow: number; red: number };
  /** Yellow points that fell before the last acceptance (the setup's load was still running). */
  yellowDuringSetup: number;
  yellow: Lateness;
  red: Lateness;
  supervisionCase: Lateness;
  targets: { lightChangeP99: boolean; noneMissed: boolean };
  notes: string[];
}

const MATTER = 'BENCH-TIMERS';
const LIMIT_DAYS = 2;

/** Launch + accept pairs per second this machine sustained (measured on the 2-core reference machine). */
const EXPECTED_SETUP_RATE = 8;

export async function runW3(env: BenchEnv, opts: W3Options): Promise<W3Result> {
  const workdaySeconds = opts.workdaySeconds ?? Math.max(30, Math.ceil((opts.steps / EXPECTED_SETUP_RATE) * 1.1));
  log(
    `W3 timers: ${opts.steps} open steps, training clock ${workdaySeconds} s per working day ` +
      `(yellow ${workdaySeconds} s and red ${2 * workdaySeconds} s after acceptance), grace ${opts.graceSeconds} s`,
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

    // --- setup: launch and accept, pipelined --------------------------------------------------
    const stepIds: string[] = [];
    let launched = 0;
    let failures = 0;
    let lastAcceptAt = 0;
    let firstAcceptAt = Infinity;
    const t0 = Date.now();
    const setup = inLanes(opts.steps, opts.concurrency, async (i) => {
      try {
        const app = await launch(run, `w3-launch-${i}`, launchBody(`计时基准项目 ${i}`, [MATTER], i));
        launched++;
        const step = app.steps[0]!;
        const r = await run.client.write(
          'POST',
          `/api/steps/${step.id}/accept`,
          run.tokens.staff.DRC!,
          {},
          `w3-accept-${i}`,
        );
        if (r.status !== 200) throw new Error(`accept answered ${r.status}: ${JSON.stringify(r.body)}`);
        const now = Date.now();
        firstAcceptAt = Math.min(firstAcceptAt, now);
        lastAcceptAt = Math.max(lastAcceptAt, now);
        stepIds.push(step.id);
      } catch (err) {
        failures++;
        if (failures <= 5) notes.push(`setup #${i}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    await new Progress('launch + accept', opts.steps).around(setup, () => ({
      done: stepIds.length,
      extra: `${launched} launched, ${failures} failed`,
    }));
    const setupSeconds = (Date.now() - t0) / 1000;
    if (setupSeconds > workdaySeconds) {
      notes.push(
        `the setup took ${setupSeconds.toFixed(0)} s, longer than the working day (${workdaySeconds} s): ` +
          'the first yellow points fell while steps were still being launched and accepted',
      );
    }

    // --- the due points, from the read model -------------------------------------------------------
    const { rows: due } = await run.pg.query<{ id: string; yellow_at: Date | null; deadline: Date | null }>(
      `select id, yellow_at, deadline from steps where id = any($1)`,
      [stepIds],
    );
    const yellowDue = new Map(due.filter((d) => d.yellow_at).map((d) => [d.id, d.yellow_at!.getTime()]));
    const redDue = new Map(due.filter((d) => d.deadline).map((d) => [d.id, d.deadline!.getTime()]));
    if (yellowDue.size < stepIds.length || redDue.size < stepIds.length) {
      notes.push(`${stepIds.length - redDue.size} accepted steps show no deadline in the read model`);
    }
    const span = (m: Map<string, number>) => (m.size ? (Math.max(...m.values()) - Math.min(...m.values())) / 1000 : 0);
    const yellowDuringSetup = [...yellowDue.values()].filter((t) => t < lastAcceptAt).length;

    // --- watch -----------------------------------------------------------------------------------
    const seen = {
      yellow: new Map<string, { at: number; seen: number }>(),
      red: new Map<string, { at: number; seen: number }>(),
      case: new Map<string, { at: number; seen: number }>(),
    };
    const ours = new Set(stepIds);
    const lastDue = Math.max(0, ...redDue.values());
    const stopAt = lastDue + opts.graceSeconds * 1000;
    let lastEventId = 0;
    const watch = (async () => {
      for (;;) {
        const now = Date.now();
        const { rows: events } = await run.pg.query<{ id: number; step_id: string; type: string; at: Date }>(
          `select id, step_id, type, at from events
            where id > $1 and type in ('step_light_yellow', 'step_overdue') order by id`,
          [lastEventId],
        );
        for (const e of events) {
          lastEventId = Math.max(lastEventId, Number(e.id));
          if (!ours.has(e.step_id)) continue;
          const into = e.type === 'step_light_yellow' ? seen.yellow : seen.red;
          if (!into.has(e.step_id)) into.set(e.step_id, { at: e.at.getTime(), seen: now });
        }
        const { rows: cases } = await run.pg.query<{ step_id: string; opened_at: Date }>(
          `select step_id, opened_at from supervision_cases where level = 1`,
        );
        for (const c of cases) {
          if (ours.has(c.step_id) && !seen.case.has(c.step_id))
            seen.case.set(c.step_id, { at: c.opened_at.getTime(), seen: now });
        }
        const all = seen.yellow.size + seen.red.size + seen.case.size === 3 * stepIds.length;
        if (all || Date.now() > stopAt) return;
        await sleep(250);
      }
    })();
    const total = 3 * stepIds.length;
    await new Progress('watching timers', total).around(watch, () => ({
      done: seen.yellow.size + seen.red.size + seen.case.size,
      extra: `yellow ${seen.yellow.size}, red ${seen.red.size}, cases ${seen.case.size}; last red due in ${Math.max(0, Math.round((lastDue - Date.now()) / 1000))} s`,
    }));

    const lateness = (dueAt: Map<string, number>, got: Map<string, { at: number; seen: number }>): Lateness => {
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
    const p99 = Math.max(yellow.recorded?.p99 ?? Infinity, red.recorded?.p99 ?? Infinity);
    return {
      options: { ...opts, workdaySeconds },
      setup: {
        seconds: Math.round(setupSeconds),
        launchesPerSecond: Math.round((launched / setupSeconds) * 100) / 100,
        failures,
        acceptedSpanSeconds: Math.round((lastAcceptAt - firstAcceptAt) / 1000),
      },
      dueSpreadSeconds: { yellow: Math.round(span(yellowDue)), red: Math.round(span(redDue)) },
      yellowDuringSetup,
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
    `\nW3 timers: ${r.options.steps} steps (setup ${r.setup.seconds} s, ${r.setup.launchesPerSecond} launch+accept/s), ` +
      `working day ${r.options.workdaySeconds} s; yellow points spread over ${r.dueSpreadSeconds.yellow} s, red over ${r.dueSpreadSeconds.red} s` +
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
  log('late: recorded time (event at / case opened_at) − due time; visible: first seen in the read model − due time');
  for (const n of r.notes) log(`  note: ${n}`);
}
