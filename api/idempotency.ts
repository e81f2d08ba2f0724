// Idempotency-Key on every POST, PUT and DELETE: the same key with the same request returns the
// first answer again (without doing anything twice); the same key with another request is a 409.
// This is the only idempotency mechanism of the API. A key is claimed by one request (its attempt
// id) and settled once with that request's answer: by the middleware when the answer goes out, or
// earlier by the handler inside its own transaction (`settleIdempotencyKey`), so that an effect
// and its answer commit together. A settled key is never forgotten before its retention ends
// (api/background.ts purges it). A pending key is freed when its request fails with a 5xx, or
// when it stays unanswered so long that its process is taken as dead.
import { createHash, randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import { idempotencyKeysRepo, type IdempotencyClaim } from '../db/repositories/idempotency-keys';
import type { Database } from '../db/schema';
import type { UserView } from './auth';
import { badRequest, conflict, HttpError } from './errors';

/**
 * A first request still unanswered after this long is taken as lost with its process. Every request
 * is answered well within it: Temporal calls have their own deadline (TEMPORAL_RPC_TIMEOUT_SECONDS)
 * and a draining process answers what still runs after 8 s. A retry that takes over a slow first
 * request is still safe: an Update id is applied once, and a launch settles its key in its transaction.
 */
const ABANDONED_AFTER_MS = 30_000;

const CLAIM = 'idempotencyClaim';

type Db = Kysely<Database> | Transaction<Database>;

const retrySoon = (message: string) => new HttpError(409, 'conflict', message, undefined, { 'Retry-After': '1' });

/** Whose keys the public's anonymous requests use (a key is a random 128-bit value; the request must match too). */
const ANONYMOUS = 'anonymous:public';

/**
 * The middleware; with `anonymous`, requests without a signed-in user (public routes that create
 * something: a complaint, a rating) keep their keys too, all under one anonymous owner.
 */
export function idempotency(db: Kysely<Database>, options: { anonymous?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    const signedIn = res.locals.user as UserView | undefined;
    const user = signedIn ?? (options.anonymous ? { id: ANONYMOUS } : undefined);
    if (key === undefined || !user || !['POST', 'PUT', 'DELETE'].includes(req.method)) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw badRequest('invalid Idempotency-Key', [
        { field: 'header.Idempotency-Key', message: '1-200 visible ASCII characters' },
      ]);
    }
    const hash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');

    const claim: IdempotencyClaim = { userId: user.id, key, attemptId: randomUUID() };
    if (!(await idempotencyKeysRepo.claim(db, claim, hash))) {
      const first = await idempotencyKeysRepo.find(db, user.id, key);
      // Purged between the insert and this read: the key is free again.
      if (!first) throw retrySoon('this Idempotency-Key was just released; send the request again');
      if (first.request_hash !== hash) throw conflict('this Idempotency-Key was used for a different request');
      if (first.status_code === null) {
        // A first request that never finished (its process died) must not block the key forever.
        if (Date.now() - first.created_at.getTime() > ABANDONED_AFTER_MS) {
          if (await idempotencyKeysRepo.free(db, { userId: user.id, key, attemptId: first.attempt_id })) {
            throw retrySoon('the first request with this Idempotency-Key was lost; send it again');
          }
        }
        throw retrySoon('a request with this Idempotency-Key is still running; retry shortly');
      }
      res.set('Idempotent-Replayed', 'true').status(first.status_code).json(first.response);
      return;
    }

    res.locals[CLAIM] = claim;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      // Both are no-ops when the handler already settled the key in its transaction.
      const settle =
        status >= 500 ? idempotencyKeysRepo.free(db, claim) : idempotencyKeysRepo.settle(db, claim, status, body);
      // The answer goes out once its record is kept (or dropped), so a retry sees it.
      void settle.then(
        () => json(body),
        () => json(body),
      );
      return res;
    };
    next();
  };
}

/**
 * Records `status` and `body` as the answer to the request's Idempotency-Key inside the handler's
 * transaction, so that the effect and its answer commit together: a retry finds this answer even
 * if the process dies, or the handler fails, after the commit. Without a key, does nothing.
 * Throws a 409 (and so rolls the transaction back) if the key is no longer this request's, e.g.
 * a retry took it over after 30 s: the retry's effect is then the only one.
 */
export async function settleIdempotencyKey(res: Response, trx: Db, status: number, body: unknown): Promise<void> {
  const claim = res.locals[CLAIM] as IdempotencyClaim | undefined;
  if (!claim) return;
  if (!(await idempotencyKeysRepo.settle(trx, claim, status, body))) {
    throw retrySoon('another request took over this Idempotency-Key; send the request again');
  }
}
