// What is kept and for how long: the sign-in history and the ended deliveries (addresses, phone
// numbers, message texts) are purged past their retention; what is still due or recent stays.
import { sql } from 'kysely';
import { deliveriesRepo, type NewDelivery } from '../../db/repositories/deliveries';
import { signInsRepo } from '../../db/repositories/sign-ins';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const delivery = (id: string): NewDelivery => ({
  id,
  dedupeKey: `retention:${id}`,
  eventId: `event-${id}`,
  notificationId: null,
  applicationId: null,
  kind: 'accepted',
  channel: 'sms',
  recipientUserId: null,
  recipient: '13912345678',
  subject: null,
  body: '您的申请已受理。',
});

const DAY = 86_400_000;

describe('retention', () => {
  it('when the purges run, then only ended deliveries and sign-ins older than their retention are deleted', async () => {
    const oldSent = '00000000-0000-4000-8000-000000000001';
    const oldPending = '00000000-0000-4000-8000-000000000002';
    const recentSent = '00000000-0000-4000-8000-000000000003';
    await deliveriesRepo.enqueue(db.db, [delivery(oldSent), delivery(oldPending), delivery(recentSent)]);
    await db.db
      .updateTable('deliveries')
      .set({ status: 'sent', sent_at: new Date() })
      .where('id', 'in', [oldSent, recentSent])
      .execute();
    await sql`update deliveries set created_at = now() - interval '200 days' where id in (${oldSent}, ${oldPending})`.execute(
      db.db,
    );

    await signInsRepo.record(db.db, {
      username: 'officer',
      userId: null,
      succeeded: true,
      reason: null,
      address: '10.0.0.1',
      userAgent: null,
    });
    await signInsRepo.record(db.db, {
      username: 'officer',
      userId: null,
      succeeded: true,
      reason: null,
      address: '10.0.0.2',
      userAgent: null,
    });
    await sql`update sign_in_attempts set at = now() - interval '400 days' where address = '10.0.0.1'`.execute(db.db);

    expect(await deliveriesRepo.purgeEnded(db.db, new Date(Date.now() - 180 * DAY))).toBe(1);
    expect(await signInsRepo.purge(db.db, new Date(Date.now() - 365 * DAY))).toBe(1);

    const left = await db.db.selectFrom('deliveries').select('id').orderBy('id').execute();
    // The old one still pending is still to be sent; the recent one is within its retention.
    expect(left.map((r) => r.id)).toEqual([oldPending, recentSent]);
    const signIns = await db.db.selectFrom('sign_in_attempts').select('address').execute();
    expect(signIns.map((r) => r.address)).toEqual(['10.0.0.2']);
  });
});
