// The demo data written as the schema held it before catalog versions (migration 0040), for tests
// that load data on an older schema and then migrate: the catalog goes in with the initial
// schema's columns only (the repositories write today's).
import { sql, type Kysely } from 'kysely';
import { demoMatters, seedDemoPeople } from '../../db/seed';
import type { Database } from '../../db/schema';

export async function seedDemoBeforeVersions(db: Kysely<Database>, adminUsername = 'admin'): Promise<void> {
  // Departments first: the matters name them.
  await seedDemoPeople(db, adminUsername);
  for (const m of demoMatters()) {
    await sql`
      insert into matters (code, name, department_code, case_type, legal_basis, conditions, procedure, materials,
        statutory_limit_days, promised_limit_days, fee_amount_fen, fee_basis, prerequisites, stage, updated_at)
      values (${m.code}, ${m.name}, ${m.departmentCode}, ${m.caseType}, ${m.legalBasis}, ${m.conditions},
        ${m.procedure}, ${JSON.stringify(m.materials)}::jsonb, ${m.statutoryLimitDays}, ${m.promisedLimitDays},
        ${m.fee?.amountFen ?? null}, ${m.fee?.basis ?? null}, ${JSON.stringify(m.prerequisites)}::jsonb, ${m.stage}, now())
      on conflict (code) do nothing`.execute(db);
  }
}
