// Activities: every side effect of the workflows. Built from their dependencies so tests
// and workers wire them the same way.
import type { Kysely } from 'kysely';
import type { ApplicationReport, StepReport } from '../domain/projection';
import { applicationsRepo } from '../db/repositories/applications';
import { eventsRepo } from '../db/repositories/events';
import { stepsRepo } from '../db/repositories/steps';
import type { Database } from '../db/schema';
import type { WorkingTimeSource } from './calendar';

export interface ActivityDeps {
  db: Kysely<Database>;
  workingTime: WorkingTimeSource;
}

export function createActivities({ db, workingTime }: ActivityDeps) {
  return {
    /** Writes a step's new state and its timeline event, once. */
    async projectStep(r: StepReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await stepsRepo.applyReport(trx, r);
        await eventsRepo.append(trx, {
          eventId: `${r.workflowId}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: r.stepId,
          event: r.event,
        });
      });
    },

    /** Writes an application's new status and its timeline event, once. */
    async projectApplication(r: ApplicationReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await applicationsRepo.applyReport(trx, r);
        await eventsRepo.append(trx, {
          eventId: `${r.workflowId}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: null,
          event: r.event,
        });
      });
    },

    /** The absolute deadline N working days after `from` (the day of `from` not counted). */
    async computeDeadline({ from, workdays }: { from: string; workdays: number }): Promise<string> {
      const time = await workingTime.current();
      return time.deadlineAfter(new Date(from), workdays).toISOString();
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
