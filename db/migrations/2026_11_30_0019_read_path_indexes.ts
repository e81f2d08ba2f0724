// Frozen: indexes the read paths need at 100,000 applications (bench/ W2):
// - steps_inbox: a department's open steps in the inbox's order (the soonest of the review
//   deadline or, before acceptance, the acceptance deadline), so an inbox page reads a page of
//   rows; the (department, status, deadline) index could not serve the coalesce order.
// - steps_decided_at: the statistics count decided steps in a period.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index steps_inbox on steps (
      department_code, (coalesce(deadline, acceptance_deadline)), id
    ) where status in ('submitted', 'in_review', 'awaiting_supplement')`.execute(db);
  await sql`create index steps_decided_at on steps (decided_at) where decided_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index steps_decided_at`.execute(db);
  await sql`drop index steps_inbox`.execute(db);
}
