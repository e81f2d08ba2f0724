// Frozen: decided steps counted per department and Shanghai day (step_decision_days), for the
// supervision office's department and monthly statistics. At 100,000 applications those figures
// aggregated hundreds of thousands of steps per request (bench W2: 274 ms and 844 ms p99); read from
// this table they sum a few hundred rows.
//
// Kept by statement-level triggers on `steps` with transition tables: every statement that inserts,
// updates or deletes steps adds the new rows' contribution and takes away the old rows', in the
// same transaction. The table therefore always equals the aggregate of `steps` (a projection
// written twice changes nothing: the second write takes away what it adds), and a bulk load pays
// one upsert per statement, not per row. Rows are upserted in key order so that two concurrent
// statements never wait on each other's rows in opposite orders.
import { sql, type Kysely } from 'kysely';

/** One step's contribution, `sign` 1 for the new rows and -1 for the old ones. */
const contribution = (rows: string, sign: number) => `
  select department_code,
         (decided_at at time zone 'Asia/Shanghai')::date as day,
         ${sign} as decided,
         ${sign} * (case when overdue then 0 else 1 end) as on_time,
         ${sign} * (case when overdue then 1 else 0 end) as overdue,
         ${sign} * coalesce(workdays_used, 0)::bigint as workdays_sum,
         ${sign} * (case when workdays_used is null then 0 else 1 end) as workdays_count
  from ${rows} where decided_at is not null`;

/** Adds the summed contributions of `source` to the table. */
const applyDelta = (source: string) =>
  sql.raw(`
  insert into step_decision_days as t (department_code, day, decided, on_time, overdue, workdays_sum, workdays_count)
  select department_code, day, sum(decided), sum(on_time), sum(overdue), sum(workdays_sum), sum(workdays_count)
  from (${source}) c
  group by department_code, day
  having sum(decided) <> 0 or sum(on_time) <> 0 or sum(overdue) <> 0 or sum(workdays_sum) <> 0 or sum(workdays_count) <> 0
  order by department_code, day
  on conflict (department_code, day) do update set
    decided = t.decided + excluded.decided,
    on_time = t.on_time + excluded.on_time,
    overdue = t.overdue + excluded.overdue,
    workdays_sum = t.workdays_sum + excluded.workdays_sum,
    workdays_count = t.workdays_count + excluded.workdays_count`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('step_decision_days')
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('decided', 'integer', (c) => c.notNull())
    .addColumn('on_time', 'integer', (c) => c.notNull())
    .addColumn('overdue', 'integer', (c) => c.notNull())
    .addColumn('workdays_sum', 'bigint', (c) => c.notNull())
    .addColumn('workdays_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('step_decision_days_pk', ['department_code', 'day'])
    .execute();
  await db.schema.createIndex('step_decision_days_day').on('step_decision_days').column('day').execute();

  const inserted = applyDelta(contribution('new_rows', 1));
  const deleted = applyDelta(contribution('old_rows', -1));
  const updated = applyDelta(`${contribution('new_rows', 1)} union all ${contribution('old_rows', -1)}`);
  await sql`
    create function steps_count_decisions_inserted() returns trigger language plpgsql as $$
    begin ${inserted}; return null; end $$`.execute(db);
  await sql`
    create function steps_count_decisions_updated() returns trigger language plpgsql as $$
    begin ${updated}; return null; end $$`.execute(db);
  await sql`
    create function steps_count_decisions_deleted() returns trigger language plpgsql as $$
    begin ${deleted}; return null; end $$`.execute(db);
  await sql`
    create trigger steps_decision_days_insert after insert on steps
    referencing new table as new_rows for each statement execute function steps_count_decisions_inserted()`.execute(db);
  await sql`
    create trigger steps_decision_days_update after update on steps
    referencing old table as old_rows new table as new_rows
    for each statement execute function steps_count_decisions_updated()`.execute(db);
  await sql`
    create trigger steps_decision_days_delete after delete on steps
    referencing old table as old_rows for each statement execute function steps_count_decisions_deleted()`.execute(db);

  // The decisions already made.
  await sql`${applyDelta(contribution('steps', 1))}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger steps_decision_days_insert on steps`.execute(db);
  await sql`drop trigger steps_decision_days_update on steps`.execute(db);
  await sql`drop trigger steps_decision_days_delete on steps`.execute(db);
  await sql`drop function steps_count_decisions_inserted`.execute(db);
  await sql`drop function steps_count_decisions_updated`.execute(db);
  await sql`drop function steps_count_decisions_deleted`.execute(db);
  await db.schema.dropTable('step_decision_days').execute();
}
