// Frozen: the human case number (GH-2026-000123, sequential per Beijing year, never reused) and the
// query password of each application, for the acceptance notice and the public progress lookup.
// - case_number_counters: one row per year holding the last serial given; the launch transaction
//   takes the next one (the row lock orders concurrent launches).
// - applications.case_no (unique) and query_password: backfilled for applications launched before.
//   The password is kept readable on purpose: the officer reprints it for the investor, as the
//   center's counter does (it guards a progress page, not an account).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_number_counters')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('last_serial', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('applications').addColumn('case_no', 'text').addColumn('query_password', 'text').execute();

  // Earlier applications, numbered in launch order within their Beijing year.
  await sql`
    with numbered as (
      select id,
             extract(year from created_at at time zone 'Asia/Shanghai')::int as year,
             row_number() over (
               partition by extract(year from created_at at time zone 'Asia/Shanghai')
               order by created_at, id
             ) as serial
      from applications
    )
    update applications a
       set case_no = 'GH-' || n.year || '-' || lpad(n.serial::text, 6, '0'),
           query_password = upper(substr(translate(md5(random()::text || a.id), '01', '23'), 1, 6))
      from numbered n
     where n.id = a.id`.execute(db);
  await sql`
    insert into case_number_counters (year, last_serial)
    select extract(year from created_at at time zone 'Asia/Shanghai')::int, count(*)
      from applications group by 1`.execute(db);

  await db.schema
    .alterTable('applications')
    .alterColumn('case_no', (c) => c.setNotNull())
    .alterColumn('query_password', (c) => c.setNotNull())
    .execute();
  await db.schema.alterTable('applications').addUniqueConstraint('applications_case_no', ['case_no']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropConstraint('applications_case_no').execute();
  await db.schema.alterTable('applications').dropColumn('case_no').dropColumn('query_password').execute();
  await db.schema.dropTable('case_number_counters').execute();
}
