import type { Kysely, Transaction } from 'kysely';
import type { TimelineEvent } from '../../domain/projection';
import type { Database, EventRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export const eventsRepo = {
  /** Appends an event once: a second append with the same event id does nothing. Returns whether it appended. */
  async append(
    db: Db,
    e: { eventId: string; applicationId: string; stepId: string | null; event: TimelineEvent },
  ): Promise<boolean> {
    const r = await db
      .insertInto('events')
      .values({
        event_id: e.eventId,
        application_id: e.applicationId,
        step_id: e.stepId,
        type: e.event.type,
        actor_id: e.event.actor.id,
        actor_name: e.event.actor.displayName,
        at: e.event.at,
        detail: JSON.stringify(e.event.detail),
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  timeline(db: Db, applicationId: string): Promise<EventRow[]> {
    return db.selectFrom('events').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  },
};
