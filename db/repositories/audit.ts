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
  /** Newest first, filtered: actor (user id or name, exact), action (exact), target (contains), time range. */
  list(
    db: Db,
    limit: number,
    offset: number,
    filter: { actor?: string; action?: string; target?: string; from?: Date; to?: Date } = {},
  ) {
    let q = db.selectFrom('audit_log').selectAll();
    const { actor, action, target, from, to } = filter;
    if (actor) q = q.where((eb) => eb.or([eb('actor_id', '=', actor), eb('actor_name', '=', actor)]));
    if (action) q = q.where('action', '=', action);
    if (target) q = q.where('target', 'ilike', `%${target.replace(/[\\%_]/g, '\\$&')}%`);
    if (from) q = q.where('at', '>=', from);
    if (to) q = q.where('at', '<', to);
    return q.orderBy('id', 'desc').limit(limit).offset(offset).execute();
  },
};
