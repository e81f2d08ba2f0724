// Failed attempts at a secret (a sign-in, a case number with its query password), counted per key
// in PostgreSQL so every API replica shares the count. Each attempt is counted before the secret is
// checked, atomically, and a successful one is taken back: concurrent guesses cannot slip past.
import type { Kysely } from 'kysely';
import { loginFailuresRepo } from '../db/repositories/login-failures';
import type { Database } from '../db/schema';
import type { AttemptLimit } from '../lib/config';
import { HttpError } from './errors';

/**
 * Runs `check` once every key (e.g. the address and the case number) is within `limit`; a 429
 * with Retry-After when one is over it. `check` answers undefined for a failed attempt (which
 * stays counted) or throws its own error; any other answer is a success and is not counted.
 */
export async function limitedAttempt<T>(
  db: Kysely<Database>,
  keys: string[],
  limit: AttemptLimit,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const attempts = await Promise.all(keys.map((key) => loginFailuresRepo.count(db, key, limit.windowSeconds)));
  const over = attempts.filter((a) => a.failures > limit.maxFailures);
  if (over.length > 0) {
    throw new HttpError(429, 'rate_limited', 'too many failed attempts; try again later', undefined, {
      'Retry-After': String(Math.max(...over.map((a) => a.retryAfterSeconds))),
    });
  }
  const result = await check();
  if (result !== undefined) {
    await Promise.all(keys.map((key, i) => loginFailuresRepo.forgive(db, key, attempts[i]!.windowStartedAt)));
  }
  return result;
}
