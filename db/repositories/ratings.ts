import type { Kysely, Transaction } from 'kysely';
import type { Database, RatingRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewRating {
  applicationId: string;
  caseNo: string;
  stepId: string | null;
  matterCode: string | null;
  departmentCode: string | null;
  attempt: number | null;
  staffId: string | null;
  score: number;
  comment: string | null;
}

/** The decision events of a step: who decided it is the staff member a rating of the step concerns. */
const DECISION_EVENTS = ['step_approved', 'step_rejected', 'step_refused_acceptance'];

export const ratingsRepo = {
  /** Inserts a rating; a second rating of the same step (or application) violates a unique index. */
  async insert(db: Db, r: NewRating): Promise<RatingRow> {
    return db
      .insertInto('ratings')
      .values({
        application_id: r.applicationId,
        case_no: r.caseNo,
        step_id: r.stepId,
        matter_code: r.matterCode,
        department_code: r.departmentCode,
        attempt: r.attempt,
        staff_id: r.staffId,
        score: r.score,
        comment: r.comment,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  byIds(db: Db, ids: number[]): Promise<RatingRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('ratings').selectAll().where('id', 'in', ids).execute();
  },

  forApplication(db: Db, applicationId: string): Promise<RatingRow[]> {
    return db.selectFrom('ratings').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  },

  /** Ratings in a period (Asia/Shanghai dates, inclusive), newest first; for the assessment. */
  list(db: Db, f: { from?: string; to?: string; departmentCode?: string; limit: number; offset: number }) {
    let q = db.selectFrom('ratings').selectAll();
    if (f.from) q = q.where('rated_at', '>=', new Date(`${f.from}T00:00:00+08:00`));
    if (f.to) q = q.where('rated_at', '<', new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000));
    if (f.departmentCode) q = q.where('department_code', '=', f.departmentCode);
    return q.orderBy('rated_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
  },

  /** The staff member who last decided the step (from its permanent timeline), if any. */
  async deciderOf(db: Db, stepId: string): Promise<string | null> {
    const row = await db
      .selectFrom('events')
      .select('actor_id')
      .where('step_id', '=', stepId)
      .where('type', 'in', DECISION_EVENTS)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.actor_id ?? null;
  },
};
