// Frozen: every application newest first (the supervisor's and the admin's list, and their
// searches). Without it a broad search ('光伏' matches a tenth of 100,000 applications in bench W2,
// too short for a trigram) read and sorted every match (238 ms p99); with it the page is read in
// order and stops after its 50 rows, and the count stops at the cap of `applicationsRepo.list`.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index applications_created on applications (created_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index applications_created`.execute(db);
}
