// The signed-in user's notifications, and the cashier's list of fees due.
import { notificationsRepo } from '../../db/repositories/notifications';
import { stepsRepo } from '../../db/repositories/steps';
import { scopes, stepViewer } from '../access';
import { InboxQuery } from '../schemas';
import { toStepView } from '../views';
import { defineRoute } from './define';

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
      }));
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
