// Frozen: indexes for the read side of the web UI. The events of one step by type, newest last
// (the last urge shown on an inbox row, the history of a supervision case), and the fees paid in
// a period (the cashier's reconciliation of the day).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_step_type on events (step_id, type, id) where step_id is not null`.execute(db);
  await sql`create index steps_fee_paid_at on steps (fee_paid_at) where fee_paid_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index steps_fee_paid_at`.execute(db);
  await sql`drop index events_step_type`.execute(db);
}
