// The writes to the read model (steps, applications, sessions, complaints, warnings, the timeline
// and its notices and deliveries), each one transaction and idempotent: a report applied twice,
// or by two writers at once, applies once. The worker runs them as activities (workflows/common.ts
// `project`); the API applies the reports a step's Update answers with before it answers
// (api/routes/steps.ts), so the Update need not wait for the activity. Both call these functions.
import type { Kysely } from 'kysely';
import type { Actor } from '../domain/model';
import type {
  ApplicationReport,
  CaseChange,
  SessionSnapshot,
  StepReport,
  TimelineEvent,
  Notice,
} from '../domain/projection';
import type { ComplaintReport } from '../workflows/complaints-shared';
import type { WarningReport } from '../workflows/warnings-shared';
import { enqueueComplaintDeliveries, enqueueDeliveries } from './outbox';
import { applicationsRepo } from './repositories/applications';
import { complaintsRepo } from './repositories/complaints';
import { eventsRepo } from './repositories/events';
import { notificationsRepo } from './repositories/notifications';
import { sessionsRepo } from './repositories/sessions';
import { stepsRepo } from './repositories/steps';
import { supervisionRepo } from './repositories/supervision';
import { warningsRepo } from './repositories/warnings';
import type { Database } from './schema';

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
  // Emails and the investor's SMS for this change, in its transaction (db/outbox.ts).
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

/** A step's new state, its case changes, its timeline event and notices, in `trx`. */
async function writeStepReport(trx: Db, r: StepReport): Promise<void> {
  await stepsRepo.applyReport(trx, r);
  await applyCaseChanges(trx, r.caseChanges);
  await logEvent(trx, {
    eventId: `${r.workflowId}#a${r.snapshot.attempt}#${r.seq}`,
    applicationId: r.applicationId,
    stepId: r.stepId,
    event: r.event,
    notices: r.notices,
  });
}

/**
 * Applies a step's report unless the read model already holds it or a later one: the API's write of
 * the reports a step's Update answered with (the workflow writes them too, as activities, before its
 * next change: workflows/common.ts, `onAnsweringUpdate`). The check takes the step's row lock, so
 * when the activity came first this does nothing, and when this comes first the activity's write
 * finds everything in place (each part of a report applies once). A later report can only be there
 * first when the API is slow; its earlier ones were then written by the workflow already.
 */
async function applyStepReport(db: Kysely<Database>, r: StepReport): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('steps')
      .select(['attempt', 'seq'])
      .where('id', '=', r.stepId)
      .forUpdate()
      .executeTakeFirst();
    if (row && (row.attempt > r.snapshot.attempt || (row.attempt === r.snapshot.attempt && row.seq >= r.seq))) return;
    await writeStepReport(trx, r);
  });
}

/** The reports a step's Update answered with, in order (the API, before it answers). */
export async function applyAnsweredStepReports(db: Kysely<Database>, reports: readonly StepReport[]): Promise<void> {
  for (const r of reports) await applyStepReport(db, r);
}

/** The read-model writes over one database; the worker's activities of the same names. */
export function createReadModelWrites(db: Kysely<Database>) {
  return {
    /** Writes a step's new state, its timeline event and its notices, once. */
    async projectStep(r: StepReport): Promise<void> {
      // Unguarded, unlike the API's copy: a report arriving after a newer one (which the engine
      // does not send, but a restore or a slow retry could) still logs its event once.
      await db.transaction().execute((trx) => writeStepReport(trx, r));
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
  };
}

export type ReadModelWriteFunctions = ReturnType<typeof createReadModelWrites>;
