// Activities: every side effect of the workflows. Built from their dependencies so tests
// and workers wire them the same way. Each write is idempotent: retries apply nothing twice.
import type { Kysely } from 'kysely';
import { yellowAfterWorkdays } from '../domain/lights';
import { createReadModelWrites } from '../db/read-model';
import type { Database } from '../db/schema';
import type { WorkingTimeSource } from '../lib/working-time';

export interface ActivityDeps {
  db: Kysely<Database>;
  workingTime: WorkingTimeSource;
}

export function createActivities({ db, workingTime }: ActivityDeps) {
  return {
    ...createReadModelWrites(db),

    /** The absolute deadline N working days after `from` (the day of `from` not counted). */
    async computeDeadline({ from, workdays }: { from: string; workdays: number }): Promise<string> {
      const time = await workingTime.current();
      return time.deadlineAfter(new Date(from), workdays).toISOString();
    },

    /**
     * A step's clock: the end of the (limit + paused)th working day after the anchor, and the
     * moment it turns yellow (the threshold of the light policy, moved by the paused days too).
     */
    async computeClock(c: {
      anchor: string;
      limitDays: number;
      pausedDays: number;
      yellowRatio: number;
      yellowDaysLeft: number;
    }): Promise<{ deadline: string; yellowAt: string }> {
      const time = await workingTime.current();
      const anchor = new Date(c.anchor);
      const yellowDays = yellowAfterWorkdays(c.limitDays, c);
      return {
        deadline: time.deadlineAfter(anchor, c.limitDays + c.pausedDays).toISOString(),
        yellowAt: time.startOfWorkdayAfter(anchor, yellowDays === 0 ? 0 : yellowDays + c.pausedDays).toISOString(),
      };
    },

    /** Working days started after the day of `from`, up to and including the day of `to`. */
    async workdaysBetween({ from, to }: { from: string; to: string }): Promise<number> {
      const time = await workingTime.current();
      return time.workdaysBetween(new Date(from), new Date(to));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
