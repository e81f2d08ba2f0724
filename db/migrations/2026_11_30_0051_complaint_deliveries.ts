// Frozen: a delivery may concern a complaint or rectification task instead of an application (the
// emails of their notices to the department and the supervision office).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('deliveries')
    .alterColumn('application_id', (c) => c.dropNotNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('deliveries').where('application_id', 'is', null).execute();
  await db.schema
    .alterTable('deliveries')
    .alterColumn('application_id', (c) => c.setNotNull())
    .execute();
}
