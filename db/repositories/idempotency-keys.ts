// Stored answers of requests sent with an Idempotency-Key (api/idempotency.ts is the mechanism).
// A key is claimed by one request attempt; only that attempt, and only while no answer is stored,
// may settle or free it.
import type { Kysely, Transaction } from 'kysely';
import type { Database, IdempotencyKeyRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface IdempotencyClaim {
  userId: string;
  key: string;
  attemptId: string;
}

export const idempotencyKeysRepo = {
  /** Claims the key for this attempt; false when another request holds or held it. */
  async claim(db: Db, c: IdempotencyClaim, requestHash: string): Promise<boolean> {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        user_id: c.userId,
        key: c.key,
        request_hash: requestHash,
        status_code: null,
        response: null,
        attempt_id: c.attemptId,
      })
      .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  find(db: Db, userId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
    return db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
  },

  /** Stores the answer of the attempt that holds the key; false when it no longer does or it is settled. */
  async settle(db: Db, c: IdempotencyClaim, status: number, body: unknown): Promise<boolean> {
    const r = await db
      .updateTable('idempotency_keys')
      .set({ status_code: status, response: JSON.stringify(body ?? null) })
      .where('user_id', '=', c.userId)
      .where('key', '=', c.key)
      .where('attempt_id', '=', c.attemptId)
      .where('status_code', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /** Frees a key still pending for this attempt (its request failed, or its process died). */
  async free(db: Db, c: IdempotencyClaim): Promise<boolean> {
    const r = await db
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', c.userId)
      .where('key', '=', c.key)
      .where('attempt_id', '=', c.attemptId)
      .where('status_code', 'is', null)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },

  /** Deletes keys (and their stored answers) created before `before`. */
  async purge(db: Db, before: Date): Promise<number> {
    const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};
