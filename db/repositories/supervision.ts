import type { Kysely, Transaction } from 'kysely';
import type { CaseOpening } from '../../domain/projection';
import type { CaseRow, Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface CaseFilter {
  status?: 'open' | 'closed';
  departmentCode?: string;
  limit: number;
  offset: number;
}

export const supervisionRepo = {
  /** Opens a case once (its id names step, attempt and level); the previous level closes as escalated. */
  async open(db: Db, c: CaseOpening): Promise<void> {
    await db
      .insertInto('supervision_cases')
      .values({
        id: c.caseId,
        step_id: c.stepId,
        application_id: c.applicationId,
        complaint_id: c.complaintId ?? null,
        warning_id: c.warningId ?? null,
        department_code: c.departmentCode,
        attempt: c.attempt,
        level: c.level,
        opened_at: c.openedAt,
        due_at: c.dueAt,
        status: 'open',
        outcome: null,
        answer: null,
        answered_by: null,
        closed_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    if (c.escalatedFrom) {
      await db
        .updateTable('supervision_cases')
        .set({ status: 'closed', outcome: 'escalated', closed_at: new Date(c.openedAt) })
        .where('id', '=', c.escalatedFrom)
        .where('status', '=', 'open')
        .execute();
    }
  },

  async answer(db: Db, a: { caseId: string; answer: string; answeredBy: string; at: string }): Promise<void> {
    await db
      .updateTable('supervision_cases')
      .set({
        status: 'closed',
        outcome: 'answered',
        answer: a.answer,
        answered_by: a.answeredBy,
        closed_at: new Date(a.at),
      })
      .where('id', '=', a.caseId)
      .where('status', '=', 'open')
      .execute();
  },

  async closeForStep(
    db: Db,
    c: { stepId: string; attempt: number; outcome: 'decided' | 'cancelled'; at: string },
  ): Promise<void> {
    await db
      .updateTable('supervision_cases')
      .set({ status: 'closed', outcome: c.outcome, closed_at: new Date(c.at) })
      .where('step_id', '=', c.stepId)
      .where('attempt', '=', c.attempt)
      .where('status', '=', 'open')
      .execute();
  },

  /** The open case of each of these steps (at most one per step: a level closes when the next opens). */
  async openForSteps(db: Db, stepIds: readonly string[]): Promise<Map<string, CaseRow>> {
    if (stepIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('supervision_cases')
      .selectAll()
      .where('step_id', 'in', [...new Set(stepIds)])
      .where('status', '=', 'open')
      .orderBy('level', 'desc')
      .execute();
    const byStep = new Map<string, CaseRow>();
    for (const r of rows) if (r.step_id && !byStep.has(r.step_id)) byStep.set(r.step_id, r);
    return byStep;
  },

  /** Every case of one step (all attempts and levels), oldest first. */
  listForStep(db: Db, stepId: string): Promise<CaseRow[]> {
    return db
      .selectFrom('supervision_cases')
      .selectAll()
      .where('step_id', '=', stepId)
      .orderBy('opened_at')
      .orderBy('id')
      .execute();
  },

  /** Closes the open case of a complaint (answered by its reply, or the complaint closed without one). */
  async closeForComplaint(
    db: Db,
    c: { complaintId: string; outcome: 'decided' | 'cancelled'; at: string },
  ): Promise<void> {
    await db
      .updateTable('supervision_cases')
      .set({ status: 'closed', outcome: c.outcome, closed_at: new Date(c.at) })
      .where('complaint_id', '=', c.complaintId)
      .where('status', '=', 'open')
      .execute();
  },

  /** Closes the open case of a warning (its reply came). */
  async closeForWarning(db: Db, c: { warningId: string; outcome: 'decided' | 'cancelled'; at: string }): Promise<void> {
    await db
      .updateTable('supervision_cases')
      .set({ status: 'closed', outcome: c.outcome, closed_at: new Date(c.at) })
      .where('warning_id', '=', c.warningId)
      .where('status', '=', 'open')
      .execute();
  },

  find(db: Db, id: string): Promise<CaseRow | undefined> {
    return db.selectFrom('supervision_cases').selectAll().where('id', '=', id).executeTakeFirst();
  },

  list(db: Db, f: CaseFilter): Promise<CaseRow[]> {
    return supervisionRepo.listQuery(db, f).execute();
  },

  /** The list's query, not run (the EXPLAIN test compiles it). */
  listQuery(db: Db, f: CaseFilter) {
    let q = db.selectFrom('supervision_cases').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    if (f.departmentCode) q = q.where('department_code', '=', f.departmentCode);
    return q.orderBy('opened_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset);
  },
};
