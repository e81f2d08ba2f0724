// Department steps: the inbox, one step, and every action on a step, each sent to the step's
// workflow as an Update. The declaration authorizes first (role, then the step's department or
// the application's officer); the workflow's validator is the last line and decides on the state.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { Role } from '../../domain/model';
import { applyAnsweredStepReports } from '../../db/read-model';
import { CLOSED_STEP_STATUSES, inputRefusal } from '../../domain/step-rules';
import { stepsRepo } from '../../db/repositories/steps';
import { usersRepo } from '../../db/repositories/users';
import type { StepRow } from '../../db/schema';
import { createWorkingTimeSource } from '../../lib/working-time';
import {
  acceptUpdate,
  decideUpdate,
  endSpecialProcedureUpdate,
  extendUpdate,
  reassignUpdate,
  recordPaymentUpdate,
  requestSupplementUpdate,
  startSpecialProcedureUpdate,
  stepWorkflowId,
  supplementUpdate,
  urgeUpdate,
  type StepAnswer,
} from '../../workflows/shared';
import { scopes, stepViewer, stepViewerFor, type Scope } from '../access';
import { asActor, type UserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, conflict, HttpError } from '../errors';
import {
  DecisionBody,
  EmptyBody,
  EndSpecialProcedureBody,
  ExtensionBody,
  IdParams,
  InboxQuery,
  PaymentBody,
  ReassignBody,
  SpecialProcedureBody,
  SupplementBody,
  SupplementRequestBody,
  UrgeBody,
} from '../schemas';
import { withContexts } from '../services/step-context';
import { callTemporal } from '../temporal-call';
import { stepFacts, toStepView, withRemaining } from '../views';
import { defineRoute, type AnyRoute } from './define';

const ALL: readonly Role[] = ['officer', 'staff', 'supervisor', 'cashier', 'admin'];

/**
 * Runs an update on the step's workflow. A step shows as submitted a moment before its parent
 * has started the child workflow; an update in that moment waits for it. The whole of it, the
 * waiting included, runs under one deadline: past it the request answers 503, and a retry with
 * the same Idempotency-Key sends the same update id, which Temporal applies once.
 */
async function updateStep(
  deps: AppDeps,
  step: StepRow,
  // Each action pairs its own body schema with its own update; the caller keeps the pairing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: UpdateDefinition<StepAnswer, [any]>,
  args: unknown,
  updateId: string | undefined,
) {
  if (step.status === 'blocked') throw conflict('the step is blocked: its prerequisite matters are not yet approved');
  if ((CLOSED_STEP_STATUSES as readonly string[]).includes(step.status)) throw conflict(`the step is ${step.status}`);
  const handle = deps.temporal.workflow.getHandle(stepWorkflowId(step.application_id, step.matter_code));
  const answer = await callTemporal(deps, async (deadline) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await handle.executeUpdate(def, { args: [args], updateId });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // Closed meanwhile (decided or cancelled): the read model catches up in a moment.
        if (attempt >= 25 || Date.now() + 200 >= deadline) throw conflict('the step is no longer open');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
  // The change is in the workflow's history; its reports reach the read model now, so the answer
  // and the user's next read show it (the workflow's own activity applies them too, once).
  await applyAnsweredStepReports(deps.db, answer.reports);
  return answer;
}

interface StepAction<B> {
  path: string;
  summary: string;
  tag: string;
  access: readonly Role[];
  /** The step, loaded and scoped: staff of its department, the officer of its application, or the role alone. */
  scope: Scope<StepRow>;
  body: z.ZodType<B>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  update: UpdateDefinition<StepAnswer, [any]>;
  args?: (deps: AppDeps, body: B, step: StepRow) => Promise<Record<string, unknown>> | Record<string, unknown>;
  success?: number;
}

/** POST /api/steps/:id/<path>: the Update, then the step as it reads now, for the caller. */
const stepAction = <B>(a: StepAction<B>) =>
  defineRoute({
    method: 'post',
    path: `/api/steps/:id/${a.path}`,
    summary: a.summary,
    tag: a.tag,
    access: a.access,
    scope: a.scope,
    params: IdParams,
    body: a.body,
    success: a.success ?? 200,
    idempotent: true,
    handler: async ({ deps, user, body, resource: step, updateId }) => {
      const args = { actor: asActor(user), ...(a.args ? await a.args(deps, body, step) : body) };
      await updateStep(deps, step, a.update, args, updateId);
      const now = (await stepsRepo.find(deps.db, step.id))!;
      return toStepView(now, await viewerOf(deps, user, a.scope, step));
    },
  });

/** The caller of a step action as the answer's view sees them: only the owner scope is the application's officer. */
const viewerOf = (deps: AppDeps, user: UserView, scope: Scope<StepRow>, step: StepRow) =>
  scope === scopes.ownedStep ? stepViewer(user, true, deps.config) : stepViewerFor(deps, user, step.application_id);

export const stepRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/inbox',
    summary: "Open steps of the user's department, soonest deadline first",
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentList,
    query: InboxQuery,
    handler: async ({ deps, user, query, resource }) => {
      const steps = await stepsRepo.inbox(
        deps.db,
        resource.departmentCode!,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      );
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const viewer = stepViewer(user, false, deps.config);
      // Each row also names its project and investor, its last urge and its open supervision case.
      return withContexts(
        deps.db,
        steps,
        steps.map((s) => withRemaining(toStepView(s, viewer), time)),
      );
    },
  }),

  // 已办: what the department has finished, the most recent first.
  defineRoute({
    method: 'get',
    path: '/api/inbox/done',
    summary: "Finished steps of the user's department (已办), the most recent first",
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentList,
    query: InboxQuery,
    handler: async ({ deps, user, query, resource }) => {
      const steps = await stepsRepo.done(
        deps.db,
        resource.departmentCode!,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      );
      const viewer = stepViewer(user, false, deps.config);
      return withContexts(
        deps.db,
        steps,
        steps.map((s) => toStepView(s, viewer)),
      );
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/steps/:id',
    summary: 'One step, with its project, investor, last urge and open supervision case',
    tag: 'steps',
    access: ALL,
    scope: scopes.departmentStep,
    params: IdParams,
    handler: async ({ deps, user, resource: step }) => {
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const view = withRemaining(toStepView(step, await stepViewerFor(deps, user, step.application_id)), time);
      return (await withContexts(deps.db, [step], [view]))[0];
    },
  }),

  stepAction({
    path: 'accept',
    summary: 'Accept (受理): the promised clock starts',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: EmptyBody,
    update: acceptUpdate,
    args: () => ({}),
  }),
  stepAction({
    path: 'supplement-request',
    summary: 'Ask for a correction (补正), listing every missing item; the clock stops',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: SupplementRequestBody,
    update: requestSupplementUpdate,
  }),
  stepAction({
    path: 'supplement',
    summary: 'Supply the correction; the deadline moves by the paused working days',
    tag: 'steps',
    access: ['officer'],
    scope: scopes.ownedStep,
    body: SupplementBody,
    update: supplementUpdate,
  }),
  stepAction({
    path: 'special-procedure',
    summary: 'Start a special procedure (听证、检验、检测、鉴定、专家评审); the clock stops',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: SpecialProcedureBody,
    update: startSpecialProcedureUpdate,
  }),
  stepAction({
    path: 'special-procedure/end',
    summary: 'End the special procedure; the clock resumes',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: EndSpecialProcedureBody,
    update: endSpecialProcedureUpdate,
  }),
  stepAction({
    path: 'decision',
    summary: 'Decide: approve (with certificate) or reject (with reasons)',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: DecisionBody,
    update: decideUpdate,
  }),
  stepAction({
    path: 'reassign',
    summary: 'Reassign within the department',
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentStep,
    body: ReassignBody,
    update: reassignUpdate,
    args: async (deps, body, step) => {
      const assignee = await usersRepo.findById(deps.db, body.assigneeId);
      if (
        !assignee ||
        assignee.disabled ||
        assignee.role !== 'staff' ||
        assignee.department_code !== step.department_code
      ) {
        throw badRequest('unknown assignee', [
          {
            field: 'body.assigneeId',
            message: `not an active staff member of department ${step.department_code}`,
            code: 'unknown_assignee',
            params: { departmentCode: step.department_code },
          },
        ]);
      }
      return { assignee: { id: assignee.id, displayName: assignee.display_name } };
    },
  }),
  stepAction({
    path: 'extension',
    summary:
      'Extend the limit once, before the deadline, never past the statutory limit plus 10 working days ' +
      '(行政许可法 第42条; beyond the statutory limit with the head named in approvedBy)',
    tag: 'supervision',
    access: ['supervisor'],
    scope: scopes.step,
    body: ExtensionBody,
    update: extendUpdate,
    // The legal cap is the step's own (its catalog version's limits): refused here naming the field,
    // and again by the workflow's validator, which decides on the step's current state.
    args: (_deps, body, step) => {
      const r = inputRefusal({ action: 'extend', ...body, step: stepFacts(step) });
      if (r) {
        const field = r.code === 'head_approval_required' ? 'body.approvedBy' : 'body.workdays';
        throw new HttpError(
          400,
          'invalid_request',
          r.message,
          [{ field, message: r.message, code: r.code, params: r.params }],
          {},
          { reason: r.code, params: r.params },
        );
      }
      return body;
    },
  }),
  stepAction({
    path: 'urge',
    summary: 'Urge (催办); throttled per step',
    tag: 'supervision',
    access: ['supervisor'],
    scope: scopes.step,
    body: UrgeBody,
    update: urgeUpdate,
    success: 202,
  }),
  stepAction({
    path: 'payment',
    summary: 'Record the payment of the catalog fee',
    tag: 'fees',
    access: ['cashier'],
    scope: scopes.step,
    body: PaymentBody,
    update: recordPaymentUpdate,
  }),
];
