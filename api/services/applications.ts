// Launching a joint review: plan, record, then start the workflow. The rows (application, steps,
// the application_created event) commit in one transaction, the workflow starts after it with a
// business id, so a repeated start is harmless; an application whose workflow did not start (Temporal
// down, or the process died between the two) is started by `startApplicationWorkflow` from launch
// recovery (api/background.ts).
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Kysely, Transaction } from 'kysely';
import { queryPasswordFrom } from '../../domain/case-number';
import { buildPlan, PlanError } from '../../domain/plan';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { mattersRepo } from '../../db/repositories/matters';
import { stepsRepo } from '../../db/repositories/steps';
import type { ApplicationRow, Database } from '../../db/schema';
import {
  applicationWorkflowId,
  SearchAttr,
  type ApplicationWorkflowInput,
  type ClockPolicy,
} from '../../workflows/shared';
import type { UserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, HttpError, notFound } from '../errors';
import { callTemporal } from '../temporal-call';
import type { CreateApplicationInput } from '../schemas';

export interface ApplicationServiceDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  policy: ClockPolicy;
  /** The whole-project target fixed into each new application (PROJECT_TARGET_WORKDAYS). */
  targetWorkdays: number;
  /** Deadline of the workflow start: past it the launch answers 503 and recovery starts it later. */
  rpcTimeoutMs: number;
}

export const applicationServiceDeps = (deps: AppDeps): ApplicationServiceDeps => ({
  db: deps.db,
  temporal: deps.temporal,
  taskQueue: deps.config.taskQueue,
  policy: deps.config.clockPolicy,
  targetWorkdays: deps.config.projectTargetWorkdays,
  rpcTimeoutMs: deps.config.temporalRpcTimeoutMs,
});

const stepId = (applicationId: string, matterCode: string) => `${applicationId}-${matterCode}`;

async function startWorkflow(deps: ApplicationServiceDeps, input: ApplicationWorkflowInput): Promise<void> {
  // Fail fast when Temporal is down: the officer gets a 503 in seconds, not a hanging request.
  await deps.temporal.withDeadline(Date.now() + deps.rpcTimeoutMs, () =>
    deps.temporal.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationId),
      taskQueue: deps.taskQueue,
      args: [input],
      // Same id → same workflow: the launch and its recovery (in any replica) may both start it.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SearchAttr.applicationId, value: input.applicationId },
        { key: SearchAttr.departmentCodes, value: [...new Set(input.steps.map((s) => s.departmentCode))].sort() },
        { key: SearchAttr.applicationStatus, value: 'in_progress' },
      ],
    }),
  );
}
/** The workflow input of a recorded application, from its rows (the plan as fixed at launch). */
async function workflowInputFor(
  deps: ApplicationServiceDeps,
  application: ApplicationRow,
): Promise<ApplicationWorkflowInput> {
  const steps = await stepsRepo.planned(deps.db, application.id);
  return {
    applicationId: application.id,
    officerId: application.officer_id,
    policy: deps.policy,
    steps: steps.map((s) => ({
      stepId: s.id,
      matterCode: s.matter_code,
      matterName: s.matter_name,
      departmentCode: s.department_code,
      prerequisites: s.prerequisites,
      // The terms of the catalog version the step was planned on, as recorded at launch.
      promisedLimitDays: s.promised_limit_days,
      feeAmountFen: s.fee_amount_fen,
      statutoryLimitDays: s.statutory_limit_days,
      matterVersion: s.matter_version,
      deemedConsent: s.deemed_consent_policy,
    })),
  };
}

/** The plan of the chosen matters against the current catalog; an unknown code or a cycle is a 400 on `body.matters`. */
export async function planFromCatalog(db: Kysely<Database>, matters: readonly string[]) {
  const catalog = new Map((await mattersRepo.list(db)).map((m) => [m.code, m]));
  try {
    return { catalog, plan: buildPlan(catalog, matters) };
  } catch (err) {
    if (err instanceof PlanError) {
      throw badRequest(err.message, [
        ...err.unknownCodes.map((c) => ({
          field: 'body.matters',
          message: `unknown matter code ${c}`,
          code: 'unknown_matter',
          params: { matterCode: c },
        })),
        ...(err.cycle.length
          ? [
              {
                field: 'body.matters',
                message: err.message,
                code: 'prerequisite_cycle',
                params: { cycle: err.cycle.join(' → ') },
              },
            ]
          : []),
      ]);
    }
    throw err;
  }
}

/**
 * Starts the workflow of a recorded application (its input rebuilt from its rows: the plan as
 * fixed at launch) and records that it runs. Safe to call any number of times, concurrently:
 * a running workflow is used as it is, a closed one counts as started.
 */
export async function startApplicationWorkflow(deps: ApplicationServiceDeps, applicationId: string): Promise<void> {
  const application = await applicationsRepo.find(deps.db, applicationId);
  if (!application) throw notFound('application');
  try {
    await startWorkflow(deps, await workflowInputFor(deps, application));
  } catch (err) {
    // Only a closed execution refuses the id (REJECT_DUPLICATE): it started long ago.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await applicationsRepo.markWorkflowStarted(deps.db, applicationId, new Date());
}

/**
 * Creates the application and its planned steps and its `application_created` event in one
 * transaction (in which `recorded` runs too, e.g. to record the answer to the request's
 * Idempotency-Key), then starts its workflow. A start that fails is returned, not thrown: the
 * application exists and launch recovery starts it.
 */
export async function launchApplication(
  deps: ApplicationServiceDeps,
  officer: UserView,
  input: CreateApplicationInput,
  recorded?: (trx: Transaction<Database>, applicationId: string) => Promise<void>,
): Promise<{ applicationId: string; startError?: unknown }> {
  const { catalog, plan } = await planFromCatalog(deps.db, input.matters);

  const now = new Date();
  const applicationId = await deps.db.transaction().execute(async (trx) => {
    const id = await applicationsRepo.nextId(trx, now);
    const caseNo = await applicationsRepo.nextCaseNo(trx, now);
    await applicationsRepo.insert(trx, {
      id,
      caseNo,
      queryPassword: queryPasswordFrom(randomBytes(16)),
      officerId: officer.id,
      project: { ...input.project, code: input.project.code ?? null },
      investor: input.investor,
      createdAt: now,
      targetWorkdays: deps.targetWorkdays,
      steps: plan.map((p) => {
        const matter = catalog.get(p.matterCode)!;
        return {
          id: stepId(id, p.matterCode),
          matterCode: p.matterCode,
          matterName: matter.name,
          departmentCode: matter.departmentCode,
          prerequisites: p.prerequisites,
          // The current version's terms, pinned: a later catalog change does not reach this step.
          matterVersion: matter.version,
          promisedLimitDays: matter.promisedLimitDays,
          statutoryLimitDays: matter.statutoryLimitDays,
          feeAmountFen: matter.fee?.amountFen ?? null,
          deemedConsent: matter.deemedConsent,
          status: p.prerequisites.length === 0 ? ('submitted' as const) : ('blocked' as const),
          submittedAt: p.prerequisites.length === 0 ? now : null,
        };
      }),
    });
    await eventsRepo.append(trx, {
      eventId: `application-${id}#created`,
      applicationId: id,
      stepId: null,
      event: {
        type: 'application_created',
        at: now.toISOString(),
        actor: { id: officer.id, displayName: officer.displayName },
        detail: {
          caseNo,
          matters: input.matters,
          addedPrerequisites: plan.filter((p) => p.addedAsPrerequisite).map((p) => p.matterCode),
          targetWorkdays: deps.targetWorkdays,
        },
      },
    });
    await recorded?.(trx, id);
    return id;
  });

  try {
    await startApplicationWorkflow(deps, applicationId);
    return { applicationId };
  } catch (err) {
    return { applicationId, startError: err };
  }
}

/**
 * An Update to an application's workflow. The route has found the application, so a workflow that
 * is not found has closed (withdrawn or completed; its report is written before it closes): the
 * answer is a 409 naming the application's status, never a 404 for an application that exists.
 */
export async function updateApplication<Ret, Args extends [unknown, ...unknown[]]>(
  deps: AppDeps,
  applicationId: string,
  def: UpdateDefinition<Ret, Args>,
  options: { args: Args; updateId?: string },
): Promise<Ret> {
  try {
    return await callTemporal(deps, () =>
      deps.temporal.workflow.getHandle(applicationWorkflowId(applicationId)).executeUpdate(def, options),
    );
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const status = (await applicationsRepo.find(deps.db, applicationId))?.status ?? 'closed';
    throw new HttpError(
      409,
      'conflict',
      `the application is ${status}`,
      undefined,
      {},
      {
        reason: 'application_closed',
        params: { status },
      },
    );
  }
}
