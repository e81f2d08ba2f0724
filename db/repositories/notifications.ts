import type { Kysely, Transaction } from 'kysely';
import type { Role } from '../../domain/model';
import type { Notice } from '../../domain/projection';
import type { Database, NotificationRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export const notificationsRepo = {
  /** Inserts each notice once: the event id of the change plus the notice's position. */
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
  ): Promise<void> {
    if (n.notices.length === 0) return;
    await db
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
      .execute();
  },

  /** What one user should see: addressed to them, to their role, or (staff) to their department. */
  forUser(
    db: Db,
    u: { id: string; role: Role; departmentCode: string | null },
    limit: number,
    offset: number,
  ): Promise<NotificationRow[]> {
    return db
      .selectFrom('notifications')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('audience_user_id', '=', u.id),
          eb('audience_role', '=', u.role),
          ...(u.departmentCode ? [eb('audience_department', '=', u.departmentCode)] : []),
        ]),
      )
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  },
};
