// The outbox of deliveries to real channels (email, SMS). Rows are enqueued in the transaction
// that writes their notification; the dispatcher (api/delivery/dispatcher.ts) claims due rows with
// a lease, sends them, and records the outcome under its claim token. Times are the database's
// (now()), so API replicas with skewed clocks agree on leases and backoff.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, DeliveryChannel, DeliveryRow, DeliveryStatus } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewDelivery {
  id: string;
  dedupeKey: string;
  eventId: string;
  notificationId: number | null;
  /** Null for a complaint's or rectification task's notice. */
  applicationId: string | null;
  kind: string;
  channel: DeliveryChannel;
  recipientUserId: string | null;
  recipient: string;
  subject: string | null;
  body: string;
}

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

const interval = (ms: number) => sql<Date>`now() + make_interval(secs => ${ms / 1000})`;

export const deliveriesRepo = {
  /** Inserts each delivery once (by its dedupe key): a projection that runs again enqueues nothing. */
  async enqueue(db: Db, rows: NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await db
      .insertInto('deliveries')
      .values(
        rows.map((r) => ({
          id: r.id,
          dedupe_key: r.dedupeKey,
          event_id: r.eventId,
          notification_id: r.notificationId,
          application_id: r.applicationId,
          kind: r.kind,
          channel: r.channel,
          recipient_user_id: r.recipientUserId,
          recipient: r.recipient,
          subject: r.subject,
          body: r.body,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute();
  },

  /**
   * Claims up to `limit` due deliveries for one dispatcher: pending rows whose next attempt is due,
   * and sending rows whose lease ran out (their sender died or hung). Each claimed row is 'sending'
   * under `token` until `leaseMs` from now, its attempt counted. `for update skip locked`: rows
   * another dispatcher is claiming at this moment are skipped, not waited for, so concurrent
   * dispatchers claim disjoint rows.
   */
  claim(db: Db, c: { limit: number; leaseMs: number; token: string }): Promise<DeliveryRow[]> {
    return db
      .with('due', (w) =>
        w
          .selectFrom('deliveries')
          .select('id')
          .where((eb) =>
            eb.or([
              eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', sql<Date>`now()`)]),
              eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', sql<Date>`now()`)]),
            ]),
          )
          .orderBy('next_attempt_at')
          .limit(c.limit)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('deliveries')
      .set((eb) => ({
        status: 'sending',
        claim_token: c.token,
        lease_until: interval(c.leaseMs),
        attempts: eb('attempts', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .returningAll()
      .execute();
  },

  /**
   * Records the outcome of a claimed delivery, only while the claim still holds it (its lease may
   * have run out and another dispatcher taken it over: then that one records). Returns whether it did.
   */
  async settle(
    db: Db,
    id: string,
    token: string,
    outcome:
      | { status: 'sent' }
      | { status: 'failed' | 'skipped'; error: string }
      | { status: 'pending'; error: string; retryInMs: number },
  ): Promise<boolean> {
    const r = await db
      .updateTable('deliveries')
      .set({
        status: outcome.status,
        claim_token: null,
        lease_until: null,
        updated_at: sql<Date>`now()`,
        ...(outcome.status === 'sent'
          ? { sent_at: sql<Date>`now()`, last_error: null }
          : { last_error: outcome.error }),
        ...(outcome.status === 'pending' ? { next_attempt_at: interval(outcome.retryInMs) } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('claim_token', '=', token)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  /** The admin's retry of a failed or skipped delivery: pending again, due now, attempts from zero. */
  async requeue(db: Db, id: string): Promise<DeliveryRow | undefined> {
    return db
      .updateTable('deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', 'in', ['failed', 'skipped'])
      .returningAll()
      .executeTakeFirst();
  },

  find(db: Db, id: string): Promise<DeliveryRow | undefined> {
    return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Deliveries newest first, of one status or all. */
  list(db: Db, q: { status?: DeliveryStatus; limit: number; offset: number }) {
    return db
      .selectFrom('deliveries')
      .leftJoin('users', 'users.id', 'deliveries.recipient_user_id')
      .selectAll('deliveries')
      .select('users.display_name as recipient_name')
      .$if(q.status !== undefined, (qb) => qb.where('deliveries.status', '=', q.status!))
      .orderBy('deliveries.created_at', 'desc')
      .orderBy('deliveries.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
  },

  /** How many deliveries there are of each status. */
  /** Deletes deliveries created before `before` that have ended (sent, failed, skipped); returns how many. */
  async purgeEnded(db: Db, before: Date): Promise<number> {
    const r = await db
      .deleteFrom('deliveries')
      .where('status', 'in', ['sent', 'failed', 'skipped'])
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },

  async counts(db: Db): Promise<Record<DeliveryStatus, number>> {
    const rows = await db
      .selectFrom('deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  },
};
