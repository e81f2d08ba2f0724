import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';

/** A connection or a transaction: the caller owns the transaction (an admin write commits with its audit row). */
type Db = Kysely<Database> | Transaction<Database>;

/** Administrative actions, append-only (the database refuses updates and deletes). */
export const auditRepo = {
  async record(
    db: Db,
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
  list(db: Db, limit: number, offset: number) {
    return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  },
};
