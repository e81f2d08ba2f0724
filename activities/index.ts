// Activities: every side effect of the workflows. Built from their dependencies so tests
// and workers wire them the same way. Each write is idempotent: retries apply nothing twice.
import type { Kysely } from 'kysely';
import { yellowAfterWorkdays } from '../domain/lights';
import type { Actor } from '../domain/model';
import type {
  ApplicationReport,
  CaseChange,
  SessionSnapshot,
  StepReport,
  TimelineEvent,
  Notice,
} from '../domain/projection';
import { applicationsRepo } from '../db/repositories/applications';
import { complaintsRepo } from '../db/repositories/complaints';
import { eventsRepo } from '../db/repositories/events';
import { notificationsRepo } from '../db/repositories/notifications';
import { enqueueComplaintDeliveries, enqueueDeliveries } from './outbox';
import { sessionsRepo } from '../db/repositories/sessions';
import { stepsRepo } from '../db/repositories/steps';
import { supervisionRepo } from '../db/repositories/supervision';
import type { Database } from '../db/schema';
import type { WorkingTimeSource } from '../lib/working-time';
import type { ComplaintReport } from '../workflows/complaints-shared';
import { warningsRepo } from '../db/repositories/warnings';
import type { WarningReport } from '../workflows/warnings-shared';

export interface ActivityDeps {
  db: Kysely<Database>;
  workingTime: WorkingTimeSource;
}

type Db = Parameters<typeof eventsRepo.append>[0];

async function logEvent(
  trx: Db,
  e: { eventId: string; applicationId: string; stepId: string | null; event: TimelineEvent; notices?: Notice[] },
): Promise<void> {
  const eventIsNew = await eventsRepo.append(trx, e);
  const notifications = await notificationsRepo.add(trx, {
    eventId: e.eventId,
    applicationId: e.applicationId,
    stepId: e.stepId,
    type: e.event.type,
    at: e.event.at,
    notices: e.notices ?? [],
  });
  // Emails and the investor's SMS for this change, in its transaction (activities/outbox.ts).
  await enqueueDeliveries(trx, { ...e, eventIsNew, notifications });
}

/** A ladder's case changes, in the transaction of the report that carries them; each applies once. */
async function applyCaseChanges(trx: Db, changes: CaseChange[] = []): Promise<void> {
  for (const c of changes) {
    if (c.kind === 'open') await supervisionRepo.open(trx, c.opening);
    else if (c.kind === 'answer') await supervisionRepo.answer(trx, c);
    else if (c.kind === 'close_step') await supervisionRepo.closeForStep(trx, c);
    else if (c.kind === 'close_warning') await supervisionRepo.closeForWarning(trx, c);
    else await supervisionRepo.closeForComplaint(trx, c);
  }
}

export function createActivities({ db, workingTime }: ActivityDeps) {
  return {
    /** Writes a step's new state, its timeline event and its notices, once. */
    async projectStep(r: StepReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await stepsRepo.applyReport(trx, r);
        await applyCaseChanges(trx, r.caseChanges);
        await logEvent(trx, {
          eventId: `${r.workflowId}#a${r.snapshot.attempt}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: r.stepId,
          event: r.event,
          notices: r.notices,
        });
      });
    },

    /** Writes an application's new status, its timeline event and its notices, once. */
    async projectApplication(r: ApplicationReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await applicationsRepo.applyReport(trx, r);
        await logEvent(trx, {
          eventId: `${r.workflowId}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: null,
          event: r.event,
          notices: r.notices,
        });
      });
    },

    /** Writes a joint session as it stands, its timeline event and its notices, once. */
    async projectSession(r: {
      workflowId: string;
      seq: number;
      applicationId: string;
      session: SessionSnapshot;
      event: TimelineEvent;
      notices?: Notice[];
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await sessionsRepo.apply(trx, r.applicationId, r.seq, r.session);
        await logEvent(trx, {
          eventId: `${r.workflowId}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: null,
          event: r.event,
          notices: r.notices,
        });
      });
    },

    /** Marks never-started steps of a withdrawn application cancelled, with one timeline event each. */
    async cancelBlockedSteps(r: {
      workflowId: string;
      seq: number;
      applicationId: string;
      stepIds: string[];
      reason: string;
      actor: Pick<Actor, 'id' | 'displayName'>;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await stepsRepo.cancelBlocked(trx, r.stepIds, r.at);
        for (const stepId of r.stepIds) {
          await logEvent(trx, {
            eventId: `${r.workflowId}#${r.seq}/${stepId}`,
            applicationId: r.applicationId,
            stepId,
            event: {
              type: 'step_cancelled',
              at: r.at,
              actor: r.actor,
              detail: { reason: r.reason, neverStarted: true },
            },
          });
        }
      });
    },

    /** Marks a step whose workflow ended without a decision as failed, with one timeline event, once. */
    async markStepFailed(r: {
      workflowId: string;
      seq: number;
      applicationId: string;
      stepId: string;
      attempt: number;
      reason: string | null;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await stepsRepo.markFailed(trx, r.stepId, r.attempt, r.at);
        await supervisionRepo.closeForStep(trx, {
          stepId: r.stepId,
          attempt: r.attempt,
          outcome: 'cancelled',
          at: r.at,
        });
        await logEvent(trx, {
          eventId: `${r.workflowId}#${r.seq}`,
          applicationId: r.applicationId,
          stepId: r.stepId,
          event: {
            type: 'step_failed',
            at: r.at,
            actor: { id: 'system', displayName: '系统' },
            detail: { attempt: r.attempt, reason: r.reason },
          },
          notices: [{ audience: { role: 'supervisor' }, code: 'step_failed', params: { stepId: r.stepId } }],
        });
      });
    },

    /** Writes a complaint's new state, its event (permanent record) and its notices, once. */
    async projectComplaint(r: ComplaintReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await complaintsRepo.applyReport(trx, r);
        await applyCaseChanges(trx, r.caseChanges);
        const eventId = `${r.workflowId}#${r.seq}`;
        await complaintsRepo.appendEvent(trx, { eventId, complaintId: r.complaintId, event: r.event });
        const notifications = await notificationsRepo.add(trx, {
          eventId,
          applicationId: null,
          stepId: null,
          type: r.event.type,
          at: r.event.at,
          notices: r.notices,
        });
        await enqueueComplaintDeliveries(trx, { eventId, complaintId: r.complaintId, notifications });
      });
    },

    /**
     * Writes a warning's new state, its event (permanent record) and its notices, once. A warning
     * about a step also puts the event on its application's timeline (with the step), and its
     * notices go out like the step's own (emails included); a department's warning has no
     * application, its notices stay in the app, like a complaint's.
     */
    async projectWarning(r: WarningReport): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await warningsRepo.applyReport(trx, r);
        await applyCaseChanges(trx, r.caseChanges);
        const eventId = `${r.workflowId}#${r.seq}`;
        await warningsRepo.appendEvent(trx, { eventId, warningId: r.warningId, event: r.event });
        if (r.applicationId) {
          await logEvent(trx, {
            eventId,
            applicationId: r.applicationId,
            stepId: r.stepId,
            event: r.event,
            notices: r.notices,
          });
        } else {
          await notificationsRepo.add(trx, {
            eventId,
            applicationId: null,
            stepId: null,
            type: r.event.type,
            at: r.event.at,
            notices: r.notices,
          });
        }
      });
    },

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
