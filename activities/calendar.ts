// The working-time source for deadlines: the real calendar (published table + admin
// entries) or, with WORKDAY_SECONDS, the training clock.
import type { Kysely } from 'kysely';
import { TrainingClock, WorkCalendar, type WorkingTime } from '../domain/calendar';
import { calendarRepo } from '../db/repositories/calendar';
import type { Database } from '../db/schema';
import { publishedHolidayTable } from '../lib/holiday-table';

export interface WorkingTimeSource {
  current(): Promise<WorkingTime>;
}

export function createWorkingTimeSource(db: Kysely<Database>, workdaySeconds: number | undefined): WorkingTimeSource {
  if (workdaySeconds) {
    const clock = new TrainingClock(workdaySeconds);
    return { current: async () => clock };
  }
  return {
    // Admin entries are few; reading them each time keeps every worker in step with edits.
    current: async () => new WorkCalendar(publishedHolidayTable(), await calendarRepo.overrides(db)),
  };
}
