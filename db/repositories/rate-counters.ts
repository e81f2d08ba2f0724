import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';
import { loginFailuresRepo, type LoginAttempt } from './login-failures';

/**
 * Request counters of the anonymous rate limit (api/rate-limit.ts), in fixed windows that start at
 * the first request, kept in the table of failed attempts under their own key prefix (`rate:`) so
 * every API replica shares them; the purge of ended windows (api/background.ts) clears both.
 */
export const rateCountersRepo = {
  /** Counts one request, atomically; a window that is over starts again at 1. */
  hit(db: Kysely<Database>, key: string, windowSeconds: number): Promise<LoginAttempt> {
    return loginFailuresRepo.count(db, `rate:${key}`, windowSeconds);
  },

  async takeBack(db: Kysely<Database>, key: string): Promise<void> {
    await db
      .updateTable('login_failures')
      .set({ failures: sql`greatest(failures - 1, 0)` })
      .where('key', '=', `rate:${key}`)
      .execute();
  },

  async reset(db: Kysely<Database>, key: string): Promise<void> {
    await db.deleteFrom('login_failures').where('key', '=', `rate:${key}`).execute();
  },
};
