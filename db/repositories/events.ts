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

  /** The latest event of `type` of each of these steps, by step id. */
  async latestOfType(db: Db, stepIds: readonly string[], type: string): Promise<Map<string, EventRow>> {
    if (stepIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('events')
      .selectAll()
      .distinctOn('step_id')
      .where('step_id', 'in', [...new Set(stepIds)])
      .where('type', '=', type)
      .orderBy('step_id')
      .orderBy('id', 'desc')
      .execute();
    return new Map(rows.map((r) => [r.step_id!, r]));
  },

  /** Every event of one step, oldest first. */
  ofStep(db: Db, stepId: string): Promise<EventRow[]> {
    return db.selectFrom('events').selectAll().where('step_id', '=', stepId).orderBy('id').execute();
  },

  timeline(db: Db, applicationId: string): Promise<EventRow[]> {
    return db.selectFrom('events').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  },
};
