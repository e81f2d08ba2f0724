import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuthSessionRow, Database, UserRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Sign-in sessions: one per issued token (`jti`), live until it expires or is revoked. */
export const authSessionsRepo = {
  async open(
    db: Db,
    s: { id: string; userId: string; expiresAt: Date; userAgent: string | null; address: string | null },
  ): Promise<void> {
    await db
      .insertInto('auth_sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        expires_at: s.expiresAt,
        user_agent: s.userAgent,
        address: s.address,
      })
      .execute();
  },

  /**
   * The session and its user, in one statement by both primary keys (it runs on every request).
   */
  findWithUser(db: Db, id: string): Promise<(UserRow & { s_expires_at: Date; s_revoked_at: Date | null }) | undefined> {
    return db
      .selectFrom('auth_sessions as s')
      .innerJoin('users', 'users.id', 's.user_id')
      .selectAll('users')
      .select(['s.expires_at as s_expires_at', 's.revoked_at as s_revoked_at'])
      .where('s.id', '=', id)
      .executeTakeFirst();
  },

  listOfUser(db: Db, userId: string, limit = 100): Promise<AuthSessionRow[]> {
    return db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('issued_at', 'desc')
      .limit(limit)
      .execute();
  },

  /** Revokes one live session of this user; returns whether it was live. */
  async revoke(db: Db, userId: string, id: string): Promise<boolean> {
    const r = await db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  find(db: Db, userId: string, id: string): Promise<AuthSessionRow | undefined> {
    return db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  },

  /** Revokes every live session of the user (but `except`); returns how many. */
  async revokeAll(db: Db, userId: string, except?: string): Promise<number> {
    let q = db
      .updateTable('auth_sessions')
      .set({ revoked_at: sql`now()` })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`);
    if (except) q = q.where('id', '!=', except);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  /** Sessions that ended (expired) before `before`: their tokens are dead, the rows only take room. */
  async purgeExpired(db: Db, before: Date): Promise<number> {
    const r = await db.deleteFrom('auth_sessions').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
