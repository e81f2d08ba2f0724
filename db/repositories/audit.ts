import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** Administrative actions, append-only (the database refuses updates and deletes). */
export const auditRepo = {
  async record(
    db: Kysely<Database>,
    e: { actor: { id: string; displayName: string }; action: string; target: string; detail: Record<string, unknown> },
  ): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        actor_id: e.actor.id,
        actor_name: e.actor.displayName,
        action: e.action,
        target: e.target,
        detail: JSON.stringify(e.detail),
      })
      .execute();
  },
  list(db: Kysely<Database>, limit: number, offset: number) {
    return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  },
};
