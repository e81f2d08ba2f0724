// Frozen: what a step takes from its catalog version and what it records of its own clock.
// - matter_version: the version of matter_versions the step runs on (null: recorded before versions);
//   statutory_limit_days (the extension's legal cap) and deemed_consent_policy are taken from it
//   at launch, beside the promised limit and fee the row already held.
// - deemed_consent: the step was approved as deemed consent (超时默许) at its deadline.
// - extension: the extension granted, with its reason and approver (行政许可法 第42条).
// - special_procedures: the special procedures that have ended, each with its limit and approver.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('steps')
    .addColumn('matter_version', 'integer')
    .addColumn('statutory_limit_days', 'integer')
    .addColumn('deemed_consent_policy', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('deemed_consent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('extension', 'jsonb')
    .addColumn('special_procedures', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('steps')
    .dropColumn('matter_version')
    .dropColumn('statutory_limit_days')
    .dropColumn('deemed_consent_policy')
    .dropColumn('deemed_consent')
    .dropColumn('extension')
    .dropColumn('special_procedures')
    .execute();
}
