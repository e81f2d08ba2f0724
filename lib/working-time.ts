// The working-time source for deadlines and "working days left": the real calendar (published
// table + admin entries) or, with WORKDAY_SECONDS, the training clock. Shared by the worker's
// activities and the API, so neither imports the other.
import type { Kysely } from 'kysely';
import { TrainingClock, WorkCalendar, type WorkingTime } from '../domain/calendar';
import { calendarRepo } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { publishedHolidayTable } from './holiday-table';

export interface WorkingTimeSource {
  current(): Promise<WorkingTime>;
}

/** The calendar of the admin entries last read, in this process (the routes make a source per request). */
let lastCalendar: { key: string; calendar: WorkCalendar } | undefined;

export function createWorkingTimeSource(db: Kysely<Database>, workdaySeconds: number | undefined): WorkingTimeSource {
  if (workdaySeconds) {
    const clock = new TrainingClock(workdaySeconds);
    return { current: async () => clock };
  }
  return {
    // Admin entries are few; reading them each time keeps every process in step with edits. The
    // calendar object is kept while they stay the same, so what is derived from it once (the
    // working-day index of the lists, domain/workday-index.ts) serves the next request too.
    current: async () => {
      const overrides = await calendarRepo.overrides(db);
      const key = JSON.stringify(overrides.map((o) => [o.date, o.workday]));
      if (lastCalendar?.key !== key)
        lastCalendar = { key, calendar: new WorkCalendar(publishedHolidayTable(), overrides) };
      return lastCalendar.calendar;
    },
  };
}
