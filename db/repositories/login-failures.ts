import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export interface LoginAttempt {
  /** Attempts counted in the current window, this one included. */
  failures: number;
  windowStartedAt: Date;
  /** Seconds until the window ends (by the database clock, shared by every replica). */
  retryAfterSeconds: number;
}

/**
 * Failed sign-ins per key (address and username), in fixed windows that start at the first
 * attempt. Kept in PostgreSQL so every API replica sees the same count.
 */
export const loginFailuresRepo = {
  /**
   * Counts an attempt before the password is checked, in one statement, so concurrent attempts
   * each get their own number (no two pass a check on the same count). A window that is over
   * starts again at 1. Timestamps are kept to the millisecond so `forgive` can name the window.
   */
  async count(db: Kysely<Database>, key: string, windowSeconds: number): Promise<LoginAttempt> {
    const expired = sql<boolean>`login_failures.window_started_at <= now() - ${windowSeconds}::int * interval '1 second'`;
    const row = await db
      .insertInto('login_failures')
      .values({ key, failures: 1, window_started_at: sql`date_trunc('milliseconds', now())` })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql`case when ${expired} then 1 else login_failures.failures + 1 end`,
          window_started_at: sql`case when ${expired} then date_trunc('milliseconds', now()) else login_failures.window_started_at end`,
        }),
      )
      .returning([
        'failures',
        'window_started_at',
        sql<number>`greatest(1, ceil(extract(epoch from window_started_at + ${windowSeconds}::int * interval '1 second' - now())))::int`.as(
          'retry_after_seconds',
        ),
      ])
      .executeTakeFirstOrThrow();
    return {
      failures: row.failures,
      windowStartedAt: row.window_started_at,
      retryAfterSeconds: row.retry_after_seconds,
    };
  },

  /** A successful sign-in does not count: takes its attempt back from the window it was counted in. */
  async forgive(db: Kysely<Database>, key: string, windowStartedAt: Date): Promise<void> {
    await db
      .updateTable('login_failures')
      .set({ failures: sql`greatest(failures - 1, 0)` })
      .where('key', '=', key)
      .where('window_started_at', '=', windowStartedAt)
      .execute();
  },

  /** Rows whose window ended before `before`: nothing left to remember. */
  async purgeExpired(db: Kysely<Database>, before: Date): Promise<number> {
    const r = await db.deleteFrom('login_failures').where('window_started_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
