// Frozen: the audit log page filters by actor, action, target and time, newest first.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['audit_log_at', 'audit_log_target', 'audit_log_action', 'audit_log_actor'])
    await db.schema.dropIndex(name).execute();
}
