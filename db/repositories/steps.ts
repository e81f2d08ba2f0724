import type { Kysely, Transaction } from 'kysely';
import type { StepReport } from '../../domain/projection';
import type { Database, StepRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

const OPEN_STATUSES = ['submitted', 'in_review', 'awaiting_supplement'] as const;

export const stepsRepo = {
  find(db: Db, id: string): Promise<StepRow | undefined> {
    return db.selectFrom('steps').selectAll().where('id', '=', id).executeTakeFirst();
  },

  listByApplication(db: Db, applicationId: string): Promise<StepRow[]> {
    return db.selectFrom('steps').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  },

  /** Open steps of one department, soonest deadline first (steps without one yet come last). */
  inbox(db: Db, departmentCode: string, limit: number, offset: number): Promise<StepRow[]> {
    return db
      .selectFrom('steps')
      .selectAll()
      .where('department_code', '=', departmentCode)
      .where('status', 'in', OPEN_STATUSES)
      .orderBy('deadline', (ob) => ob.asc().nullsLast())
      .orderBy('submitted_at')
      .limit(limit)
      .offset(offset)
      .execute();
  },

  /** Applies a workflow report if it is newer than what the row holds. */
  async applyReport(db: Db, r: StepReport): Promise<void> {
    const s = r.snapshot;
    await db
      .updateTable('steps')
      .set({
        status: s.status,
        light: s.light,
        attempt: s.attempt,
        submitted_at: s.submittedAt ? new Date(s.submittedAt) : null,
        accepted_at: s.acceptedAt ? new Date(s.acceptedAt) : null,
        deadline: s.deadline ? new Date(s.deadline) : null,
        decided_at: s.decidedAt ? new Date(s.decidedAt) : null,
        outcome: s.outcome,
        overdue: s.overdue,
        certificate_no: s.certificateNo,
        reason: s.reason,
        seq: r.seq,
        updated_at: r.event.at,
      })
      .where('id', '=', r.stepId)
      .where('seq', '<', r.seq)
      .execute();
  },
};
