import { sql, type Kysely, type Transaction } from 'kysely';
import { beijingYear, formatCaseNo } from '../../domain/case-number';
import {
  COMPLAINT_NO_PREFIX,
  type ComplaintCategory,
  type ComplaintKind,
  type ComplaintStatus,
} from '../../domain/complaints';
import type { TimelineEvent } from '../../domain/projection';
import type { ComplaintReport } from '../../workflows/complaints-shared';
import type { CaseRow, ComplaintEventRow, ComplaintRow, Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewComplaint {
  id: string;
  kind: ComplaintKind;
  password: string | null;
  category: ComplaintCategory | null;
  content: string | null;
  contactName: string | null;
  phone: string | null;
  caseNo: string | null;
  applicationId: string | null;
  stepId: string | null;
  suggestedDepartment: string | null;
  ratingId: number | null;
  /** A rectification task of a rated step names its department and reply days at once. */
  departmentCode: string | null;
  replyWorkdays: number | null;
  filedAt: Date;
}

export interface ComplaintFilter {
  status?: ComplaintStatus;
  kind?: ComplaintKind;
  departmentCode?: string;
  limit: number;
  offset: number;
}

export const complaintsRepo = {
  /**
   * The next number of the series of `kind` in the Beijing year of `now` (TS-2026-000001), taken
   * inside the filing transaction: the counter row stays locked until it commits, so concurrent
   * filings get consecutive numbers and a rolled-back one gives its number back.
   */
  async nextNumber(db: Db, kind: ComplaintKind, now: Date): Promise<string> {
    const year = beijingYear(now);
    const series = COMPLAINT_NO_PREFIX[kind];
    const row = await db
      .insertInto('complaint_number_counters')
      .values({ series, year, last_serial: 1 })
      .onConflict((oc) =>
        oc.columns(['series', 'year']).doUpdateSet({ last_serial: sql`complaint_number_counters.last_serial + 1` }),
      )
      .returning('last_serial')
      .executeTakeFirstOrThrow();
    return formatCaseNo(year, row.last_serial, series);
  },

  async insert(db: Db, c: NewComplaint): Promise<void> {
    await db
      .insertInto('complaints')
      .values({
        id: c.id,
        kind: c.kind,
        password: c.password,
        category: c.category,
        content: c.content,
        contact_name: c.contactName,
        phone: c.phone,
        case_no: c.caseNo,
        application_id: c.applicationId,
        step_id: c.stepId,
        suggested_department: c.suggestedDepartment,
        rating_id: c.ratingId,
        status: 'filed',
        department_code: c.departmentCode,
        reply_workdays: c.replyWorkdays,
        filed_at: c.filedAt,
        workflow_started_at: null,
      })
      .execute();
  },

  find(db: Db, id: string): Promise<ComplaintRow | undefined> {
    return db.selectFrom('complaints').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The rectification tasks opened by these ratings. */
  byRatings(db: Db, ratingIds: number[]): Promise<ComplaintRow[]> {
    if (ratingIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('complaints').selectAll().where('rating_id', 'in', ratingIds).execute();
  },

  async list(db: Db, f: ComplaintFilter): Promise<{ items: ComplaintRow[]; total: number }> {
    let q = db.selectFrom('complaints');
    if (f.status) q = q.where('status', '=', f.status);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.departmentCode) q = q.where('department_code', '=', f.departmentCode);
    const [items, count] = await Promise.all([
      q.selectAll().orderBy('filed_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(count.n) };
  },

  /** Applies a workflow report if it is newer than what the row holds. */
  async applyReport(db: Db, r: ComplaintReport): Promise<void> {
    const s = r.snapshot;
    await db
      .updateTable('complaints')
      .set({
        status: s.status,
        version: r.seq,
        register_due_at: s.registerDueAt,
        registration_overdue: s.registrationOverdue,
        department_code: s.departmentCode,
        reply_workdays: s.replyWorkdays,
        assigned_at: s.assignedAt,
        reply_due_at: s.replyDueAt,
        yellow_at: s.yellowAt,
        overdue: s.overdue,
        escalation_level: s.escalationLevel,
        reply: s.reply,
        replied_at: s.repliedAt,
        replied_by: s.repliedBy?.displayName ?? null,
        reply_late: s.replyLate,
        upheld: s.upheld,
        conclusion: s.conclusion,
        closed_at: s.closedAt,
        closed_by: s.closedBy?.displayName ?? null,
      })
      .where('id', '=', r.complaintId)
      .where('version', '<', r.seq)
      .execute();
  },

  /** Appends an event once: a second append with the same event id does nothing. */
  async appendEvent(db: Db, e: { eventId: string; complaintId: string; event: TimelineEvent }): Promise<void> {
    await db
      .insertInto('complaint_events')
      .values({
        event_id: e.eventId,
        complaint_id: e.complaintId,
        type: e.event.type,
        actor_id: e.event.actor.id,
        actor_name: e.event.actor.displayName,
        at: e.event.at,
        detail: JSON.stringify(e.event.detail),
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  },

  events(db: Db, complaintId: string): Promise<ComplaintEventRow[]> {
    return db
      .selectFrom('complaint_events')
      .selectAll()
      .where('complaint_id', '=', complaintId)
      .orderBy('id')
      .execute();
  },

  /** The supervision cases opened because the complaint's reply was late, oldest level first. */
  cases(db: Db, complaintId: string): Promise<CaseRow[]> {
    return db
      .selectFrom('supervision_cases')
      .selectAll()
      .where('complaint_id', '=', complaintId)
      .orderBy('level')
      .execute();
  },

  /** Records that the complaint's workflow runs (or ran); the first record wins. */
  async markWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
    await db
      .updateTable('complaints')
      .set({ workflow_started_at: at })
      .where('id', '=', id)
      .where('workflow_started_at', 'is', null)
      .execute();
  },

  /** Complaints committed before `before` whose workflow is not known to be started, oldest first. */
  async listNotStarted(db: Db, before: Date, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('complaints')
      .select('id')
      .where('workflow_started_at', 'is', null)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  /** Complaints still open (their workflow waits for a timer, a registration or a reply). */
  async openIds(db: Db): Promise<string[]> {
    const rows = await db
      .selectFrom('complaints')
      .select('id')
      .where('status', '<>', 'closed')
      .where('workflow_started_at', 'is not', null)
      .execute();
    return rows.map((r) => r.id);
  },
};
