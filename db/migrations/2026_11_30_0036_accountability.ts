// Frozen: accountability records (问责记录), made by the supervision office on a closed supervision
// case: who answers for it (a department, and a staff member of it when one is named), what went
// wrong, the measure and the decision, who recorded it and when. Kept unchanged (a trigger refuses
// updates and deletes); counted in the assessment by department and by person.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accountability_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('supervision_cases.id'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('person_id', 'text', (c) => c.references('users.id'))
    .addColumn('person_name', 'text')
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_by_name', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('accountability_person_named', sql`(person_id is null) = (person_name is null)`)
    .execute();
  await db.schema
    .createIndex('accountability_recorded_at')
    .on('accountability_records')
    .column('recorded_at')
    .execute();
  await db.schema.createIndex('accountability_case').on('accountability_records').column('case_id').execute();
  await sql`
    create function accountability_records_unchanged() returns trigger language plpgsql as $$
    begin
      raise exception 'an accountability record is kept unchanged';
    end $$`.execute(db);
  await sql`
    create trigger accountability_records_no_update_or_delete before update or delete on accountability_records
    for each row execute function accountability_records_unchanged()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('accountability_records').execute();
  await sql`drop function accountability_records_unchanged`.execute(db);
}
