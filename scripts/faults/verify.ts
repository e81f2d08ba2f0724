// After a round: what the read model (SQL), the API and Temporal say, compared with what the
// load did. Every finding is one line naming the application, step or case it concerns.
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client } from 'pg';
import type { ApiClient } from './http';
import { NINE_MATTERS, type LoadDriver } from './load';

export interface Verdict {
  applications: number;
  completed: number;
  duplicates: string[];
  losses: string[];
  /** Inconsistencies that are neither (e.g. a case left open after its step was decided). */
  other: string[];
  /** What the round exercised (so a pass is not vacuous): events, cases, timer-driven changes. */
  facts: string;
}

interface EventRow {
  event_id: string;
  application_id: string;
  step_id: string | null;
  type: string;
  detail: Record<string, unknown>;
}

/** The events each step of a review has exactly once, whatever the timing. */
const ONCE_PER_STEP: Array<{ label: string; types: string[] }> = [
  { label: 'step_submitted', types: ['step_submitted'] },
  { label: 'step_accepted or step_deemed_accepted', types: ['step_accepted', 'step_deemed_accepted'] },
  { label: 'step_approved', types: ['step_approved'] },
];

/** `<workflow id>#a<attempt>#<seq>` (steps) or `<workflow id>#<seq>` (applications): the report's sequence. */
function reportSeq(eventId: string): { stream: string; seq: number } | null {
  const m = /^(.*)#(\d+)$/.exec(eventId);
  if (!m) return null;
  return { stream: m[1]!, seq: Number(m[2]) };
}

/** 3, 5-9, 12: ascending numbers as ranges. */
function ranges(ns: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length;) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(j === i ? String(ns[i]) : `${ns[i]}-${ns[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

export async function verifyRound(opts: {
  databaseUrl: string;
  temporalAddress: string;
  client: ApiClient;
  officerToken: string;
  load: LoadDriver;
  expectedApps: number;
}): Promise<Verdict> {
  const duplicates: string[] = [];
  const losses: string[] = [];
  const other: string[] = [];
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    // --- applications: one per launch, none missing, none twice ---------------------------
    const apps = (
      await db.query<{ id: string; status: string; name: string }>(
        `select id, status, project->>'name' as name from applications order by id`,
      )
    ).rows;
    const byName = new Map<string, string[]>();
    for (const a of apps) byName.set(a.name, [...(byName.get(a.name) ?? []), a.id]);
    for (const [name, ids] of byName) {
      if (ids.length > 1) duplicates.push(`application launched twice for one request: ${name} → ${ids.join(', ')}`);
    }
    for (let i = 0; i < opts.expectedApps; i++) {
      const name = opts.load.projectName(i);
      const confirmed = opts.load.launched.get(name);
      const rows = byName.get(name) ?? [];
      if (confirmed && !rows.includes(confirmed))
        losses.push(`launch confirmed to the client but not stored: ${name} (${confirmed})`);
      if (!confirmed && rows.length === 0) other.push(`never launched (client gave up): ${name}`);
    }

    // --- steps: nine, all approved ------------------------------------------------------------
    const steps = (
      await db.query<{
        id: string;
        application_id: string;
        status: string;
        seq: number;
        attempt: number;
        fee: number | null;
      }>(`select id, application_id, status, seq, attempt, fee_amount_fen as fee from steps order by id`)
    ).rows;
    const stepsByApp = new Map<string, typeof steps>();
    for (const s of steps) stepsByApp.set(s.application_id, [...(stepsByApp.get(s.application_id) ?? []), s]);
    for (const a of apps) {
      const own = stepsByApp.get(a.id) ?? [];
      if (own.length !== NINE_MATTERS.length) other.push(`${a.id} has ${own.length} steps, not ${NINE_MATTERS.length}`);
      if (a.status !== 'completed') {
        const open = own.filter((s) => s.status !== 'approved').map((s) => `${s.id}=${s.status}`);
        other.push(`${a.id} is ${a.status}; steps not approved: ${open.join(', ') || 'none'}`);
      }
    }

    // --- events: the ones each step has once, and no gap in any report sequence --------------
    const events = (
      await db.query<EventRow>(`select event_id, application_id, step_id, type, detail from events order by id`)
    ).rows;
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.event_id)) duplicates.push(`event id twice: ${e.event_id}`);
      seen.add(e.event_id);
    }
    const byStep = new Map<string, EventRow[]>();
    for (const e of events) if (e.step_id) byStep.set(e.step_id, [...(byStep.get(e.step_id) ?? []), e]);
    for (const s of steps) {
      const own = byStep.get(s.id) ?? [];
      const rules = [...ONCE_PER_STEP];
      if ((s.fee ?? 0) > 0) rules.push({ label: 'fee_paid', types: ['fee_paid'] });
      for (const rule of rules) {
        const n = own.filter((e) => rule.types.includes(e.type)).length;
        if (n === 0 && s.status === 'approved') losses.push(`${s.id}: no ${rule.label} in its timeline`);
        if (n > 1) duplicates.push(`${s.id}: ${rule.label} ${n} times in its timeline`);
      }
      // Changes the timers make happen at most once per attempt.
      const overdue = own.filter((e) => e.type === 'step_overdue').length;
      if (overdue > 1) duplicates.push(`${s.id}: step_overdue ${overdue} times in its timeline`);
      // What the API acknowledged to the client must be in the timeline, whatever happened next.
      const shows = {
        accept: ['step_accepted', 'step_deemed_accepted'],
        payment: ['fee_paid'],
        decision: ['step_approved'],
      };
      for (const action of opts.load.acknowledged.get(s.id) ?? []) {
        if (!own.some((e) => shows[action].includes(e.type))) {
          losses.push(
            `${s.id}: the API acknowledged the ${action} (2xx) but the timeline has no ${shows[action].join('/')}`,
          );
        }
      }
    }
    const perApp = new Map<string, EventRow[]>();
    for (const e of events) if (!e.step_id) perApp.set(e.application_id, [...(perApp.get(e.application_id) ?? []), e]);
    for (const a of apps) {
      const own = perApp.get(a.id) ?? [];
      for (const type of ['application_created', 'application_completed']) {
        const n = own.filter((e) => e.type === type).length;
        if (n === 0 && (type === 'application_created' || a.status === 'completed')) losses.push(`${a.id}: no ${type}`);
        if (n > 1) duplicates.push(`${a.id}: ${type} ${n} times`);
      }
    }
    // Each workflow numbers its reports 1, 2, 3, …: a missing number is a report that never arrived.
    const streams = new Map<string, number[]>();
    for (const e of events) {
      const r = reportSeq(e.event_id);
      if (r) streams.set(r.stream, [...(streams.get(r.stream) ?? []), r.seq]);
    }
    for (const [stream, seqs] of streams) {
      const have = new Set(seqs);
      const max = Math.max(...seqs);
      const missing: number[] = [];
      for (let n = 1; n <= max; n++) if (!have.has(n)) missing.push(n);
      if (missing.length) losses.push(`${stream}: reports ${ranges(missing)} of ${max} missing from the event log`);
    }
    // The step row carries the last report applied; it must be the last one logged.
    for (const s of steps) {
      const seqs = streams.get(
        `application-${s.application_id}/step-${s.id.slice(s.application_id.length + 1)}#a${s.attempt}`,
      );
      const max = seqs ? Math.max(...seqs) : 0;
      if (seqs && s.seq !== max) other.push(`${s.id}: row at report ${s.seq}, event log at ${max}`);
    }

    // --- supervision cases: once per step, attempt and level; each with its event ---------------
    const cases = (
      await db.query<{
        id: string;
        step_id: string;
        attempt: number;
        level: number;
        status: string;
        outcome: string | null;
      }>(`select id, step_id, attempt, level, status, outcome from supervision_cases order by id`)
    ).rows;
    const caseKeys = new Map<string, string[]>();
    for (const c of cases) {
      const k = `${c.step_id}/A${c.attempt}/L${c.level}`;
      caseKeys.set(k, [...(caseKeys.get(k) ?? []), c.id]);
    }
    for (const [k, ids] of caseKeys)
      if (ids.length > 1) duplicates.push(`supervision case twice: ${k} (${ids.join(', ')})`);
    const stepStatus = new Map(steps.map((s) => [s.id, s.status]));
    const caseEvents = new Map<string, number>();
    for (const e of events) {
      if (e.type !== 'step_overdue' && e.type !== 'supervision_escalated') continue;
      const id = String(e.detail.caseId ?? '');
      caseEvents.set(id, (caseEvents.get(id) ?? 0) + 1);
    }
    for (const c of cases) {
      const n = caseEvents.get(c.id) ?? 0;
      if (n === 0) losses.push(`supervision case ${c.id} has no opening event in the timeline`);
      if (n > 1) duplicates.push(`supervision case ${c.id} opened ${n} times in the timeline`);
      if (c.status === 'open' && stepStatus.get(c.step_id) === 'approved') {
        other.push(`supervision case ${c.id} still open after its step was approved`);
      }
    }
    for (const id of caseEvents.keys())
      if (!cases.some((c) => c.id === id)) losses.push(`timeline opens case ${id}, no such case`);

    // --- the API says the same: completed, each approval once in the timeline -----------------
    for (const a of apps) {
      const app = await opts.client.get(`/api/applications/${a.id}`, opts.officerToken);
      const status = (app.body as { status?: string }).status;
      if (app.status !== 200 || status !== a.status)
        other.push(`API shows ${a.id} as ${app.status}/${status}, SQL as ${a.status}`);
      const t = await opts.client.get(`/api/applications/${a.id}/timeline`, opts.officerToken);
      if (t.status !== 200) {
        other.push(`timeline of ${a.id}: ${t.status}`);
        continue;
      }
      const approvals = new Map<string, number>();
      for (const e of t.body as Array<{ type: string; stepId?: string }>) {
        if (e.type === 'step_approved' && e.stepId) approvals.set(e.stepId, (approvals.get(e.stepId) ?? 0) + 1);
      }
      for (const s of stepsByApp.get(a.id) ?? []) {
        const n = approvals.get(s.id) ?? 0;
        if (n > 1) duplicates.push(`API timeline of ${a.id}: ${s.id} approved ${n} times`);
        if (n === 0 && s.status === 'approved') losses.push(`API timeline of ${a.id}: no approval of ${s.id}`);
      }
    }

    // --- Temporal: nothing left running, no workflow without its application -------------------
    const connection = await Connection.connect({ address: opts.temporalAddress });
    try {
      const temporal = new TemporalClient({ connection });
      const ids = new Set(apps.map((a) => a.id));
      for await (const w of temporal.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
        other.push(`workflow still running: ${w.workflowId} (${w.type})`);
      }
      for await (const w of temporal.workflow.list({ query: 'WorkflowType = "applicationWorkflow"' })) {
        const id = w.workflowId.replace(/^application-/, '');
        if (!ids.has(id)) other.push(`workflow ${w.workflowId} (${w.status.name}) has no application row`);
        else if (w.status.name !== 'COMPLETED') other.push(`workflow ${w.workflowId} is ${w.status.name}`);
      }
    } finally {
      await connection.close();
    }

    const count = (type: string) => events.filter((e) => e.type === type).length;
    const levels = [1, 2, 3].map((l) => `L${l} ${cases.filter((c) => c.level === l).length}`).join(', ');
    const facts =
      `${events.length} events (${count('step_approved')} approvals, ${count('step_deemed_accepted')} deemed acceptances, ` +
      `${count('step_light_yellow')} yellow, ${count('step_overdue')} overdue, ${count('supervision_case_answered')} cases answered); ` +
      `${cases.length} supervision cases (${levels})`;
    return {
      facts,
      applications: apps.length,
      completed: apps.filter((a) => a.status === 'completed').length,
      duplicates,
      losses,
      other,
    };
  } finally {
    await db.end();
  }
}
