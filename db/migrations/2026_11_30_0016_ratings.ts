// Frozen: ratings (好差评) of decided steps and closed applications, kept for the assessment
// (量化考核): one row per rating with the department, the step, the staff member who decided it,
// the score and the comment. One rating per step and one per application (partial unique indexes);
// a bad rating (score <= 2) carries its comment (checked here too).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ratings')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('case_no', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.references('steps.id'))
    .addColumn('matter_code', 'text')
    .addColumn('department_code', 'text', (c) => c.references('departments.code'))
    .addColumn('attempt', 'integer')
    .addColumn('staff_id', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('rated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('ratings_score', sql`score between 1 and 5`)
    .addCheckConstraint('ratings_bad_needs_comment', sql`score > 2 or coalesce(btrim(comment), '') <> ''`)
    .addCheckConstraint('ratings_step_has_department', sql`step_id is null or department_code is not null`)
    .execute();
  await sql`create unique index ratings_one_per_step on ratings (step_id) where step_id is not null`.execute(db);
  await sql`create unique index ratings_one_per_application on ratings (application_id) where step_id is null`.execute(
    db,
  );
  await db.schema
    .createIndex('ratings_department_rated')
    .on('ratings')
    .columns(['department_code', 'rated_at'])
    .execute();
  await db.schema.createIndex('ratings_rated_at').on('ratings').column('rated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ratings').execute();
}
