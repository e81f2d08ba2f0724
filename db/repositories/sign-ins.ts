import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Why a sign-in failed (stored as `reason`). */
export type SignInFailure = 'wrong_password' | 'unknown_user' | 'account_disabled' | 'rate_limited';

/** Sign-in history: every attempt with its time, address and user agent; never the password. */
export const signInsRepo = {
  async record(
    db: Db,
    a: {
      username: string;
      userId: string | null;
      succeeded: boolean;
      reason: SignInFailure | null;
      address: string | null;
      userAgent: string | null;
    },
  ): Promise<void> {
    await db
      .insertInto('sign_in_attempts')
      .values({
        username: a.username,
        user_id: a.userId,
        succeeded: a.succeeded,
        reason: a.reason,
        address: a.address,
        user_agent: a.userAgent,
      })
      .execute();
  },

  listOfUser(db: Db, userId: string, limit: number, offset: number) {
    return db
      .selectFrom('sign_in_attempts')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  },

  /** Deletes the sign-in history recorded before `before`; returns how many rows. */
  async purge(db: Db, before: Date): Promise<number> {
    const r = await db.deleteFrom('sign_in_attempts').where('at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
