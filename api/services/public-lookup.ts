// A case looked up by the public with its case number and query password (the progress page, and
// whatever else the investor reaches with them). A wrong password answers exactly as an unknown
// case: the same 404, after the same work (one query by case number, one constant-time
// comparison). Failed lookups are counted per address and per case number in PostgreSQL, shared
// by every API replica (api/attempt-limit.ts): past PUBLIC_LOOKUP_MAX_FAILURES within
// PUBLIC_LOOKUP_WINDOW_SECONDS, 429 with Retry-After.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { applicationsRepo } from '../../db/repositories/applications';
import type { ApplicationRow } from '../../db/schema';
import { limitedAttempt } from '../attempt-limit';
import type { AppDeps } from '../deps';
import { HttpError } from '../errors';

/** The one answer to a wrong password and to an unknown case. */
export const CASE_NOT_FOUND_MESSAGE = 'no case with this case number and query password';

/** Compared against when the case is unknown; never a normalised query password (it has lower case). */
const NO_PASSWORD = 'no-such-case';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/** Equal-length digests compared in constant time: the time says nothing about the password. */
const samePassword = (given: string, stored: string) => timingSafeEqual(digest(given), digest(stored));

/** The limiter's keys of a lookup: the caller's address and the case number. */
export const lookupKeys = (req: Request, caseNo: string): string[] => [
  `public-lookup|addr|${ipKeyGenerator(req.ip ?? '')}`,
  `public-lookup|case|${caseNo}`,
];

/** The application of `caseNo` when `password` is its query password (both normalised); else 404 or 429. */
export async function findCaseByPassword(
  deps: AppDeps,
  req: Request,
  caseNo: string,
  password: string,
): Promise<ApplicationRow> {
  const found = await limitedAttempt(deps.db, lookupKeys(req, caseNo), deps.config.publicLookupLimit, async () => {
    const application = await applicationsRepo.findByCaseNo(deps.db, caseNo);
    const matches = samePassword(password, application?.query_password ?? NO_PASSWORD);
    return application && matches ? application : undefined;
  });
  if (!found) throw new HttpError(404, 'not_found', CASE_NOT_FOUND_MESSAGE);
  return found;
}
