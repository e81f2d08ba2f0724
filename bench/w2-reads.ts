// W2 read paths at scale: `apps` applications (nine steps each, in the plan's dependency order)
// and `events` timeline events loaded straight into the project's schema (the migrations ran
// first, through the Stack), with a year of history: old applications mostly completed, recent
// ones in progress with one stage open, lights from the dates, officers and departments spread.
// Then, through the HTTP API (an API process on that database), `requests` sequential requests
// per read the UI makes; p50/p95/p99 per read. The query plans are those of the SQL each endpoint
// really runs: the same app (api/app.ts) is mounted in this process on a Kysely that records
// every statement, one request per endpoint is sent to it, and each recorded SELECT is EXPLAINed
// (ANALYZE, BUFFERS) on the loaded database.
import type { AddressInfo } from 'node:net';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import { createApp } from '../api/app';
import type { Database } from '../db/schema';
import { buildPlan } from '../domain/plan';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { NINE_MATTERS } from '../scripts/faults/load';
import { BenchEnv, log, ms, Progress, summarize, table, type RunningStack, type Summary } from './common';

export interface W2Options {
  apps: number;
  events: number;
  requests: number;
}

export interface W2Read {
  name: string;
  path: string;
  as: string;
  latency: Summary | null;
  errors: number;
  /** Rows or items in the answer (a sanity check that the read does real work). */
  answerSize: number | null;
  queries: Array<{ sql: string; parameters: unknown[]; ms: number; plan: string }>;
  targetMet: boolean;
}

export interface W2Result {
  options: W2Options;
  loaded: {
    applications: number;
    steps: number;
    events: number;
    supervisionCases: number;
    officers: number;
    seconds: number;
    rowsPerSecond: number;
    databaseSizeMiB: number;
  };
  distribution: Record<string, Record<string, number>>;
  reads: W2Read[];
  notes: string[];
}

// --- data -----------------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32): the same data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const PLACES = ['根河市', '金河镇', '阿龙山镇', '满归镇', '敖鲁古雅乡', '好里堡街道', '河东街道', '森工街道'];
const INDUSTRIES = [
  '光伏发电',
  '风力发电',
  '林下经济',
  '冷链物流',
  '木材加工',
  '生态旅游',
  '矿泉水',
  '农畜产品加工',
  '数据中心',
  '集中供热',
];
const KINDS = ['项目', '建设项目', '扩建工程', '技术改造项目', '一期工程', '二期工程'];
const SURNAMES = ['李', '王', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const OFFICERS = 20;

interface MatterInfo {
  code: string;
  name: string;
  departmentCode: string;
  promisedLimitDays: number;
  feeAmountFen: number | null;
  prerequisites: string[];
  level: number;
}

type Columns<T extends string> = Record<T, unknown[]>;
const columns = <T extends string>(names: readonly T[]): Columns<T> =>
  Object.fromEntries(names.map((n) => [n, []])) as unknown as Columns<T>;

const APP_COLUMNS = [
  'id',
  'status',
  'project',
  'investor',
  'officer_id',
  'case_no',
  'query_password',
  'workflow_started_at',
  'seq',
  'created_at',
  'updated_at',
] as const;
const APP_TYPES = [
  'text',
  'text',
  'jsonb',
  'jsonb',
  'text',
  'text',
  'text',
  'timestamptz',
  'int',
  'timestamptz',
  'timestamptz',
];
const STEP_COLUMNS = [
  'id',
  'application_id',
  'matter_code',
  'department_code',
  'prerequisites',
  'status',
  'light',
  'submitted_at',
  'accepted_at',
  'deadline',
  'decided_at',
  'outcome',
  'overdue',
  'certificate_no',
  'reason',
  'seq',
  'updated_at',
  'matter_name',
  'promised_limit_days',
  'acceptance_deadline',
  'yellow_at',
  'fee_amount_fen',
  'fee_paid_at',
  'workdays_used',
  'escalation_level',
] as const;
const STEP_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'jsonb',
  'text',
  'text',
  'timestamptz',
  'timestamptz',
  'timestamptz',
  'timestamptz',
  'text',
  'boolean',
  'text',
  'text',
  'int',
  'timestamptz',
  'text',
  'int',
  'timestamptz',
  'timestamptz',
  'int',
  'timestamptz',
  'int',
  'int',
];
const EVENT_COLUMNS = [
  'event_id',
  'application_id',
  'step_id',
  'type',
  'actor_id',
  'actor_name',
  'at',
  'detail',
] as const;
const EVENT_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'jsonb'];
const CASE_COLUMNS = [
  'id',
  'step_id',
  'application_id',
  'department_code',
  'attempt',
  'level',
  'opened_at',
  'due_at',
  'status',
] as const;
const CASE_TYPES = ['text', 'text', 'text', 'text', 'int', 'int', 'timestamptz', 'timestamptz', 'text'];

/** `insert into t (cols) select * from unnest($1::type[], …)`: one statement per batch, one array per column. */
async function insertColumns(
  run: RunningStack,
  tableName: string,
  names: readonly string[],
  sqlTypes: string[],
  data: Record<string, unknown[]>,
): Promise<void> {
  const arrays = names.map((n) => data[n]!);
  if (arrays[0]!.length === 0) return;
  const unnest = sqlTypes.map((t, i) => `$${i + 1}::${t === 'jsonb' ? 'text' : t}[]`).join(', ');
  const select = names.map((n, i) => (sqlTypes[i] === 'jsonb' ? `${n}::jsonb` : n)).join(', ');
  await run.pg.query(
    `insert into ${tableName} (${names.join(', ')}) select ${select} from unnest(${unnest}) as t(${names.join(', ')})`,
    arrays,
  );
}

const shanghaiDay = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10);

async function load(run: RunningStack, opts: W2Options, notes: string[]) {
  const t0 = Date.now();
  const { rows: matterRows } = await run.pg.query<{
    code: string;
    name: string;
    department_code: string;
    promised_limit_days: number;
    fee_amount_fen: number | null;
    prerequisites: string[];
  }>(`select code, name, department_code, promised_limit_days, fee_amount_fen, prerequisites from matters`);
  const catalog = new Map(matterRows.map((m) => [m.code, { code: m.code, prerequisites: m.prerequisites }]));
  const plan = buildPlan(catalog, NINE_MATTERS);
  const matters: MatterInfo[] = plan.map((p) => {
    const m = matterRows.find((r) => r.code === p.matterCode)!;
    return {
      code: m.code,
      name: m.name,
      departmentCode: m.department_code,
      promisedLimitDays: m.promised_limit_days,
      feeAmountFen: m.fee_amount_fen,
      prerequisites: p.prerequisites,
      level: p.level,
    };
  });
  const maxLevel = Math.max(...matters.map((m) => m.level));

  // Officers: the demo officer and 19 more (same password hash; they never sign in here).
  const { rows: demo } = await run.pg.query<{ id: string; password_hash: string }>(
    `select id, password_hash from users where username = 'officer'`,
  );
  const officers = [demo[0]!.id];
  for (let k = 1; k < OFFICERS; k++) {
    const id = `bench-officer-${String(k).padStart(2, '0')}`;
    await run.pg.query(
      `insert into users (id, username, password_hash, display_name, role) values ($1, $2, $3, $4, 'officer')`,
      [id, `bench.officer.${String(k).padStart(2, '0')}`, demo[0]!.password_hash, `代办员${k}`],
    );
    officers.push(id);
  }

  const rand = prng(20261130);
  const now = Date.now();
  const eventsPerApp = Math.max(1, Math.round(opts.events / opts.apps));
  const counters = new Map<number, number>();
  const distribution: Record<string, Record<string, number>> = { applications: {}, steps: {}, lights: {} };
  const bump = (k: string, v: string) => (distribution[k]![v] = (distribution[k]![v] ?? 0) + 1);
  let stepsLoaded = 0;
  let eventsLoaded = 0;
  let casesLoaded = 0;
  const BATCH = 2000;
  const progress = new Progress('loading applications', opts.apps);

  for (let from = 0; from < opts.apps; from += BATCH) {
    const apps = columns(APP_COLUMNS);
    const steps = columns(STEP_COLUMNS);
    const events = columns(EVENT_COLUMNS);
    const cases = columns(CASE_COLUMNS);
    for (let i = from; i < Math.min(opts.apps, from + BATCH); i++) {
      const created = now - 365 * DAY * (1 - (i + 0.5) / opts.apps) - rand() * 3_600_000;
      const ageDays = (now - created) / DAY;
      const r = rand();
      const status =
        ageDays > 120
          ? r < 0.88
            ? 'completed'
            : r < 0.95
              ? 'withdrawn'
              : r < 0.96
                ? 'needs_attention'
                : 'in_progress'
          : ageDays > 30
            ? r < 0.55
              ? 'completed'
              : r < 0.59
                ? 'withdrawn'
                : r < 0.62
                  ? 'needs_attention'
                  : 'in_progress'
            : r < 0.05
              ? 'completed'
              : r < 0.07
                ? 'withdrawn'
                : r < 0.1
                  ? 'needs_attention'
                  : 'in_progress';
      bump('applications', status);
      // The stage (plan level) now open, for an application not completed; young ones are early.
      const stage = Math.min(maxLevel, Math.floor(rand() * (maxLevel + 1)), Math.floor(ageDays / 4));
      const officer = officers[(i * 7919) % officers.length]!;
      const day = shanghaiDay(created);
      const id = `JA${day.replaceAll('-', '')}${String(i + 1).padStart(6, '0')}`;
      const year = Number(day.slice(0, 4));
      const serial = (counters.get(year) ?? 0) + 1;
      counters.set(year, serial);
      const place = PLACES[i % PLACES.length]!;
      const industry = INDUSTRIES[Math.floor(rand() * INDUSTRIES.length)]!;
      const project = {
        name: `${place}${industry}${KINDS[i % KINDS.length]}（${i + 1}号）`,
        code:
          rand() < 0.6
            ? `${day.slice(2, 4)}${day.slice(5, 7)}-150785-04-01-${String(i).padStart(6, '0').slice(-6)}`
            : null,
        investmentWanYuan: Math.round(100 + rand() * 50_000),
        location: place,
        industry,
      };
      const surname = SURNAMES[i % SURNAMES.length]!;
      const investor = {
        name: `根河${surname}氏${industry}有限公司`,
        creditCode: '91150785MA0N2XY41M',
        contactName: `${surname}先生`,
        phone: `138${String(10_000_000 + i).slice(-8)}`,
      };

      const timeline: Array<{ type: string; stepId: string | null; at: number; actor: string }> = [
        { type: 'application_created', stepId: null, at: created, actor: officer },
      ];
      const spanDays = Math.min(ageDays * 0.9, 90);
      let lastChange = created;
      for (const m of matters) {
        const stepId = `${id}-${m.code}`;
        const limit = m.promisedLimitDays;
        const row: Record<string, unknown> = {
          id: stepId,
          application_id: id,
          matter_code: m.code,
          department_code: m.departmentCode,
          prerequisites: JSON.stringify(m.prerequisites),
          status: 'blocked',
          light: 'none',
          submitted_at: null,
          accepted_at: null,
          deadline: null,
          decided_at: null,
          outcome: null,
          overdue: false,
          certificate_no: null,
          reason: null,
          seq: 0,
          updated_at: new Date(created),
          matter_name: m.name,
          promised_limit_days: limit,
          acceptance_deadline: null,
          yellow_at: null,
          fee_amount_fen: m.feeAmountFen,
          fee_paid_at: null,
          workdays_used: null,
          escalation_level: 0,
        };
        const done = status === 'completed' || m.level < stage;
        if (done) {
          const submitted = created + ((spanDays * m.level) / (maxLevel + 1)) * DAY;
          const accepted = submitted + 0.5 * DAY;
          const used = 0.3 + 0.8 * rand();
          const deadline = accepted + limit * 1.4 * DAY;
          const decided = Math.min(accepted + limit * 1.4 * used * DAY, now - 60_000);
          Object.assign(row, {
            status: 'approved',
            submitted_at: new Date(submitted),
            accepted_at: new Date(accepted),
            deadline: new Date(deadline),
            yellow_at: new Date(accepted + limit * 1.12 * DAY),
            decided_at: new Date(decided),
            outcome: 'approved',
            overdue: decided > deadline,
            certificate_no: `CERT-${stepId}`,
            seq: 3,
            updated_at: new Date(decided),
            workdays_used: Math.max(1, Math.ceil(limit * used)),
            fee_paid_at: m.feeAmountFen ? new Date(decided - 3_600_000) : null,
          });
          timeline.push(
            { type: 'step_submitted', stepId, at: submitted, actor: 'system' },
            { type: 'step_accepted', stepId, at: accepted, actor: m.departmentCode },
            { type: 'step_approved', stepId, at: decided, actor: m.departmentCode },
          );
          lastChange = Math.max(lastChange, decided);
        } else if (m.level === stage && status === 'in_progress') {
          const ago = (rand() * limit * 1.55 + 0.2) * DAY;
          const submitted = Math.max(created, now - ago);
          const accepted = submitted + DAY;
          if (accepted < now && rand() < 0.7) {
            const deadline = accepted + limit * 1.4 * DAY;
            const yellowAt = accepted + limit * 1.12 * DAY;
            const light = now > deadline ? 'red' : now > yellowAt ? 'yellow' : 'green';
            Object.assign(row, {
              status: 'in_review',
              light,
              submitted_at: new Date(submitted),
              accepted_at: new Date(accepted),
              deadline: new Date(deadline),
              yellow_at: new Date(yellowAt),
              overdue: light === 'red',
              escalation_level: light === 'red' ? 1 : 0,
              seq: light === 'green' ? 2 : 3,
              updated_at: new Date(accepted),
            });
            timeline.push(
              { type: 'step_submitted', stepId, at: submitted, actor: 'system' },
              { type: 'step_accepted', stepId, at: accepted, actor: m.departmentCode },
            );
            if (light === 'red') {
              cases.id.push(`${stepId}-A1-L1`);
              cases.step_id.push(stepId);
              cases.application_id.push(id);
              cases.department_code.push(m.departmentCode);
              cases.attempt.push(1);
              cases.level.push(1);
              cases.opened_at.push(new Date(deadline));
              cases.due_at.push(new Date(deadline + 1.4 * DAY));
              cases.status.push('open');
              timeline.push({ type: 'step_overdue', stepId, at: deadline, actor: 'system' });
            }
          } else {
            const acceptanceDeadline = submitted + 7 * DAY;
            const yellowAt = submitted + 5.6 * DAY;
            Object.assign(row, {
              status: 'submitted',
              light: now > yellowAt ? 'yellow' : 'green',
              submitted_at: new Date(submitted),
              acceptance_deadline: new Date(acceptanceDeadline),
              yellow_at: new Date(yellowAt),
              seq: 1,
              updated_at: new Date(submitted),
            });
            timeline.push({ type: 'step_submitted', stepId, at: submitted, actor: 'system' });
          }
          lastChange = Math.max(lastChange, (row.updated_at as Date).getTime());
        } else if (m.level === stage && status === 'needs_attention') {
          const submitted = created + ((spanDays * m.level) / (maxLevel + 1)) * DAY;
          const decided = Math.min(submitted + limit * DAY, now - 60_000);
          Object.assign(row, {
            status: 'rejected',
            submitted_at: new Date(submitted),
            accepted_at: new Date(submitted + 0.5 * DAY),
            decided_at: new Date(decided),
            outcome: 'rejected',
            reason: '申请材料不符合法定形式，现场核查不通过',
            seq: 3,
            updated_at: new Date(decided),
          });
          timeline.push(
            { type: 'step_submitted', stepId, at: submitted, actor: 'system' },
            { type: 'step_rejected', stepId, at: decided, actor: m.departmentCode },
          );
          lastChange = Math.max(lastChange, decided);
        } else if (status === 'withdrawn') {
          Object.assign(row, {
            status: 'cancelled',
            reason: '投资方调整计划，申请撤回',
            updated_at: new Date(lastChange),
          });
        }
        bump('steps', row.status as string);
        if (row.light !== 'none') bump('lights', row.light as string);
        for (const c of STEP_COLUMNS) steps[c].push(row[c]);
      }
      if (status === 'withdrawn')
        timeline.push({ type: 'application_withdrawn', stepId: null, at: lastChange + 3_600_000, actor: officer });
      if (status === 'completed')
        timeline.push({ type: 'application_completed', stepId: null, at: lastChange, actor: 'system' });

      // Exactly `eventsPerApp` events: the timeline in order, cut short or continued with urgings.
      timeline.sort((a, b) => a.at - b.at);
      for (let k = 0; k < eventsPerApp; k++) {
        const e = timeline[k] ?? {
          type: 'step_urged',
          stepId: `${id}-${matters[0]!.code}`,
          at: lastChange + k * 60_000,
          actor: 'supervisor',
        };
        events.event_id.push(`bench:${id}#${k}`);
        events.application_id.push(id);
        events.step_id.push(e.stepId);
        events.type.push(e.type);
        events.actor_id.push(e.actor);
        events.actor_name.push(e.actor);
        events.at.push(new Date(Math.min(e.at, now)));
        events.detail.push('{}');
      }

      apps.id.push(id);
      apps.status.push(status);
      apps.project.push(JSON.stringify(project));
      apps.investor.push(JSON.stringify(investor));
      apps.officer_id.push(officer);
      apps.case_no.push(`GH-${year}-${String(serial).padStart(6, '0')}`);
      apps.query_password.push(
        Math.floor(rand() * 36 ** 6)
          .toString(36)
          .toUpperCase()
          .padStart(6, '0'),
      );
      apps.workflow_started_at.push(new Date(created)); // launch recovery must not start these
      apps.seq.push(status === 'in_progress' ? 1 : 2);
      apps.created_at.push(new Date(created));
      apps.updated_at.push(new Date(lastChange));
    }
    await insertColumns(run, 'applications', APP_COLUMNS, APP_TYPES, apps);
    await insertColumns(run, 'steps', STEP_COLUMNS, STEP_TYPES, steps);
    await insertColumns(run, 'events', EVENT_COLUMNS, EVENT_TYPES, events);
    await insertColumns(run, 'supervision_cases', CASE_COLUMNS, CASE_TYPES, cases);
    stepsLoaded += steps.id.length;
    eventsLoaded += events.event_id.length;
    casesLoaded += cases.id.length;
    progress.update(Math.min(opts.apps, from + BATCH), `${stepsLoaded} steps, ${eventsLoaded} events`);
  }
  progress.finish();
  for (const [year, last] of counters) {
    await run.pg.query(
      `insert into case_number_counters (year, last_serial) values ($1, $2)
       on conflict (year) do update set last_serial = greatest(case_number_counters.last_serial, excluded.last_serial)`,
      [year, last],
    );
  }
  await run.pg.query(`select setval('application_number_seq', $1)`, [opts.apps + 1]);
  // The loaded events queued their documents (the event log's trigger, migration 0011). In a real
  // year they were issued as they happened; left queued, the API would spend the whole measurement
  // drawing PDFs on its event loop (40-60 ms each) and every read would wait behind them.
  const { rowCount: queued } = await run.pg.query('delete from document_queue');
  notes.push(
    `${(queued ?? 0).toLocaleString('en-US')} documents queued by the loaded events were dropped (issued long ago in a real year)`,
  );
  const tAnalyze = Date.now();
  await run.pg.query('analyze');
  notes.push(`analyze took ${((Date.now() - tAnalyze) / 1000).toFixed(1)} s`);
  const seconds = (Date.now() - t0) / 1000;
  const { rows: size } = await run.pg.query<{ b: string }>(`select pg_database_size(current_database()) as b`);
  return {
    loaded: {
      applications: opts.apps,
      steps: stepsLoaded,
      events: eventsLoaded,
      supervisionCases: casesLoaded,
      officers: officers.length,
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round((opts.apps + stepsLoaded + eventsLoaded + casesLoaded) / seconds),
      databaseSizeMiB: Math.round(Number(size[0]!.b) / 2 ** 20),
    },
    distribution,
    officers,
  };
}

// --- reads -----------------------------------------------------------------------------------------

interface ReadSpec {
  name: string;
  as: 'officer' | 'staff.nrb' | 'supervisor';
  /** The i-th request's path (some reads rotate over applications). */
  path: (i: number) => string;
}

async function readSpecs(run: RunningStack, officerId: string): Promise<ReadSpec[]> {
  const { rows: own } = await run.pg.query<{ id: string }>(
    `select id from applications where officer_id = $1 and status = 'in_progress' order by created_at desc limit 100`,
    [officerId],
  );
  const { rows: count } = await run.pg.query<{ n: string }>(
    `select count(*) as n from applications where officer_id = $1`,
    [officerId],
  );
  const pages = Math.max(1, Math.ceil(Number(count[0]!.n) / 50));
  const laterPage = Math.min(pages, Math.max(2, Math.min(40, Math.floor(pages / 2))));
  const ids = own.length > 0 ? own.map((r) => r.id) : ['none'];
  const pick = (i: number) => ids[i % ids.length]!;
  return [
    { name: "officer's list, page 1", as: 'officer', path: () => '/api/applications' },
    { name: `officer's list, page ${laterPage}`, as: 'officer', path: () => `/api/applications?page=${laterPage}` },
    {
      name: 'search by project name',
      as: 'supervisor',
      path: () => `/api/applications?q=${encodeURIComponent('光伏')}`,
    },
    { name: 'department inbox (NRB)', as: 'staff.nrb', path: () => '/api/inbox' },
    { name: 'supervision board', as: 'supervisor', path: () => '/api/supervision/board' },
    { name: 'one application', as: 'officer', path: (i) => `/api/applications/${pick(i)}` },
    { name: 'its timeline', as: 'officer', path: (i) => `/api/applications/${pick(i)}/timeline` },
    { name: 'department statistics', as: 'supervisor', path: () => '/api/stats/departments' },
    { name: 'monthly statistics', as: 'supervisor', path: () => '/api/stats/monthly?months=6' },
  ];
}

const sizeOf = (body: unknown): number | null =>
  Array.isArray(body)
    ? body.length
    : body && typeof body === 'object' && 'items' in body && Array.isArray((body as { items: unknown[] }).items)
      ? (body as { items: unknown[] }).items.length
      : body && typeof body === 'object' && 'steps' in body && Array.isArray((body as { steps: unknown[] }).steps)
        ? (body as { steps: unknown[] }).steps.length
        : null;

/** Times `n` sequential GETs of one read through the API process. */
async function timeRead(base: string, token: string, spec: ReadSpec, n: number) {
  const latencies: number[] = [];
  let errors = 0;
  let answerSize: number | null = null;
  for (let i = -3; i < n; i++) {
    // three unmeasured requests first
    const t0 = performance.now();
    const res = await fetch(base + spec.path(Math.max(0, i)), { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const elapsed = performance.now() - t0;
    if (res.status !== 200) {
      errors++;
      if (errors === 1) log(`  ${spec.name}: ${res.status} ${text.slice(0, 200)}`);
      continue;
    }
    if (i >= 0) latencies.push(elapsed);
    if (i === 0) answerSize = sizeOf(JSON.parse(text));
  }
  return { latencies, errors, answerSize };
}

/**
 * The SQL each read runs: the project's own app in this process, on a Kysely that records every
 * statement; one request per read; every recorded SELECT explained on the loaded database.
 */
async function capturePlans(run: RunningStack, specs: ReadSpec[], tokens: Record<ReadSpec['as'], string>) {
  types.setTypeParser(types.builtins.INT8, (v) => Number(v)); // as db/database.ts does
  let recording: Array<{ sql: string; parameters: unknown[]; ms: number }> | null = null;
  const pool = new Pool({ connectionString: run.databaseUrl, max: 4 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      recording?.push({
        sql: e.query.sql,
        parameters: [...e.query.parameters],
        ms: Math.round(e.queryDurationMillis * 10) / 10,
      });
    },
  });
  const connection = await Connection.connect({ address: run.stack.temporalAddress });
  const config = loadConfig({
    DATABASE_URL: run.databaseUrl,
    TEMPORAL_ADDRESS: run.stack.temporalAddress,
    JWT_SECRET: run.stack.jwtSecret,
    DATA_DIR: run.dir,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const server = createApp({
    config,
    db,
    temporal: new TemporalClient({ connection }),
    log: createLogger('silent'),
  }).listen(0);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const plans = new Map<string, Array<{ sql: string; parameters: unknown[]; ms: number; plan: string }>>();
  try {
    for (const spec of specs) {
      recording = [];
      const res = await fetch(base + spec.path(0), { headers: { authorization: `Bearer ${tokens[spec.as]}` } });
      await res.arrayBuffer();
      const recorded = recording;
      recording = null;
      const explained = [];
      for (const q of recorded) {
        const analyze = /^\s*(select|with)\b/i.test(q.sql) && !/\bfor\s+(update|share)\b/i.test(q.sql);
        const r = await db.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${analyze ? '(analyze, buffers) ' : ''}${q.sql}`, q.parameters),
        );
        explained.push({ ...q, plan: r.rows.map((row) => row['QUERY PLAN']).join('\n') });
      }
      plans.set(spec.name, explained);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await connection.close();
    await db.destroy();
  }
  return plans;
}

export async function runW2(env: BenchEnv, opts: W2Options): Promise<W2Result> {
  log(
    `W2 read paths at scale: ${opts.apps.toLocaleString('en-US')} applications, ${(opts.apps * 9).toLocaleString('en-US')} steps, ` +
      `${opts.events.toLocaleString('en-US')} events; ${opts.requests} sequential requests per read`,
  );
  const run = await env.start('w2', { workers: 0 });
  const notes: string[] = [];
  try {
    const loaded = await load(run, opts, notes);
    log(
      `  loaded in ${loaded.loaded.seconds} s (${loaded.loaded.rowsPerSecond.toLocaleString('en-US')} rows/s), ` +
        `database ${loaded.loaded.databaseSizeMiB} MiB`,
    );
    const tokens = {
      officer: run.tokens.officer,
      'staff.nrb': run.tokens.staff.NRB!,
      supervisor: run.tokens.supervisor,
    };
    const specs = await readSpecs(run, loaded.officers[0]!);
    const reads: W2Read[] = [];
    const progress = new Progress('reads', specs.length * opts.requests);
    for (const spec of specs) {
      const r = await timeRead(run.stack.apiBases[0]!, tokens[spec.as], spec, opts.requests);
      const latency = summarize(r.latencies);
      reads.push({
        name: spec.name,
        path: spec.path(0),
        as: spec.as,
        latency,
        errors: r.errors,
        answerSize: r.answerSize,
        queries: [],
        targetMet: latency !== null && r.errors === 0 && latency.p99 < 50,
      });
      progress.update(reads.length * opts.requests, spec.name);
    }
    progress.finish();
    const plans = await capturePlans(run, specs, tokens);
    for (const read of reads) read.queries = plans.get(read.name) ?? [];
    return { options: opts, loaded: loaded.loaded, distribution: loaded.distribution, reads, notes };
  } finally {
    await run.stop();
  }
}

/** The top of a plan, for the console (the JSON has all of it). */
function planHead(plan: string, lines = 12): string {
  const all = plan.split('\n').filter((l) => !/^\s*(Buffers:|Planning:|Planning Time:)/.test(l));
  return all.slice(0, lines).join('\n') + (all.length > lines ? `\n… ${all.length - lines} more lines` : '');
}

export function printW2(r: W2Result): void {
  log(
    `\nW2 read paths: ${r.loaded.applications.toLocaleString('en-US')} applications, ${r.loaded.steps.toLocaleString('en-US')} steps, ` +
      `${r.loaded.events.toLocaleString('en-US')} events (loaded in ${r.loaded.seconds} s); target p99 < 50 ms`,
  );
  log(
    table(
      ['read', 'as', 'p50', 'p95', 'p99', 'rows', 'errors', 'p99 < 50 ms'],
      r.reads.map((x) => [
        x.name,
        x.as,
        ms(x.latency?.p50),
        ms(x.latency?.p95),
        ms(x.latency?.p99),
        x.answerSize === null ? '-' : String(x.answerSize),
        String(x.errors),
        x.targetMet ? 'yes' : 'NO',
      ]),
    ),
  );
  log('\nW2 query plans (every statement each read runs, EXPLAIN ANALYZE; full plans in the JSON)');
  const shown = new Set<string>();
  for (const read of r.reads) {
    log(`\n## ${read.name}  GET ${read.path}`);
    for (const q of read.queries) {
      const oneLine = q.sql.replace(/\s+/g, ' ');
      if (shown.has(q.sql)) {
        log(`  - (${q.ms} ms) ${oneLine.slice(0, 110)}${oneLine.length > 110 ? '…' : ''}  [plan shown above]`);
        continue;
      }
      shown.add(q.sql);
      log(`  - (${q.ms} ms) ${oneLine.slice(0, 300)}${oneLine.length > 300 ? '…' : ''}`);
      log(planHead(q.plan).replace(/^/gm, '      '));
    }
  }
  for (const n of r.notes) log(`  note: ${n}`);
}
