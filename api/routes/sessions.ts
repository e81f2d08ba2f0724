// Joint sessions (联合踏勘 / 联审会): invited departments record opinions; the officer closes.
import { Router } from 'express';
import type { z } from 'zod';
import { applicationsRepo } from '../../db/repositories/applications';
import { sessionsRepo } from '../../db/repositories/sessions';
import { applicationWorkflowId, closeSessionUpdate, recordOpinionUpdate } from '../../workflows/shared';
import { assertOfficerOwns } from '../access';
import { asActor, currentUser } from '../auth';
import type { AppDeps } from '../deps';
import { forbidden, notFound } from '../errors';
import { CloseSessionBody, OpinionBody, SessionIdParams } from '../schemas';
import { callTemporal } from '../temporal-call';
import { validate } from '../validate';
import { updateIdFrom } from './steps';

export function createSessionsRouter(deps: AppDeps): Router {
  const { db, temporal, config } = deps;
  const router = Router();

  const loadSession = async (id: string) => {
    const session = await sessionsRepo.find(db, id);
    if (!session) throw notFound('session');
    return session;
  };

  router.post(
    '/api/sessions/:id/opinions',
    validate({ params: SessionIdParams, body: OpinionBody }),
    async (req, res) => {
      const user = currentUser(res);
      const session = await loadSession(req.params.id as string);
      if (!session.invited_departments.includes(user.departmentCode!)) {
        throw forbidden('your department is not invited to this session');
      }
      const body = req.body as z.infer<typeof OpinionBody>;
      const result = await callTemporal(deps, () =>
        temporal.workflow.getHandle(applicationWorkflowId(session.application_id)).executeUpdate(recordOpinionUpdate, {
          args: [{ actor: asActor(user), sessionId: session.id, ...body }],
          updateId: updateIdFrom(res, req.get('Idempotency-Key')),
        }),
      );
      res.json(result);
    },
  );

  router.post(
    '/api/sessions/:id/close',
    validate({ params: SessionIdParams, body: CloseSessionBody }),
    async (req, res) => {
      const user = currentUser(res);
      const session = await loadSession(req.params.id as string);
      assertOfficerOwns(user, (await applicationsRepo.find(db, session.application_id))!, config);
      const body = req.body as z.infer<typeof CloseSessionBody>;
      const result = await callTemporal(deps, () =>
        temporal.workflow.getHandle(applicationWorkflowId(session.application_id)).executeUpdate(closeSessionUpdate, {
          args: [{ actor: asActor(user), sessionId: session.id, minutes: body.minutes }],
          updateId: updateIdFrom(res, req.get('Idempotency-Key')),
        }),
      );
      res.json(result);
    },
  );

  return router;
}
