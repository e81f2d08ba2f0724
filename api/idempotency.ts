// Idempotency-Key on every POST, PUT and DELETE: the same key with the same request returns the
// first answer again (without doing anything twice); the same key with another request is a 409.
// A first request that failed with a 5xx is forgotten, so it can be retried under its key.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { UserView } from './auth';
import { badRequest, conflict, HttpError } from './errors';

/** A first request still unanswered after this long is taken as lost with its process. */
const ABANDONED_AFTER_MS = 120_000;

export function idempotency(db: Kysely<Database>): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    const user = res.locals.user as UserView | undefined;
    if (key === undefined || !user || !['POST', 'PUT', 'DELETE'].includes(req.method)) return next();
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw badRequest('invalid Idempotency-Key', [
        { field: 'header.Idempotency-Key', message: '1-200 visible ASCII characters' },
      ]);
    }
    const hash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');

    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ user_id: user.id, key, request_hash: hash, status_code: null, response: null })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      const first = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('user_id', '=', user.id)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      if (first.request_hash !== hash) throw conflict('this Idempotency-Key was used for a different request');
      if (first.status_code === null) {
        // A first request that never finished (its process died) must not block the key forever.
        if (Date.now() - first.created_at.getTime() > ABANDONED_AFTER_MS) {
          await db
            .deleteFrom('idempotency_keys')
            .where('user_id', '=', user.id)
            .where('key', '=', key)
            .where('status_code', 'is', null)
            .execute();
          throw new HttpError(
            409,
            'conflict',
            'the first request with this Idempotency-Key was lost; send it again',
            undefined,
            {
              'Retry-After': '1',
            },
          );
        }
        throw conflict('a request with this Idempotency-Key is still running; retry shortly');
      }
      res.set('Idempotent-Replayed', 'true').status(first.status_code).json(first.response);
      return;
    }

    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const status = res.statusCode;
      const settle =
        status >= 500
          ? db.deleteFrom('idempotency_keys').where('user_id', '=', user.id).where('key', '=', key).execute()
          : db
              .updateTable('idempotency_keys')
              .set({ status_code: status, response: JSON.stringify(body ?? null) })
              .where('user_id', '=', user.id)
              .where('key', '=', key)
              .execute();
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
