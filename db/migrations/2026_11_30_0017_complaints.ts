// Frozen: efficiency complaints (行政效能投诉) and rectification tasks (整改), one table for both
// (`kind`), each run by its own workflow `complaint-<id>`; their permanent, append-only event log;
// supervision cases of a complaint whose reply is late; notifications without an application.
// - complaint_number_counters: the last serial per series (TS, ZG) and Beijing year, never reused.
// - complaints: the id is the number (TS-2026-000001 / ZG-2026-000001). The complainant's text and
//   contact live here only, never in a workflow. `version` is the workflow's report sequence: a
//   report applies only when newer. `workflow_started_at` null until its workflow is known started.
// - complaint_events: append-only (a trigger refuses updates and deletes), one row per event id.
// - supervision_cases.complaint_id: a case is about a step or about a complaint, never both.
// - notifications.application_id may be null (complaint notices).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('complaint_number_counters')
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_serial', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('complaint_number_counters_pk', ['series', 'year'])
    .execute();

  await db.schema
    .createTable('complaints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('password', 'text')
    .addColumn('category', 'text')
    .addColumn('content', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('case_no', 'text')
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('step_id', 'text', (c) => c.references('steps.id'))
    .addColumn('suggested_department', 'text')
    .addColumn('rating_id', 'bigint', (c) => c.references('ratings.id').unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.references('departments.code'))
    .addColumn('reply_workdays', 'integer')
    .addColumn('filed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('register_due_at', 'timestamptz')
    .addColumn('registration_overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('assigned_at', 'timestamptz')
    .addColumn('reply_due_at', 'timestamptz')
    .addColumn('yellow_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply', 'text')
    .addColumn('replied_at', 'timestamptz')
    .addColumn('replied_by', 'text')
    .addColumn('reply_late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('upheld', 'boolean')
    .addColumn('conclusion', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('workflow_started_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('complaints_kind', sql`kind in ('complaint', 'rectification')`)
    .addCheckConstraint('complaints_status', sql`status in ('filed', 'assigned', 'replied', 'closed')`)
    .addCheckConstraint(
      'complaints_complaint_fields',
      sql`kind <> 'complaint' or (password is not null and category is not null and content is not null
          and contact_name is not null and phone is not null)`,
    )
    .addCheckConstraint('complaints_rectification_rating', sql`kind <> 'rectification' or rating_id is not null`)
    .execute();
  await db.schema.createIndex('complaints_status_filed').on('complaints').columns(['status', 'filed_at']).execute();
  await db.schema
    .createIndex('complaints_department_status')
    .on('complaints')
    .columns(['department_code', 'status', 'filed_at'])
    .execute();
  await db.schema
    .createIndex('complaints_workflow_not_started')
    .on('complaints')
    .column('created_at')
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('complaint_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('complaint_id', 'text', (c) => c.notNull().references('complaints.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('complaint_events_complaint')
    .on('complaint_events')
    .columns(['complaint_id', 'id'])
    .execute();
  await sql`
    create function complaint_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the complaint event log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger complaint_events_no_update_or_delete before update or delete on complaint_events
    for each row execute function complaint_events_append_only()`.execute(db);

  await db.schema
    .alterTable('supervision_cases')
    .addColumn('complaint_id', 'text', (c) => c.references('complaints.id'))
    .execute();
  await db.schema
    .alterTable('supervision_cases')
    .alterColumn('step_id', (c) => c.dropNotNull())
    .alterColumn('application_id', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .alterTable('supervision_cases')
    .addCheckConstraint('supervision_cases_one_subject', sql`(step_id is null) <> (complaint_id is null)`)
    .execute();
  await db.schema.createIndex('supervision_cases_complaint').on('supervision_cases').column('complaint_id').execute();

  await db.schema
    .alterTable('notifications')
    .alterColumn('application_id', (c) => c.dropNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from notifications where application_id is null`.execute(db);
  await db.schema
    .alterTable('notifications')
    .alterColumn('application_id', (c) => c.setNotNull())
    .execute();
  await sql`delete from supervision_cases where complaint_id is not null`.execute(db);
  await db.schema.dropIndex('supervision_cases_complaint').execute();
  await db.schema.alterTable('supervision_cases').dropConstraint('supervision_cases_one_subject').execute();
  await db.schema
    .alterTable('supervision_cases')
    .alterColumn('step_id', (c) => c.setNotNull())
    .alterColumn('application_id', (c) => c.setNotNull())
    .execute();
  await db.schema.alterTable('supervision_cases').dropColumn('complaint_id').execute();
  await db.schema.dropTable('complaint_events').execute();
  await sql`drop function complaint_events_append_only`.execute(db);
  await db.schema.dropTable('complaints').execute();
  await db.schema.dropTable('complaint_number_counters').execute();
}
