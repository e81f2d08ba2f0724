// Frozen: warnings issued by hand (人工督办, 督办通知) on a step or a department, each run by its own
// workflow `warning-<id>`; their permanent, append-only event log; supervision cases of a warning
// whose reply is late.
// - warnings: the id is the number (DB-2026-000001, series DB of complaint_number_counters, never
//   reused). `rounds` holds every reply and return (the read model of the workflow's state).
//   `version` is the workflow's report sequence: a report applies only when newer.
//   `workflow_started_at` null until its workflow is known started (recovery starts the others).
// - warning_events: append-only (a trigger refuses updates and deletes), one row per event id. A
//   warning about a step also writes its events to the application's timeline (`events`).
// - supervision_cases.warning_id: a case is about exactly one of a step, a complaint, a warning.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('warnings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.references('steps.id'))
    .addColumn('application_id', 'text', (c) => c.references('applications.id'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reply_workdays', 'integer', (c) => c.notNull())
    .addColumn('issued_by_id', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('round_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reply_due_at', 'timestamptz')
    .addColumn('yellow_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rounds', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('ever_late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('workflow_started_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('warnings_status', sql`status in ('awaiting_reply', 'replied', 'closed')`)
    .addCheckConstraint(
      'warnings_subject',
      sql`(subject = 'step' and step_id is not null and application_id is not null)
          or (subject = 'department' and step_id is null and application_id is null)`,
    )
    .addCheckConstraint('warnings_reply_workdays', sql`reply_workdays between 1 and 30`)
    .execute();
  await db.schema.createIndex('warnings_status_issued').on('warnings').columns(['status', 'issued_at']).execute();
  await db.schema
    .createIndex('warnings_department_status')
    .on('warnings')
    .columns(['department_code', 'status', 'issued_at'])
    .execute();
  await db.schema.createIndex('warnings_step').on('warnings').column('step_id').execute();
  await db.schema
    .createIndex('warnings_workflow_not_started')
    .on('warnings')
    .column('created_at')
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('warning_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('warning_id', 'text', (c) => c.notNull().references('warnings.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('warning_events_warning').on('warning_events').columns(['warning_id', 'id']).execute();
  await sql`
    create function warning_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the warning event log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger warning_events_no_update_or_delete before update or delete on warning_events
    for each row execute function warning_events_append_only()`.execute(db);

  await db.schema
    .alterTable('supervision_cases')
    .addColumn('warning_id', 'text', (c) => c.references('warnings.id'))
    .execute();
  await db.schema.alterTable('supervision_cases').dropConstraint('supervision_cases_one_subject').execute();
  await db.schema
    .alterTable('supervision_cases')
    .addCheckConstraint('supervision_cases_one_subject', sql`num_nonnulls(step_id, complaint_id, warning_id) = 1`)
    .execute();
  await db.schema.createIndex('supervision_cases_warning').on('supervision_cases').column('warning_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from supervision_cases where warning_id is not null`.execute(db);
  await db.schema.dropIndex('supervision_cases_warning').execute();
  await db.schema.alterTable('supervision_cases').dropConstraint('supervision_cases_one_subject').execute();
  await db.schema
    .alterTable('supervision_cases')
    .addCheckConstraint('supervision_cases_one_subject', sql`(step_id is null) <> (complaint_id is null)`)
    .execute();
  await db.schema.alterTable('supervision_cases').dropColumn('warning_id').execute();
  await db.schema.dropTable('warning_events').execute();
  await sql`drop function warning_events_append_only`.execute(db);
  await db.schema.dropTable('warnings').execute();
  await sql`delete from complaint_number_counters where series = 'DB'`.execute(db);
}
