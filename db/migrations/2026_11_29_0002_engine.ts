// Frozen: the joint-approval engine's clock, supervision, notifications and joint sessions.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('steps')
    .addColumn('matter_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('promised_limit_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('acceptance_deadline', 'timestamptz')
    .addColumn('yellow_at', 'timestamptz')
    .addColumn('deemed_accepted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('paused_workdays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extension_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pause', 'jsonb')
    .addColumn('supplement_items', 'jsonb')
    .addColumn('assignee_id', 'text')
    .addColumn('assignee_name', 'text')
    .addColumn('fee_amount_fen', 'integer')
    .addColumn('fee_paid_at', 'timestamptz')
    .addColumn('fee_receipt_no', 'text')
    .addColumn('workdays_used', 'integer')
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_urged_at', 'timestamptz')
    .execute();
  // The supervision board: red and yellow steps.
  await db.schema.createIndex('steps_light_deadline').on('steps').columns(['light', 'deadline']).execute();

  await db.schema
    .createTable('supervision_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('step_id', 'text', (c) => c.notNull().references('steps.id'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('supervision_cases_status', sql`status in ('open', 'closed')`)
    .execute();
  await db.schema
    .createIndex('supervision_cases_status_opened')
    .on('supervision_cases')
    .columns(['status', 'opened_at'])
    .execute();
  await db.schema.createIndex('supervision_cases_step').on('supervision_cases').column('step_id').execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('audience_role', 'text')
    .addColumn('audience_department', 'text')
    .addColumn('audience_user_id', 'text')
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_department')
    .on('notifications')
    .columns(['audience_department', 'id'])
    .execute();
  await db.schema.createIndex('notifications_role').on('notifications').columns(['audience_role', 'id']).execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['audience_user_id', 'id']).execute();

  await db.schema
    .createTable('joint_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('invited_departments', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opinions', 'jsonb', (c) => c.notNull())
    .addColumn('minutes', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('joint_sessions_application').on('joint_sessions').column('application_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('joint_sessions').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('supervision_cases').execute();
  await db.schema.dropIndex('steps_light_deadline').execute();
  for (const column of [
    'matter_name',
    'promised_limit_days',
    'acceptance_deadline',
    'yellow_at',
    'deemed_accepted',
    'paused_workdays',
    'extension_days',
    'pause',
    'supplement_items',
    'assignee_id',
    'assignee_name',
    'fee_amount_fen',
    'fee_paid_at',
    'fee_receipt_no',
    'workdays_used',
    'escalation_level',
    'last_urged_at',
  ]) {
    await db.schema.alterTable('steps').dropColumn(column).execute();
  }
}
