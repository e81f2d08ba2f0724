import { sql, type Kysely, type Transaction } from 'kysely';
import type { AssessmentView } from '../../domain/assessment';
import type { AssessmentWeightsRow, Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface Period {
  from: Date;
  to: Date;
}

export interface DecisionFigures {
  key: string;
  decided: number;
  on_time: number;
  overdue: number;
  used_sum: number | null;
  used_count: number;
  promised_sum: number | null;
}

/** A supervision case of the period, with the staff member who decided its step attempt (if decided). */
export interface PeriodCase {
  id: string;
  department_code: string;
  due_at: Date;
  closed_at: Date | null;
  outcome: string | null;
  decided_by: string | null;
}

/**
 * The figures of the assessment, per department or per deciding staff member, in a period. Every
 * query reads one period by an index on its time column (step_decisions_decided_at,
 * ratings_rated_at, supervision_cases_opened_at, complaints_upheld_closed_at, accountability_recorded_at).
 */
export const assessmentRepo = {
  /** Decisions of the period grouped by department or by who decided, not run (the EXPLAIN test compiles it). */
  decisionsQuery(db: Db, period: Period, by: AssessmentView) {
    const key = by === 'department' ? ('department_code' as const) : ('decided_by' as const);
    return db
      .selectFrom('step_decisions')
      .select((eb) => [
        eb.ref(key).as('key'),
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('event_id').filterWhere('overdue', '=', false).as('on_time'),
        eb.fn.count<number>('event_id').filterWhere('overdue', '=', true).as('overdue'),
        eb.fn.sum<number | null>('workdays_used').as('used_sum'),
        eb.fn.count<number>('workdays_used').as('used_count'),
        eb.fn.sum<number | null>('promised_limit_days').filterWhere('workdays_used', 'is not', null).as('promised_sum'),
      ])
      .where('decided_at', '>=', period.from)
      .where('decided_at', '<', period.to)
      .groupBy(key);
  },

  async decisions(db: Db, period: Period, by: AssessmentView): Promise<DecisionFigures[]> {
    const rows = await assessmentRepo.decisionsQuery(db, period, by).execute();
    return rows.map((r) => ({
      key: r.key,
      decided: Number(r.decided),
      on_time: Number(r.on_time),
      overdue: Number(r.overdue),
      used_sum: r.used_sum === null ? null : Number(r.used_sum),
      used_count: Number(r.used_count),
      promised_sum: r.promised_sum === null ? null : Number(r.promised_sum),
    }));
  },

  /** Ratings of steps in the period by department or by the staff member who decided the rated step. */
  async ratings(db: Db, period: Period, by: AssessmentView) {
    const key = by === 'department' ? ('department_code' as const) : ('staff_id' as const);
    const rows = await db
      .selectFrom('ratings')
      .select((eb) => [
        eb.ref(key).as('key'),
        eb.fn.countAll<number>().as('count'),
        eb.fn.sum<number>('score').as('sum'),
      ])
      .where('rated_at', '>=', period.from)
      .where('rated_at', '<', period.to)
      .where(key, 'is not', null)
      .groupBy(key)
      .execute();
    return rows.map((r) => ({ key: r.key!, count: Number(r.count), sum: Number(r.sum) }));
  },

  /** Supervision cases opened in the period, each with who decided the step attempt it is about. */
  cases(db: Db, period: Period): Promise<PeriodCase[]> {
    return db
      .selectFrom('supervision_cases as c')
      .leftJoin('step_decisions as d', (j) =>
        j.onRef('d.step_id', '=', 'c.step_id').onRef('d.attempt', '=', 'c.attempt'),
      )
      .select(['c.id', 'c.department_code', 'c.due_at', 'c.closed_at', 'c.outcome', 'd.decided_by'])
      .where('c.opened_at', '>=', period.from)
      .where('c.opened_at', '<', period.to)
      .execute();
  },

  /** Complaints closed as upheld in the period, with who last decided the step a complaint names. */
  complaintsUpheld(db: Db, period: Period) {
    return db
      .selectFrom('complaints as c')
      .select((eb) => [
        'c.id',
        'c.department_code',
        eb
          .selectFrom('step_decisions as d')
          .select('d.decided_by')
          .whereRef('d.step_id', '=', 'c.step_id')
          .orderBy('d.decided_at', 'desc')
          .limit(1)
          .as('decided_by'),
      ])
      .where('c.upheld', '=', true)
      .where('c.kind', '=', 'complaint')
      .where('c.closed_at', '>=', period.from)
      .where('c.closed_at', '<', period.to)
      .execute();
  },

  /** Accountability records made in the period. */
  accountability(db: Db, period: Period) {
    return db
      .selectFrom('accountability_records')
      .select(['id', 'department_code', 'person_id'])
      .where('recorded_at', '>=', period.from)
      .where('recorded_at', '<', period.to)
      .execute();
  },

  /** Decided and on time per department and month (Asia/Shanghai) in [from, to). */
  async trend(db: Db, period: Period) {
    const month = sql<string>`to_char(decided_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
    const rows = await db
      .selectFrom('step_decisions')
      .select((eb) => [
        month.as('month'),
        'department_code',
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('event_id').filterWhere('overdue', '=', false).as('on_time'),
      ])
      .where('decided_at', '>=', period.from)
      .where('decided_at', '<', period.to)
      .groupBy([month, 'department_code'])
      .orderBy(month)
      .orderBy('department_code')
      .execute();
    return rows.map((r) => ({
      month: r.month,
      departmentCode: r.department_code,
      decided: Number(r.decided),
      onTime: Number(r.on_time),
    }));
  },

  // ——— Weights ———

  /** The weights in force: the newest published version, or undefined while none was published. */
  currentWeights(db: Db): Promise<AssessmentWeightsRow | undefined> {
    return db.selectFrom('assessment_weights').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  },

  weightsHistory(db: Db, limit: number): Promise<AssessmentWeightsRow[]> {
    return db.selectFrom('assessment_weights').selectAll().orderBy('version', 'desc').limit(limit).execute();
  },

  /** Publishes a version; a second publication of the same version number violates the primary key. */
  insertWeights(
    db: Db,
    w: { version: number; weights: Record<string, number>; actor: { id: string; displayName: string } },
  ): Promise<AssessmentWeightsRow> {
    return db
      .insertInto('assessment_weights')
      .values({
        version: w.version,
        weights: JSON.stringify(w.weights),
        changed_by: w.actor.id,
        changed_by_name: w.actor.displayName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
