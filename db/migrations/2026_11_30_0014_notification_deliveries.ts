// Frozen: notifications reach people. A durable outbox of deliveries to real channels (email over
// SMTP, SMS through a gateway), written in the transaction that writes the notification, and sent
// by a dispatcher in the API processes (claimed with a lease, retried with backoff).
// - users.email / users.notify_by: where and whether a user's in-app notices are also emailed.
// - deliveries: one row per message to one recipient on one channel. `id` is the idempotency key
//   the channel sees (the SMS gateway's id, the email's Message-ID); `dedupe_key` names what the
//   message is for (source event or notification, channel, recipient) so a projection that runs
//   again enqueues nothing.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('email', 'text')
    .addColumn('notify_by', 'text', (c) =>
      c
        .notNull()
        .defaultTo('in_app')
        .check(sql`notify_by in ('in_app', 'email')`),
    )
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('notification_id', 'bigint', (c) => c.references('notifications.id'))
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms')`))
    .addColumn('recipient_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  // The dispatcher's claim: due pending rows, and sending rows whose lease ran out.
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), 'in', sql`('pending', 'sending')`)
    .execute();
  // The admin's list by status, newest first.
  await db.schema.createIndex('deliveries_status').on('deliveries').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('deliveries_application').on('deliveries').column('application_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deliveries').execute();
  await db.schema.alterTable('users').dropColumn('notify_by').dropColumn('email').execute();
}
