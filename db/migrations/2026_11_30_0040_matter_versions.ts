// Frozen: a versioned catalog. Every change of a matter makes a new version with the moment it
// takes effect; `matters` keeps the current one (with its version number) for the service guide,
// `matter_versions` every version, unchanged once written (a trigger refuses updates and deletes).
// The deemed-consent policy (超时默许) is a field of the matter, versioned like the others.
// Existing matters become version 1, effective from their last change.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('matters')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('deemed_consent', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update matters set effective_from = updated_at`.execute(db);

  await db.schema
    .createTable('matter_versions')
    .addColumn('matter_code', 'text', (c) => c.notNull().references('matters.code'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('case_type', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('procedure', 'text', (c) => c.notNull())
    .addColumn('materials', 'jsonb', (c) => c.notNull())
    .addColumn('statutory_limit_days', 'integer', (c) => c.notNull())
    .addColumn('promised_limit_days', 'integer', (c) => c.notNull())
    .addColumn('fee_amount_fen', 'integer')
    .addColumn('fee_basis', 'text')
    .addColumn('prerequisites', 'jsonb', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('deemed_consent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_by', 'text')
    .addColumn('created_by_name', 'text')
    .addPrimaryKeyConstraint('matter_versions_pk', ['matter_code', 'version'])
    .execute();
  await sql`
    insert into matter_versions (matter_code, version, effective_from, name, department_code, case_type,
      legal_basis, conditions, procedure, materials, statutory_limit_days, promised_limit_days,
      fee_amount_fen, fee_basis, prerequisites, stage, deemed_consent)
    select code, version, effective_from, name, department_code, case_type, legal_basis, conditions,
      procedure, materials, statutory_limit_days, promised_limit_days, fee_amount_fen, fee_basis,
      prerequisites, stage, deemed_consent
    from matters`.execute(db);
  await sql`
    create function matter_versions_unchanged() returns trigger language plpgsql as $$
    begin
      raise exception 'a catalog version is kept unchanged';
    end $$`.execute(db);
  await sql`
    create trigger matter_versions_no_update_or_delete before update or delete on matter_versions
    for each row execute function matter_versions_unchanged()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('matter_versions').execute();
  await sql`drop function matter_versions_unchanged`.execute(db);
  await db.schema
    .alterTable('matters')
    .dropColumn('version')
    .dropColumn('effective_from')
    .dropColumn('deemed_consent')
    .execute();
}
