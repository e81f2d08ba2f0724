// Frozen: never edit a migration that has shipped; add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.references('departments.code'))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_role_check', sql`role in ('officer','staff','supervisor','cashier','admin')`)
    .addCheckConstraint('users_staff_department', sql`(role = 'staff') = (department_code is not null)`)
    .execute();

  await db.schema
    .createTable('matters')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
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
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`create sequence application_number_seq`.execute(db);

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('project', 'jsonb', (c) => c.notNull())
    .addColumn('investor', 'jsonb', (c) => c.notNull())
    .addColumn('officer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('applications_officer_idempotency', ['officer_id', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('applications_status_created')
    .on('applications')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('applications_officer_created')
    .on('applications')
    .columns(['officer_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('matter_code', 'text', (c) => c.notNull().references('matters.code'))
    .addColumn('department_code', 'text', (c) => c.notNull().references('departments.code'))
    .addColumn('prerequisites', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('light', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('deadline', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('certificate_no', 'text')
    .addColumn('reason', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('steps_application_matter', ['application_id', 'matter_code'])
    .execute();
  // The department inbox: open steps of one department, soonest deadline first.
  await db.schema
    .createIndex('steps_department_inbox')
    .on('steps')
    .columns(['department_code', 'status', 'deadline'])
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_application_at').on('events').columns(['application_id', 'id']).execute();
  // The event log is the permanent timeline: append-only, enforced by the database itself.
  await sql`
    create function events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the event log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger events_no_update_or_delete before update or delete on events
    for each row execute function events_append_only()`.execute(db);

  await db.schema
    .createTable('calendar_days')
    .addColumn('date', 'text', (c) => c.primaryKey())
    .addColumn('workday', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_days').execute();
  await db.schema.dropTable('events').execute();
  await sql`drop function events_append_only`.execute(db);
  await db.schema.dropTable('steps').execute();
  await db.schema.dropTable('applications').execute();
  await sql`drop sequence application_number_seq`.execute(db);
  await db.schema.dropTable('matters').execute();
  await db.schema.dropTable('users').execute();
  await db.schema.dropTable('departments').execute();
}
