// Joint sessions (联合踏勘 / 联审会): invited departments record opinions; the officer closes.
import { closeSessionUpdate, recordOpinionUpdate } from '../../workflows/shared';
import { scopes } from '../access';
import { asActor } from '../auth';
import { CloseSessionBody, OpinionBody, SessionIdParams } from '../schemas';
import { updateApplication } from '../services/applications';
import { defineRoute, type AnyRoute } from './define';

export const sessionRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/sessions/:id/opinions',
    summary: "Record the department's opinion",
    tag: 'joint sessions',
    access: ['staff'],
    scope: scopes.departmentSession,
    params: SessionIdParams,
    body: OpinionBody,
    idempotent: true,
    handler: ({ deps, user, body, resource: session, updateId }) =>
      updateApplication(deps, session.application_id, recordOpinionUpdate, {
        args: [{ actor: asActor(user), sessionId: session.id, ...body }],
        updateId,
      }),
  }),

  defineRoute({
    method: 'post',
    path: '/api/sessions/:id/close',
    summary: 'Close a session; absent departments are deemed to agree',
    tag: 'joint sessions',
    access: ['officer'],
    scope: scopes.ownedSession,
    params: SessionIdParams,
    body: CloseSessionBody,
    idempotent: true,
    handler: ({ deps, user, body, resource: session, updateId }) =>
      updateApplication(deps, session.application_id, closeSessionUpdate, {
        args: [{ actor: asActor(user), sessionId: session.id, minutes: body.minutes }],
        updateId,
      }),
  }),
];
