// The signed-in user's notifications (with what they have read), the cashier's list of fees due
// and the payments of a day.
import { z } from 'zod';
import { addCivilDays, shanghaiDate } from '../../domain/calendar';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { notificationsRepo } from '../../db/repositories/notifications';
import { stepsRepo } from '../../db/repositories/steps';
import { scopes, stepViewer } from '../access';
import { EmptyBody, InboxQuery } from '../schemas';
import { toStepView } from '../views';
import { notFound } from '../errors';
import { defineRoute } from './define';

const NotificationIdParams = z.object({ id: z.coerce.number().int().positive('malformed notification id') });
const FeesPaidQuery = z.strictObject({ date: z.iso.date().optional() });

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
      const steps = await stepsRepo.feesDue(deps.db);
      const names = await applicationsRepo.namesOf(
        deps.db,
        steps.map((s) => s.application_id),
      );
      // Each fee also names its project and its payer (the investor).
      return steps.map((s) => ({
        ...toStepView(s, viewer),
        projectName: names.get(s.application_id)?.project.name ?? null,
        payerName: names.get(s.application_id)?.investor.name ?? null,
      }));
    },
  }),

  // The payments of one day (Beijing time; today by default), for the cashier's reconciliation.
  defineRoute({
    method: 'get',
    path: '/api/fees/paid',
    summary: 'Fees paid on one day (Asia/Shanghai), with the total',
    tag: 'fees',
    access: ['cashier', 'supervisor', 'admin'],
    scope: scopes.none,
    query: FeesPaidQuery,
    handler: async ({ deps, query }) => {
      const date = query.date ?? shanghaiDate(new Date());
      const from = new Date(`${date}T00:00:00+08:00`);
      const to = new Date(`${addCivilDays(date, 1)}T00:00:00+08:00`);
      const steps = await stepsRepo.feesPaid(deps.db, from, to);
      const [names, recorded] = await Promise.all([
        applicationsRepo.namesOf(
          deps.db,
          steps.map((s) => s.application_id),
        ),
        eventsRepo.latestOfType(
          deps.db,
          steps.map((s) => s.id),
          'fee_paid',
        ),
      ]);
      const items = steps.map((s) => ({
        stepId: s.id,
        applicationId: s.application_id,
        matterCode: s.matter_code,
        matterName: s.matter_name,
        departmentCode: s.department_code,
        projectName: names.get(s.application_id)?.project.name ?? null,
        payerName: names.get(s.application_id)?.investor.name ?? null,
        amountFen: s.fee_amount_fen ?? 0,
        receiptNo: s.fee_receipt_no,
        paidAt: s.fee_paid_at!.toISOString(),
        recordedBy: recorded.get(s.id)?.actor_name ?? null,
      }));
      return { date, items, count: items.length, totalFen: items.reduce((sum, i) => sum + i.amountFen, 0) };
    },
  }),
];
