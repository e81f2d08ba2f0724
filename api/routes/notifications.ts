// The signed-in user's notifications (with what they have read), and the cashier's list of fees due.
import { z } from 'zod';
import { notificationsRepo } from '../../db/repositories/notifications';
import { stepsRepo } from '../../db/repositories/steps';
import { scopes, stepViewer } from '../access';
import { EmptyBody, InboxQuery } from '../schemas';
import { toStepView } from '../views';
import { notFound } from '../errors';
import { defineRoute } from './define';

const NotificationIdParams = z.object({ id: z.coerce.number().int().positive('malformed notification id') });

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/notifications',
    summary: "The signed-in user's notifications",
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    query: InboxQuery,
    handler: async ({ deps, user, query }) => {
      const rows = await notificationsRepo.forUser(deps.db, user, query.pageSize, (query.page - 1) * query.pageSize);
      return rows.map((n) => ({
        id: n.id,
        type: n.type,
        // A stable code with its parameters (domain/notices.ts); the reader's UI words it.
        code: n.code,
        params: n.params,
        applicationId: n.application_id,
        stepId: n.step_id,
        at: n.created_at.toISOString(),
        read: n.read,
      }));
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/notifications/unread-count',
    summary: "How many of the signed-in user's notifications are unread",
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    handler: async ({ deps, user }) => ({ unread: await notificationsRepo.unreadCount(deps.db, user) }),
  }),

  defineRoute({
    method: 'post',
    path: '/api/notifications/:id/read',
    summary: 'Mark one notification read (again: nothing changes)',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    params: NotificationIdParams,
    body: EmptyBody,
    idempotent: true,
    handler: async ({ deps, user, params }) => {
      if (!(await notificationsRepo.visible(deps.db, user, params.id))) throw notFound('unknown notification');
      await notificationsRepo.markRead(deps.db, user.id, params.id);
      return { unread: await notificationsRepo.unreadCount(deps.db, user) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/notifications/read-all',
    summary: 'Mark every notification so far read',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    body: EmptyBody,
    idempotent: true,
    handler: async ({ deps, user }) => {
      await deps.db.transaction().execute((trx) => notificationsRepo.markAllRead(trx, user.id));
      return { unread: await notificationsRepo.unreadCount(deps.db, user) };
    },
  }),

  // The cashier's list: steps whose catalog fee is due (收费处). None of these callers owns an application.
  defineRoute({
    method: 'get',
    path: '/api/fees/due',
    summary: 'Steps whose catalog fee is due',
    tag: 'fees',
    access: ['cashier', 'supervisor', 'admin'],
    scope: scopes.none,
    handler: async ({ deps, user }) => {
      const viewer = stepViewer(user, false, deps.config);
      return (await stepsRepo.feesDue(deps.db)).map((s) => toStepView(s, viewer));
    },
  }),
];
