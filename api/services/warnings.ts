// Issuing warnings by hand (人工督办): the row commits first (with the answer of the request's
// Idempotency-Key, in the same transaction), then the workflow `warning-<number>` starts. A start
// that fails is made by recovery (api/background.ts) like a complaint's, so a committed warning
// always gets its workflow (at least once; starting by business id makes a repeated start harmless).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Transaction } from 'kysely';
import type { WarningPolicy, WarningSnapshot } from '../../domain/warnings';
import { applicationsRepo } from '../../db/repositories/applications';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { warningsRepo } from '../../db/repositories/warnings';
import type { CaseRow, Database, StepRow, WarningRow } from '../../db/schema';
import type { Config } from '../../lib/config';
import { createWorkingTimeSource } from '../../lib/working-time';
import { calendarChangedSignal } from '../../workflows/shared';
import { answerWarningCaseUpdate, warningWorkflowId, type WarningWorkflowInput } from '../../workflows/warnings-shared';
import { asActor, type UserView } from '../auth';
import type { AppDeps } from '../deps';
import { HttpError, isTemporalUnavailable, notFound, unavailable } from '../errors';
import { callTemporal } from '../temporal-call';
import { toCaseView } from '../views';
import { stepContextOf, toWarningView } from '../warning-views';

/** The warning rules fixed into each warning's workflow when it starts. */
export const warningPolicy = (config: Config): WarningPolicy => ({
  caseResponseDays: config.clockPolicy.caseResponseDays,
  escalationLevels: config.clockPolicy.escalationLevels,
  yellowRatio: config.clockPolicy.yellowRatio,
  yellowDaysLeft: config.clockPolicy.yellowDaysLeft,
});

/** The warning `id` as `user` reads it now, with its step's matter and project. */
export async function warningViewFor(deps: AppDeps, user: UserView, row: WarningRow) {
  const [view] = await warningViews(deps, user, [row]);
  return view!;
}

/** Many warnings as `user` reads them, each with its step's matter and project (two reads in all). */
export async function warningViews(deps: AppDeps, user: UserView, rows: WarningRow[]) {
  const stepIds = rows.flatMap((w) => (w.step_id ? [w.step_id] : []));
  const steps = new Map((await stepsRepo.findMany(deps.db, stepIds)).map((s) => [s.id, s]));
  const apps = await applicationsRepo.namesOf(
    deps.db,
    rows.flatMap((w) => (w.application_id ? [w.application_id] : [])),
  );
  return rows.map((w) => {
    const step = w.step_id ? steps.get(w.step_id) : undefined;
    const app = w.application_id ? apps.get(w.application_id) : undefined;
    return toWarningView(w, user, step ? stepContextOf(step, app) : undefined);
  });
}

export interface WarningIssue {
  step: StepRow | null;
  departmentCode: string;
  reason: string;
  replyWorkdays: number;
}

/**
 * Records a warning with its number and its first round's deadline (computed as the workflow will,
 * from the same working-time source) in one transaction, in which `recorded` keeps the answer of the
 * request's Idempotency-Key, then starts its workflow. A start that fails is logged and left to
 * recovery: the warning is recorded and numbered.
 */
export async function issueWarning(
  deps: AppDeps,
  user: UserView,
  issue: WarningIssue,
  recorded: (trx: Transaction<Database>, answer: unknown) => Promise<void>,
) {
  const issuedAt = new Date();
  const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
  const replyDueAt = time.deadlineAfter(issuedAt, issue.replyWorkdays);
  const row = await deps.db.transaction().execute(async (trx) => {
    const id = await warningsRepo.nextNumber(trx, issuedAt);
    await warningsRepo.insert(trx, {
      id,
      step: issue.step ? { id: issue.step.id, applicationId: issue.step.application_id } : null,
      departmentCode: issue.departmentCode,
      reason: issue.reason,
      replyWorkdays: issue.replyWorkdays,
      issuedBy: { id: user.id, displayName: user.displayName },
      issuedAt,
      replyDueAt,
    });
    const inserted = (await warningsRepo.find(trx, id))!;
    await recorded(trx, await warningViewFor({ ...deps, db: trx }, user, inserted));
    return inserted;
  });
  await startWarningWorkflowLogged(deps, row.id);
  return warningViewFor(deps, user, (await warningsRepo.find(deps.db, row.id))!);
}

/** The workflow input of a recorded warning, from its row as issued. */
async function workflowInputFor(deps: AppDeps, row: WarningRow): Promise<WarningWorkflowInput> {
  const step = row.step_id ? await stepsRepo.find(deps.db, row.step_id) : undefined;
  return {
    warningId: row.id,
    issuedAt: row.issued_at.toISOString(),
    issuedBy: { id: row.issued_by_id, displayName: row.issued_by },
    departmentCode: row.department_code,
    replyWorkdays: row.reply_workdays,
    reason: row.reason,
    about: step ? { stepId: step.id, applicationId: step.application_id, matterName: step.matter_name } : null,
    policy: warningPolicy(deps.config),
  };
}

/**
 * Starts the workflow of a recorded warning and records that it runs. Safe to call any number of
 * times, concurrently: a running workflow is used as it is, a closed one counts as started.
 */
export async function startWarningWorkflow(deps: AppDeps, warningId: string): Promise<void> {
  const row = await warningsRepo.find(deps.db, warningId);
  if (!row) throw notFound('warning');
  if (row.workflow_started_at) return;
  const input = await workflowInputFor(deps, row);
  try {
    await callTemporal(deps, () =>
      deps.temporal.workflow.start('warningWorkflow', {
        workflowId: warningWorkflowId(warningId),
        taskQueue: deps.config.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  } catch (err) {
    // Only a closed execution refuses the id (REJECT_DUPLICATE): it started long ago.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await warningsRepo.markWorkflowStarted(deps.db, warningId, new Date());
}

/** Starts it now if Temporal answers; otherwise recovery does within a minute. */
export async function startWarningWorkflowLogged(deps: AppDeps, warningId: string): Promise<void> {
  try {
    await startWarningWorkflow(deps, warningId);
  } catch (err) {
    deps.log.warn({ err, warningId }, 'warning workflow not started; recovery will start it');
  }
}

const RECOVER_BATCH = 100;

/** Starts the workflow of every warning recorded more than `olderThanMs` ago and not known started. */
export async function recoverWarnings(
  deps: AppDeps,
  { olderThanMs = 5_000 }: { olderThanMs?: number } = {},
): Promise<{ started: string[]; failed: string[] }> {
  const pending = await warningsRepo.listNotStarted(deps.db, new Date(Date.now() - olderThanMs), RECOVER_BATCH);
  const started: string[] = [];
  const failed: string[] = [];
  for (const id of pending) {
    try {
      await startWarningWorkflow(deps, id);
      started.push(id);
      deps.log.info({ warningId: id }, 'warning recovery started the workflow');
    } catch (err) {
      failed.push(id);
      deps.log.warn({ err, warningId: id }, 'warning recovery could not start the workflow; will retry');
      if (failed.length >= 3) break;
    }
  }
  return { started, failed };
}

/**
 * Runs an Update on the warning's workflow (starting it first if its start is still pending, a
 * harmless repeat). A closed warning's workflow has ended: that is a 409 like the validator's.
 */
export async function updateWarning(
  deps: AppDeps,
  row: WarningRow,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: UpdateDefinition<WarningSnapshot, [any]>,
  args: unknown,
  updateId: string | undefined,
): Promise<WarningSnapshot> {
  const closed = () =>
    new HttpError(409, 'conflict', 'the warning is closed', undefined, {}, { reason: 'warning_closed', params: {} });
  if (row.status === 'closed') throw closed();
  if (!row.workflow_started_at) await startWarningWorkflow(deps, row.id);
  try {
    return await callTemporal(deps, () =>
      deps.temporal.workflow.getHandle(warningWorkflowId(row.id)).executeUpdate(def, { args: [args], updateId }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw closed();
    throw err;
  }
}

/**
 * Tells every open warning that the calendar changed (its deadline is recomputed like the steps').
 * Returns how many were told; throws 503 when Temporal does not answer.
 */
export async function notifyOpenWarnings(deps: AppDeps, note: string): Promise<number> {
  const open = await warningsRepo.openIds(deps.db);
  let unreachable: unknown;
  await callTemporal(deps, () =>
    Promise.all(
      open.map((id) =>
        deps.temporal.workflow
          .getHandle(warningWorkflowId(id))
          .signal(calendarChangedSignal, { note })
          .catch((err: unknown) => {
            if (isTemporalUnavailable(err)) unreachable ??= err;
            else deps.log.warn({ err, warningId: id }, 'calendar change not delivered');
          }),
      ),
    ),
  );
  if (unreachable !== undefined) {
    throw unavailable('the calendar entry is saved, but the open warnings could not be told; send it again', {
      cause: unreachable,
    });
  }
  return open.length;
}

/** The department's answer to a supervision case about a warning's late reply, sent to its workflow. */
export async function answerWarningCase(
  deps: AppDeps,
  user: UserView,
  found: CaseRow,
  answer: string,
  updateId: string | undefined,
) {
  await callTemporal(deps, () =>
    deps.temporal.workflow.getHandle(warningWorkflowId(found.warning_id!)).executeUpdate(answerWarningCaseUpdate, {
      args: [{ actor: asActor(user), caseId: found.id, answer }],
      updateId,
    }),
  );
  return toCaseView((await supervisionRepo.find(deps.db, found.id))!);
}
