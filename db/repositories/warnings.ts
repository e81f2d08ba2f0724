import { sql, type Kysely, type Transaction } from 'kysely';
import { beijingYear, formatCaseNo } from '../../domain/case-number';
import { WARNING_NO_SERIES, type WarningRound, type WarningStatus } from '../../domain/warnings';
import type { TimelineEvent } from '../../domain/projection';
import type { WarningReport } from '../../workflows/warnings-shared';
import type { CaseRow, Database, WarningEventRow, WarningRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewWarning {
  id: string;
  step: { id: string; applicationId: string } | null;
  departmentCode: string;
  reason: string;
  replyWorkdays: number;
  issuedBy: { id: string; displayName: string };
  issuedAt: Date;
  /** The deadline as the API computed it at issue (the workflow's first report confirms it). */
  replyDueAt: Date;
}

export interface WarningFilter {
  status?: WarningStatus;
  departmentCode?: string;
  stepId?: string;
  applicationId?: string;
  limit: number;
  offset: number;
}

const firstRound = (w: NewWarning): WarningRound => ({
  round: 1,
  startedAt: w.issuedAt.toISOString(),
  replyDueAt: w.replyDueAt.toISOString(),
  reply: null,
  repliedAt: null,
  repliedBy: null,
  late: false,
  returnReason: null,
  returnedAt: null,
  returnedBy: null,
});

export const warningsRepo = {
  /**
   * The next warning number in the Beijing year of `now` (DB-2026-000001), taken inside the issuing
   * transaction from the counters the complaints use (series DB): concurrent issues get consecutive
   * numbers and a rolled-back one gives its number back.
   */
  async nextNumber(db: Db, now: Date): Promise<string> {
    const year = beijingYear(now);
    const row = await db
      .insertInto('complaint_number_counters')
      .values({ series: WARNING_NO_SERIES, year, last_serial: 1 })
      .onConflict((oc) =>
        oc.columns(['series', 'year']).doUpdateSet({ last_serial: sql`complaint_number_counters.last_serial + 1` }),
      )
      .returning('last_serial')
      .executeTakeFirstOrThrow();
    return formatCaseNo(year, row.last_serial, WARNING_NO_SERIES);
  },

  async insert(db: Db, w: NewWarning): Promise<void> {
    await db
      .insertInto('warnings')
      .values({
        id: w.id,
        subject: w.step ? 'step' : 'department',
        step_id: w.step?.id ?? null,
        application_id: w.step?.applicationId ?? null,
        department_code: w.departmentCode,
        reason: w.reason,
        reply_workdays: w.replyWorkdays,
        issued_by_id: w.issuedBy.id,
        issued_by: w.issuedBy.displayName,
        issued_at: w.issuedAt,
        status: 'awaiting_reply',
        round_started_at: w.issuedAt,
        reply_due_at: w.replyDueAt,
        rounds: JSON.stringify([firstRound(w)]),
        workflow_started_at: null,
      })
      .execute();
  },

  find(db: Db, id: string): Promise<WarningRow | undefined> {
    return db.selectFrom('warnings').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async list(db: Db, f: WarningFilter): Promise<{ items: WarningRow[]; total: number }> {
    let q = db.selectFrom('warnings');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.departmentCode) q = q.where('department_code', '=', f.departmentCode);
    if (f.stepId) q = q.where('step_id', '=', f.stepId);
    if (f.applicationId) q = q.where('application_id', '=', f.applicationId);
    const [items, count] = await Promise.all([
      q.selectAll().orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  },

  /** Applies a workflow report if it is newer than what the row holds. */
  async applyReport(db: Db, r: WarningReport): Promise<void> {
    const s = r.snapshot;
    await db
      .updateTable('warnings')
      .set({
        status: s.status,
        version: r.seq,
        round: s.round,
        round_started_at: s.roundStartedAt,
        reply_due_at: s.replyDueAt,
        yellow_at: s.yellowAt,
        overdue: s.overdue,
        escalation_level: s.escalationLevel,
        rounds: JSON.stringify(s.rounds),
        ever_late: s.everLate,
        closed_at: s.closedAt,
        closed_by: s.closedBy?.displayName ?? null,
      })
      .where('id', '=', r.warningId)
      .where('version', '<', r.seq)
      .execute();
  },

  /** Appends an event once: a second append with the same event id does nothing. */
  async appendEvent(db: Db, e: { eventId: string; warningId: string; event: TimelineEvent }): Promise<void> {
    await db
      .insertInto('warning_events')
      .values({
        event_id: e.eventId,
        warning_id: e.warningId,
        type: e.event.type,
        actor_id: e.event.actor.id,
        actor_name: e.event.actor.displayName,
        at: e.event.at,
        detail: JSON.stringify(e.event.detail),
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  },

  events(db: Db, warningId: string): Promise<WarningEventRow[]> {
    return db.selectFrom('warning_events').selectAll().where('warning_id', '=', warningId).orderBy('id').execute();
  },

  /** The supervision cases opened because a round's reply was late, by round and level. */
  cases(db: Db, warningId: string): Promise<CaseRow[]> {
    return db
      .selectFrom('supervision_cases')
      .selectAll()
      .where('warning_id', '=', warningId)
      .orderBy('attempt')
      .orderBy('level')
      .execute();
  },

  /** Records that the warning's workflow runs (or ran); the first record wins. */
  async markWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
    await db
      .updateTable('warnings')
      .set({ workflow_started_at: at })
      .where('id', '=', id)
      .where('workflow_started_at', 'is', null)
      .execute();
  },

  /** Warnings committed before `before` whose workflow is not known to be started, oldest first. */
  async listNotStarted(db: Db, before: Date, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('warnings')
      .select('id')
      .where('workflow_started_at', 'is', null)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /** Warnings still open (their workflow waits for a timer, a reply or the office). */
  async openIds(db: Db): Promise<string[]> {
    const rows = await db
      .selectFrom('warnings')
      .select('id')
      .where('status', '<>', 'closed')
      .where('workflow_started_at', 'is not', null)
      .execute();
    return rows.map((r) => r.id);
  },
};
