import { sql, type Kysely, type Transaction } from 'kysely';
import { shanghaiDate } from '../../domain/calendar';
import type { Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Decided steps counted per department, and per department and month, for the supervision office.
 * Read from `step_decision_days` (per department and Shanghai day, kept equal to `steps` by the
 * triggers of migration 0055): a year of statistics sums a few thousand rows, whatever the number
 * of steps.
 */
export const statsRepo = {
  /** Per department: decided steps (decided within [from, to], Shanghai days), on time, overdue, average working days used. */
  departments(db: Db, period: { from?: string; to?: string }) {
    return statsRepo.departmentsQuery(db, period).execute();
  },

  /** The per-department query, not run (the EXPLAIN test compiles it). */
  departmentsQuery(db: Db, period: { from?: string; to?: string }) {
    let query = db
      .selectFrom('step_decision_days')
      .select([
        'department_code',
        sql<number>`sum(decided)::integer`.as('decided'),
        sql<number>`sum(on_time)::integer`.as('on_time'),
        sql<number>`sum(overdue)::integer`.as('overdue'),
        sql<number | null>`sum(workdays_sum)::float8 / nullif(sum(workdays_count), 0)`.as('avg_workdays'),
      ])
      .groupBy('department_code')
      .having(sql<boolean>`sum(decided) > 0`)
      .orderBy('department_code');
    if (period.from) query = query.where('day', '>=', period.from);
    if (period.to) query = query.where('day', '<=', period.to);
    return query;
  },

  /** Per department and month (Asia/Shanghai) of the last `months` months, this one included: decided and on time. */
  monthly(db: Db, months: number, now = new Date()) {
    const today = shanghaiDate(now);
    const first = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - months, 1));
    const month = sql<string>`to_char(day, 'YYYY-MM')`;
    return db
      .selectFrom('step_decision_days')
      .select([
        month.as('month'),
        'department_code',
        sql<number>`sum(decided)::integer`.as('decided'),
        sql<number>`sum(on_time)::integer`.as('on_time'),
      ])
      .where('day', '>=', first.toISOString().slice(0, 10))
      .groupBy([month, 'department_code'])
      .having(sql<boolean>`sum(decided) > 0`)
      .orderBy(month)
      .orderBy('department_code')
      .execute();
  },
};
