// Department steps: the inbox, and every action on a step, each sent to the step's workflow
// as an Update. The API authorizes first (role, department, ownership); the workflow's
// validator is the last line and decides on the state.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { Router, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { applicationsRepo } from '../../db/repositories/applications';
import { stepsRepo } from '../../db/repositories/steps';
import { usersRepo } from '../../db/repositories/users';
import type { StepRow } from '../../db/schema';
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
} from '../../workflows/shared';
import type { StepSnapshot } from '../../domain/projection';
import { assertOfficerOwns, assertStaffOfStep } from '../access';
import { asActor, currentUser, type UserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, conflict, notFound } from '../errors';
import { callTemporal } from '../temporal-call';
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
import { toStepView, withRemaining } from '../views';
import { createWorkingTimeSource } from '../../activities/calendar';
import { validate } from '../validate';

/**
 * An Idempotency-Key (checked by the idempotency middleware) doubles as the update id:
 * Temporal applies an update id once, even if the stored answer was lost.
 */
export function updateIdFrom(res: Response, key: string | undefined): string | undefined {
  return key === undefined ? undefined : `${currentUser(res).id}:${key}`;
}

interface StepAction<Body> {
  path: string;
  body: z.ZodType<Body>;
  /** Scoping beyond the role: staff of the step's department, the officer who launched it. */
  scope: 'department' | 'owner' | 'none';
  // Each action pairs its own body schema with its own update; the table erases the pairing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  update: UpdateDefinition<StepSnapshot, [any]>;
  args: (body: Body, user: UserView, step: StepRow) => Promise<Record<string, unknown>> | Record<string, unknown>;
  status?: number;
}

export function createStepsRouter(deps: AppDeps): Router {
  const { db, config, temporal } = deps;
  const router = Router();
  const workingTime = createWorkingTimeSource(db, config.workdaySeconds);

  const loadStep = async (id: string) => {
    const step = await stepsRepo.find(db, id);
    if (!step) throw notFound('step');
    return step;
  };

  /**
   * Runs an update on the step's workflow. A step shows as submitted a moment before its parent
   * has started the child workflow; an update in that moment waits for it. The whole of it, the
   * waiting included, runs under one deadline: past it the request answers 503, and a retry with
   * the same Idempotency-Key sends the same update id, which Temporal applies once.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const updateStep = async (step: StepRow, def: UpdateDefinition<StepSnapshot, [any]>, args: unknown, id?: string) => {
    if (step.status === 'blocked') throw conflict('the step is blocked: its prerequisite matters are not yet approved');
    if (['approved', 'rejected', 'cancelled', 'failed'].includes(step.status))
      throw conflict(`the step is ${step.status}`);
    const handle = temporal.workflow.getHandle(stepWorkflowId(step.application_id, step.matter_code));
    return callTemporal(deps, async (deadline) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await handle.executeUpdate(def, { args: [args], updateId: id });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // Closed meanwhile (decided or cancelled): the read model catches up in a moment.
          if (attempt >= 25 || Date.now() + 200 >= deadline) throw conflict('the step is no longer open');
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    });
  };

  router.get('/api/inbox', validate({ query: InboxQuery }), async (_req, res) => {
    const user = currentUser(res);
    const q = res.locals.query as z.infer<typeof InboxQuery>;
    const steps = await stepsRepo.inbox(db, user.departmentCode!, q.pageSize, (q.page - 1) * q.pageSize);
    const time = await workingTime.current();
    res.json(steps.map((s) => withRemaining(toStepView(s), time)));
  });

  router.get('/api/steps/:id', validate({ params: IdParams }), async (req, res) => {
    const user = currentUser(res);
    const step = await loadStep(req.params.id as string);
    if (user.role === 'staff') assertStaffOfStep(user, step);
    res.json(toStepView(step));
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const actions: Array<StepAction<any>> = [
    { path: 'accept', body: EmptyBody, scope: 'department', update: acceptUpdate, args: () => ({}) },
    {
      path: 'supplement-request',
      body: SupplementRequestBody,
      scope: 'department',
      update: requestSupplementUpdate,
      args: (b: z.infer<typeof SupplementRequestBody>) => b,
    },
    {
      path: 'supplement',
      body: SupplementBody,
      scope: 'owner',
      update: supplementUpdate,
      args: (b: z.infer<typeof SupplementBody>) => b,
    },
    {
      path: 'special-procedure',
      body: SpecialProcedureBody,
      scope: 'department',
      update: startSpecialProcedureUpdate,
      args: (b: z.infer<typeof SpecialProcedureBody>) => b,
    },
    {
      path: 'special-procedure/end',
      body: EndSpecialProcedureBody,
      scope: 'department',
      update: endSpecialProcedureUpdate,
      args: (b: z.infer<typeof EndSpecialProcedureBody>) => b,
    },
    {
      path: 'decision',
      body: DecisionBody,
      scope: 'department',
      update: decideUpdate,
      args: (b: z.infer<typeof DecisionBody>) => b,
    },
    {
      path: 'extension',
      body: ExtensionBody,
      scope: 'none',
      update: extendUpdate,
      args: (b: z.infer<typeof ExtensionBody>) => b,
    },
    {
      path: 'urge',
      body: UrgeBody,
      scope: 'none',
      update: urgeUpdate,
      args: (b: z.infer<typeof UrgeBody>) => b,
      status: 202,
    },
    {
      path: 'reassign',
      body: ReassignBody,
      scope: 'department',
      update: reassignUpdate,
      args: async (b: z.infer<typeof ReassignBody>, _user, step) => {
        const assignee = await usersRepo.findById(db, b.assigneeId);
        if (
          !assignee ||
          assignee.disabled ||
          assignee.role !== 'staff' ||
          assignee.department_code !== step.department_code
        ) {
          throw badRequest('unknown assignee', [
            { field: 'body.assigneeId', message: `not an active staff member of department ${step.department_code}` },
          ]);
        }
        return { assignee: { id: assignee.id, displayName: assignee.display_name } };
      },
    },
    {
      path: 'payment',
      body: PaymentBody,
      scope: 'none',
      update: recordPaymentUpdate,
      args: (b: z.infer<typeof PaymentBody>) => b,
    },
  ];

  for (const action of actions) {
    const handler: RequestHandler = async (req, res) => {
      const user = currentUser(res);
      const step = await loadStep(req.params.id as string);
      if (action.scope === 'department') assertStaffOfStep(user, step);
      if (action.scope === 'owner') {
        const application = await applicationsRepo.find(db, step.application_id);
        assertOfficerOwns(user, application!, config);
      }
      const args = { actor: asActor(user), ...(await action.args(req.body, user, step)) };
      await updateStep(step, action.update, args, updateIdFrom(res, req.get('Idempotency-Key')));
      res.status(action.status ?? 200).json(toStepView(await loadStep(step.id)));
    };
    router.post(`/api/steps/:id/${action.path}`, validate({ params: IdParams, body: action.body }), handler);
  }

  return router;
}
