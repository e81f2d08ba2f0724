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

export function createWorkingTimeSource(db: Kysely<Database>, workdaySeconds: number | undefined): WorkingTimeSource {
  if (workdaySeconds) {
    const clock = new TrainingClock(workdaySeconds);
    return { current: async () => clock };
  }
  return {
    // Admin entries are few; reading them each time keeps every process in step with edits.
    current: async () => new WorkCalendar(publishedHolidayTable(), await calendarRepo.overrides(db)),
  };
}
