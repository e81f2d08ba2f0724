// Frozen: an index for the supervision board's predicate (yellow or red steps, or failed ones),
// in the board's order, so the board reads a page of rows instead of every step.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index steps_board on steps (
      (status = 'failed') desc, light, (coalesce(deadline, acceptance_deadline))
    ) where light in ('red', 'yellow') or status = 'failed'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index steps_board`.execute(db);
}
