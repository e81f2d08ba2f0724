import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { Router, type Response } from 'express';
import type { z } from 'zod';
import { stepsRepo } from '../../db/repositories/steps';
import { acceptUpdate, decideUpdate, stepWorkflowId } from '../../workflows/shared';
import { assertStaffOfStep } from '../access';
import { asActor, authenticate, currentUser, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, conflict, notFound } from '../errors';
import { DecisionBody, EmptyBody, IdParams, InboxQuery } from '../schemas';
import { toStepView } from '../views';
import { validate } from '../validate';

export function createStepsRouter(deps: AppDeps): Router {
  const { db, config, temporal } = deps;
  const router = Router();
  const auth = authenticate(db, config.jwtSecret);

  const loadStep = async (id: string) => {
    const step = await stepsRepo.find(db, id);
    if (!step) throw notFound('step');
    return step;
  };

  /** An Idempotency-Key doubles as the update id: Temporal applies an update id once. */
  const updateId = (res: Response, key: string | undefined): string | undefined => {
    if (key === undefined) return undefined;
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw badRequest('invalid Idempotency-Key', [
        { field: 'header.Idempotency-Key', message: '1-200 visible ASCII characters' },
      ]);
    }
    return `${currentUser(res).id}:${key}`;
  };

  /**
   * Runs an update on the step's workflow. A step becomes visible as submitted a moment before
   * its parent has started the child workflow; an update in that moment waits for it.
   */
  const updateStep = async <Ret, Args extends [unknown]>(
    step: { application_id: string; matter_code: string; status: string },
    def: UpdateDefinition<Ret, Args>,
    args: Args,
    id: string | undefined,
  ): Promise<Ret> => {
    if (step.status === 'blocked') throw conflict('the step is blocked: its prerequisite matters are not yet approved');
    const handle = temporal.workflow.getHandle(stepWorkflowId(step.application_id, step.matter_code));
    for (let attempt = 0; ; attempt++) {
      try {
        return await handle.executeUpdate(def, { args, updateId: id });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  router.get('/api/inbox', auth, requireRole('staff'), validate({ query: InboxQuery }), async (_req, res) => {
    const user = currentUser(res);
    const q = res.locals.query as z.infer<typeof InboxQuery>;
    const steps = await stepsRepo.inbox(db, user.departmentCode!, q.pageSize, (q.page - 1) * q.pageSize);
    res.json(steps.map(toStepView));
  });

  router.get('/api/steps/:id', auth, validate({ params: IdParams }), async (req, res) => {
    const user = currentUser(res);
    const step = await loadStep(req.params.id as string);
    if (user.role === 'staff') assertStaffOfStep(user, step);
    res.json(toStepView(step));
  });

  router.post(
    '/api/steps/:id/accept',
    auth,
    requireRole('staff'),
    validate({ params: IdParams, body: EmptyBody }),
    async (req, res) => {
      const user = currentUser(res);
      const step = await loadStep(req.params.id as string);
      assertStaffOfStep(user, step);
      await updateStep(step, acceptUpdate, [{ actor: asActor(user) }], updateId(res, req.get('Idempotency-Key')));
      res.json(toStepView(await loadStep(step.id)));
    },
  );

  router.post(
    '/api/steps/:id/decision',
    auth,
    requireRole('staff'),
    validate({ params: IdParams, body: DecisionBody }),
    async (req, res) => {
      const user = currentUser(res);
      const step = await loadStep(req.params.id as string);
      assertStaffOfStep(user, step);
      const body = req.body as z.infer<typeof DecisionBody>;
      await updateStep(
        step,
        decideUpdate,
        [{ actor: asActor(user), ...body }],
        updateId(res, req.get('Idempotency-Key')),
      );
      res.json(toStepView(await loadStep(step.id)));
    },
  );

  return router;
}
