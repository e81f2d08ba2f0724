import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Start of a civil day in Asia/Shanghai. */
const shanghaiMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** Decided steps counted per department, and per department and month, for the supervision office. */
export const statsRepo = {
  /** Per department: decided steps (decided within [from, to], Shanghai days), on time, overdue, average working days used. */
  departments(db: Db, period: { from?: string; to?: string }) {
    return statsRepo.departmentsQuery(db, period).execute();
  },

  /** The per-department query, not run (the EXPLAIN test compiles it). */
  departmentsQuery(db: Db, period: { from?: string; to?: string }) {
    let query = db
      .selectFrom('steps')
      .select((eb) => [
        'department_code',
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', false).as('on_time'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', true).as('overdue'),
        sql<number | null>`avg(workdays_used)`.as('avg_workdays'),
      ])
      .where('decided_at', 'is not', null)
      .groupBy('department_code')
      .orderBy('department_code');
    if (period.from) query = query.where('decided_at', '>=', shanghaiMidnight(period.from));
    if (period.to) query = query.where('decided_at', '<', new Date(shanghaiMidnight(period.to).getTime() + 86_400_000));
    return query;
  },

  /** Per department and month (Asia/Shanghai) since `since`: decided and on time. */
  monthly(db: Db, since: Date) {
    const month = sql<string>`to_char(decided_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
    return db
      .selectFrom('steps')
      .select((eb) => [
        month.as('month'),
        'department_code',
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', false).as('on_time'),
      ])
      .where('decided_at', '>=', since)
      .groupBy([month, 'department_code'])
      .orderBy(month)
      .orderBy('department_code')
      .execute();
  },
};
