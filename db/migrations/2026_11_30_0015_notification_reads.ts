// Frozen: which notifications each user has read, for the unread count. Notifications are
// addressed to a role, a department or a user, so reading is kept per user: everything up to
// users.notices_read_through (moved by "mark all read"), plus single notifications read since.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('notices_read_through', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // Existing users start with nothing unread rather than every notice of their role so far.
  await sql`update users set notices_read_through = (select coalesce(max(id), 0) from notifications)`.execute(db);

  await db.schema
    .createTable('notification_reads')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('notification_id', 'bigint', (c) => c.notNull().references('notifications.id'))
    .addColumn('read_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('notification_reads_pkey', ['user_id', 'notification_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_reads').execute();
  await db.schema.alterTable('users').dropColumn('notices_read_through').execute();
}
