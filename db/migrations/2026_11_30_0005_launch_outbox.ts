// Frozen: launch exactly once, with one idempotency mechanism.
// - applications.workflow_started_at: null while the application's workflow has not been started
//   (the rows are committed first, the workflow started after); a background job starts the rest.
//   Every application before this migration was started inside its launch transaction.
// - applications.idempotency_key / request_hash go: Idempotency-Key answers live in idempotency_keys only.
// - idempotency_keys.attempt_id: which request holds a pending key, so a late writer never settles
//   or frees a key that another request has taken over; created_at indexed for the purge.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('workflow_started_at', 'timestamptz').execute();
  await sql`update applications set workflow_started_at = created_at`.execute(db);
  await db.schema
    .createIndex('applications_workflow_not_started')
    .on('applications')
    .column('created_at')
    .where(sql.ref('workflow_started_at'), 'is', null)
    .execute();

  await db.schema.alterTable('applications').dropConstraint('applications_officer_idempotency').execute();
  await db.schema.alterTable('applications').dropColumn('idempotency_key').dropColumn('request_hash').execute();

  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('attempt_id', 'text', (c) => c.notNull().defaultTo(sql`gen_random_uuid()::text`))
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_at').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('attempt_id').execute();

  await db.schema
    .alterTable('applications')
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text')
    .execute();
  await db.schema
    .alterTable('applications')
    .addUniqueConstraint('applications_officer_idempotency', ['officer_id', 'idempotency_key'])
    .execute();
  await db.schema.dropIndex('applications_workflow_not_started').execute();
  await db.schema.alterTable('applications').dropColumn('workflow_started_at').execute();
}
