import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Role } from '../../domain/model';
import type { Notice } from '../../domain/projection';
import type { Database, NotificationRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;
type Reader = { id: string; role: Role; departmentCode: string | null };

/** The notifications one user sees: addressed to them, to their role, or (staff) to their department. */
const visibleTo = (u: Reader) => (eb: ExpressionBuilder<Database, 'notifications'>) =>
  eb.or([
    eb('notifications.audience_user_id', '=', u.id),
    eb('notifications.audience_role', '=', u.role),
    ...(u.departmentCode ? [eb('notifications.audience_department', '=', u.departmentCode)] : []),
  ]);

/** Read by this user: at or below their "all read" mark, or read one by one since. */
const readBy = (userId: string) => (eb: ExpressionBuilder<Database, 'notifications'>) =>
  eb.or([
    eb(
      'notifications.id',
      '<=',
      eb.selectFrom('users').select('users.notices_read_through').where('users.id', '=', userId),
    ),
    eb.exists(
      eb
        .selectFrom('notification_reads')
        .select(sql`1`.as('one'))
        .where('notification_reads.user_id', '=', userId)
        .whereRef('notification_reads.notification_id', '=', 'notifications.id'),
    ),
  ]);

export type InsertedNotification = Pick<
  NotificationRow,
  'id' | 'audience_role' | 'audience_department' | 'audience_user_id' | 'code' | 'params'
>;

export const notificationsRepo = {
  /** Inserts each notice once: the event id of the change plus the notice's position. Returns those inserted now. */
  async add(
    db: Db,
    n: {
      eventId: string;
      applicationId: string | null;
      stepId: string | null;
      type: string;
      at: string;
      notices: Notice[];
    },
  ): Promise<InsertedNotification[]> {
    if (n.notices.length === 0) return [];
    return db
      .insertInto('notifications')
      .values(
        n.notices.map((notice, i) => ({
          event_id: `${n.eventId}/${i}`,
          audience_role: notice.audience.role ?? null,
          audience_department: notice.audience.departmentCode ?? null,
          audience_user_id: notice.audience.userId ?? null,
          application_id: n.applicationId,
          step_id: n.stepId,
          type: n.type,
          code: notice.code,
          params: JSON.stringify(notice.params),
          created_at: n.at,
        })),
      )
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning(['id', 'audience_role', 'audience_department', 'audience_user_id', 'code', 'params'])
      .execute();
  },

  /** What one user should see, newest first, each with whether they have read it. */
  async forUser(db: Db, u: Reader, limit: number, offset: number): Promise<Array<NotificationRow & { read: boolean }>> {
    const rows = await db
      .selectFrom('notifications')
      .selectAll('notifications')
      .select((eb) => readBy(u.id)(eb).as('read'))
      .where(visibleTo(u))
      .orderBy('notifications.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({ ...r, read: Boolean(r.read) }));
  },

  /** How many of the notifications the user sees they have not read. */
  async unreadCount(db: Db, u: Reader): Promise<number> {
    const r = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(visibleTo(u))
      .where((eb) => eb.not(readBy(u.id)(eb)))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Whether the user sees this notification (it exists and is addressed to them). */
  async visible(db: Db, u: Reader, id: number): Promise<boolean> {
    const r = await db
      .selectFrom('notifications')
      .select('notifications.id')
      .where('notifications.id', '=', id)
      .where(visibleTo(u))
      .executeTakeFirst();
    return r !== undefined;
  },

  /** Marks one notification read by the user (again: nothing changes). */
  async markRead(db: Db, userId: string, id: number): Promise<void> {
    await db
      .insertInto('notification_reads')
      .values({ user_id: userId, notification_id: id })
      .onConflict((oc) => oc.columns(['user_id', 'notification_id']).doNothing())
      .execute();
  },

  /**
   * Marks everything the user sees up to now read: their mark moves to the newest notification
   * (never back), and the single reads it covers are dropped.
   */
  async markAllRead(db: Db, userId: string): Promise<void> {
    const newest = db
      .selectFrom('notifications')
      .select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('m'));
    await db
      .updateTable('users')
      .set({ notices_read_through: sql<number>`greatest(notices_read_through, (${newest}))` })
      .where('id', '=', userId)
      .execute();
    await db
      .deleteFrom('notification_reads')
      .where('user_id', '=', userId)
      .where('notification_id', '<=', db.selectFrom('users').select('notices_read_through').where('id', '=', userId))
      .execute();
  },
};
