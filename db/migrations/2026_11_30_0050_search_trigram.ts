// Frozen: the officer's and the supervisor's search ("contains", in the case number, the id, the
// project's name or code, the investor's name) through one trigram index instead of a scan of every
// application (bench/ W2: 177 ms p99 at 100,000 applications before). The indexed expression must
// stay exactly the one `applicationSearchText` in db/repositories/applications.ts builds.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index applications_search_trgm on applications using gin ((
      id || E'\\x1f' || coalesce(case_no, '') || E'\\x1f' || coalesce(project->>'name', '') || E'\\x1f' ||
      coalesce(project->>'code', '') || E'\\x1f' || coalesce(investor->>'name', '')
    ) gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index applications_search_trgm`.execute(db);
}
