// Frozen: the whole-project clock's target (全流程时限, working days) is fixed into each application at
// launch (PROJECT_TARGET_WORKDAYS then), so a later change of the setting does not move running projects.
// Applications launched before this migration get the national target, 120.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('target_workdays', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(120)
        .check(sql`target_workdays > 0`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('target_workdays').execute();
}
