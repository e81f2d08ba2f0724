// Launching a joint review: plan, record, start the workflow — all or nothing.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { buildPlan, PlanError } from '../../domain/plan';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { mattersRepo } from '../../db/repositories/matters';
import type { ApplicationRow, Database } from '../../db/schema';
import {
  applicationWorkflowId,
  SearchAttr,
  type ApplicationWorkflowInput,
  type ClockPolicy,
} from '../../workflows/shared';
import type { UserView } from '../auth';
import { badRequest, conflict } from '../errors';
import type { CreateApplicationInput } from '../schemas';

export interface ApplicationServiceDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  policy: ClockPolicy;
}

const stepId = (applicationId: string, matterCode: string) => `${applicationId}-${matterCode}`;

function requestHash(input: CreateApplicationInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

async function startWorkflow(deps: ApplicationServiceDeps, input: ApplicationWorkflowInput): Promise<void> {
  // Fail fast when Temporal is down: the officer gets a 503 in seconds, not a hanging request.
  await deps.temporal.withDeadline(Date.now() + 8_000, () =>
    deps.temporal.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.applicationId),
      taskQueue: deps.taskQueue,
      args: [input],
      // Same id → same workflow: a retried launch attaches to the one already running.
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
  const steps = await deps.db
    .selectFrom('steps')
    .select([
      'id',
      'matter_code',
      'matter_name',
      'department_code',
      'prerequisites',
      'promised_limit_days',
      'fee_amount_fen',
    ])
    .where('application_id', '=', application.id)
    .orderBy('id')
    .execute();
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
      promisedLimitDays: s.promised_limit_days,
      feeAmountFen: s.fee_amount_fen,
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
        ...err.unknownCodes.map((c) => ({ field: 'body.matters', message: `unknown matter code ${c}` })),
        ...(err.cycle.length ? [{ field: 'body.matters', message: err.message }] : []),
      ]);
    }
    throw err;
  }
}

/**
 * Creates the application and its planned steps and starts its workflow in one transaction:
 * if Temporal refuses, nothing is written. With an Idempotency-Key, a repeated request returns
 * the first application (and makes sure its workflow runs); a different body under the same key is a conflict.
 */
export async function launchApplication(
  deps: ApplicationServiceDeps,
  officer: UserView,
  input: CreateApplicationInput,
  idempotencyKey: string | null,
): Promise<{ application: ApplicationRow; created: boolean }> {
  const hash = requestHash(input);
  if (idempotencyKey) {
    const existing = await applicationsRepo.findByIdempotencyKey(deps.db, officer.id, idempotencyKey);
    if (existing) {
      if (existing.request_hash !== hash) throw conflict('this Idempotency-Key was used for a different request');
      await startWorkflow(deps, await workflowInputFor(deps, existing));
      return { application: existing, created: false };
    }
  }

  const { catalog, plan } = await planFromCatalog(deps.db, input.matters);

  const now = new Date();
  try {
    const id = await deps.db.transaction().execute(async (trx) => {
      const applicationId = await applicationsRepo.nextId(trx, now);
      const steps = plan.map((p) => ({
        id: stepId(applicationId, p.matterCode),
        matterCode: p.matterCode,
        matterName: catalog.get(p.matterCode)!.name,
        departmentCode: catalog.get(p.matterCode)!.departmentCode,
        prerequisites: p.prerequisites,
        promisedLimitDays: catalog.get(p.matterCode)!.promisedLimitDays,
        feeAmountFen: catalog.get(p.matterCode)!.fee?.amountFen ?? null,
        status: p.prerequisites.length === 0 ? ('submitted' as const) : ('blocked' as const),
        submittedAt: p.prerequisites.length === 0 ? now : null,
      }));
      await applicationsRepo.insert(trx, {
        id: applicationId,
        officerId: officer.id,
        project: { ...input.project, code: input.project.code ?? null },
        investor: input.investor,
        idempotencyKey,
        requestHash: hash,
        createdAt: now,
        steps,
      });
      await eventsRepo.append(trx, {
        eventId: `application-${applicationId}#created`,
        applicationId,
        stepId: null,
        event: {
          type: 'application_created',
          at: now.toISOString(),
          actor: { id: officer.id, displayName: officer.displayName },
          detail: {
            matters: input.matters,
            addedPrerequisites: plan.filter((p) => p.addedAsPrerequisite).map((p) => p.matterCode),
          },
        },
      });
      await startWorkflow(deps, {
        applicationId,
        officerId: officer.id,
        policy: deps.policy,
        steps: steps.map((st) => ({
          stepId: st.id,
          matterCode: st.matterCode,
          matterName: st.matterName,
          departmentCode: st.departmentCode,
          prerequisites: st.prerequisites,
          promisedLimitDays: st.promisedLimitDays,
          feeAmountFen: st.feeAmountFen,
        })),
      });
      return applicationId;
    });
    return { application: (await applicationsRepo.find(deps.db, id))!, created: true };
  } catch (err) {
    // Two requests with one key at once: the loser finds the winner's application.
    if (idempotencyKey && (err as { code?: string }).code === '23505') {
      return launchApplication(deps, officer, input, idempotencyKey);
    }
    throw err;
  }
}
