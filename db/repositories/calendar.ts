import type { Kysely, Transaction } from 'kysely';
import type { DayOverride } from '../../domain/calendar';
import type { Database } from '../schema';

/** A connection or a transaction: the caller owns the transaction (an admin write commits with its audit row). */
type Db = Kysely<Database> | Transaction<Database>;

export interface CalendarEntry extends DayOverride {
  note: string;
  createdBy: string;
}

export const calendarRepo = {
  async overrides(db: Db): Promise<CalendarEntry[]> {
    const rows = await db.selectFrom('calendar_days').selectAll().orderBy('date').execute();
    return rows.map((r) => ({ date: r.date, workday: r.workday, note: r.note, createdBy: r.created_by }));
  },
  async put(db: Db, e: CalendarEntry): Promise<void> {
    const values = { workday: e.workday, note: e.note, created_by: e.createdBy };
    await db
      .insertInto('calendar_days')
      .values({ date: e.date, ...values })
      .onConflict((oc) => oc.column('date').doUpdateSet(values))
      .execute();
  },
  async remove(db: Db, date: string): Promise<boolean> {
    const r = await db.deleteFrom('calendar_days').where('date', '=', date).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};
