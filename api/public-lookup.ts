// The public's secrets: a case number with its query password (ratings; the progress lookup may
// share this), a complaint number with its password (the complaint's follow-up). Every check goes
// through the one failed-attempt limiter (api/attempt-limit.ts), per address and per number, shared
// by every API replica; a wrong password answers exactly like an unknown number: 404, same body.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { normalizeCaseNo, normalizeQueryPassword } from '../domain/case-number';
import { applicationsRepo } from '../db/repositories/applications';
import { complaintsRepo } from '../db/repositories/complaints';
import type { ApplicationRow, ComplaintRow } from '../db/schema';
import { limitedAttempt } from './attempt-limit';
import type { AppDeps } from './deps';
import { notFound } from './errors';

/** Equal strings, compared in constant time (different lengths are simply unequal). */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Limiter keys: the caller's address (one budget for every public lookup) and the number tried. */
const keys = (req: Request, number: string) => [`public-lookup|${ipKeyGenerator(req.ip ?? '')}`, `number|${number}`];

/** The application of `caseNo` when `password` is its query password; else 404 (429 after repeated failures). */
export async function caseByPassword(
  deps: AppDeps,
  req: Request,
  caseNo: string,
  password: string,
): Promise<ApplicationRow> {
  const no = normalizeCaseNo(caseNo);
  const found = await limitedAttempt(deps.db, keys(req, no), deps.config.publicLookupLimit, async () => {
    const application = await applicationsRepo.findByCaseNo(deps.db, no);
    return application && same(application.query_password, normalizeQueryPassword(password)) ? application : undefined;
  });
  if (!found) throw notFound('case');
  return found;
}

/** The complaint of `complaintNo` when `password` is its password; else 404 (429 after repeated failures). */
export async function complaintByPassword(
  deps: AppDeps,
  req: Request,
  complaintNo: string,
  password: string,
): Promise<ComplaintRow> {
  const no = normalizeCaseNo(complaintNo);
  const found = await limitedAttempt(deps.db, keys(req, no), deps.config.publicLookupLimit, async () => {
    const complaint = await complaintsRepo.find(deps.db, no);
    return complaint?.password && same(complaint.password, normalizeQueryPassword(password)) ? complaint : undefined;
  });
  if (!found) throw notFound('complaint');
  return found;
}
