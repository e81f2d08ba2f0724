import type { Kysely, Transaction } from 'kysely';
import type { SessionSnapshot } from '../../domain/projection';
import type { Database, SessionRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export const sessionsRepo = {
  /** Writes the session as the workflow reports it, unless a newer report is already there. */
  async apply(db: Db, applicationId: string, seq: number, s: SessionSnapshot): Promise<void> {
    const values = {
      kind: s.kind,
      topic: s.topic,
      scheduled_at: s.scheduledAt,
      location: s.location,
      invited_departments: JSON.stringify(s.invitedDepartments),
      status: s.status,
      opinions: JSON.stringify(s.opinions),
      minutes: s.minutes,
      closed_at: s.closedAt ? new Date(s.closedAt) : null,
      seq,
    };
    await db
      .insertInto('joint_sessions')
      .values({ id: s.id, application_id: applicationId, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values).where('joint_sessions.seq', '<', seq))
      .execute();
  },

  listByApplication(db: Db, applicationId: string): Promise<SessionRow[]> {
    return db
      .selectFrom('joint_sessions')
      .selectAll()
      .where('application_id', '=', applicationId)
      .orderBy('scheduled_at')
      .execute();
  },

  find(db: Db, id: string): Promise<SessionRow | undefined> {
    return db.selectFrom('joint_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  },
};
