// Notifications outside the app: the admin's view of the delivery outbox (status, attempts, last
// error; a failed or skipped delivery can be queued again), and where each user's notices are
// also emailed (set by the admin in the users API, or by the user on their own profile).
import { z } from 'zod';
import { auditRepo } from '../../db/repositories/audit';
import { deliveriesRepo, DELIVERY_STATUSES } from '../../db/repositories/deliveries';
import { usersRepo } from '../../db/repositories/users';
import type { DeliveryRow, DeliveryStatus, NotifyBy, UserRow } from '../../db/schema';
import { scopes } from '../access';
import { conflict, notFound } from '../errors';
import type { AppDeps } from '../deps';
import { EmptyBody, IdParams, Pagination } from '../schemas';
import { defineRoute } from './define';

const DeliveryListQuery = z.strictObject({
  status: z.enum(DELIVERY_STATUSES as [DeliveryStatus, ...DeliveryStatus[]]).optional(),
  ...Pagination,
});

export const NotificationSettingsBody = z
  .strictObject({
    /** Where notices are emailed; null (or empty) for none. */
    email: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v),
      z.email('must be an email address such as name@example.gov.cn').max(254).nullable(),
    ),
    /** 'email': every in-app notice is also emailed; 'in_app': only the in-app list. */
    notifyBy: z.enum(['in_app', 'email']),
  })
  .superRefine((b, ctx) => {
    if (b.notifyBy === 'email' && !b.email)
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'an email address is needed to be notified by email' });
  });

/** A phone number shown with its middle hidden: 138****0000. */
export const maskPhone = (phone: string): string =>
  phone.length >= 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '****';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toDeliveryView = (d: DeliveryRow & { recipient_name?: string | null }) => ({
  id: d.id,
  channel: d.channel,
  /** A notice code (email) or the investor message kind (SMS). */
  kind: d.kind,
  status: d.status,
  attempts: d.attempts,
  lastError: d.last_error,
  /** An email address, or the investor's phone with its middle hidden. */
  recipient: d.channel === 'sms' ? maskPhone(d.recipient) : d.recipient,
  recipientUser: d.recipient_user_id ? { id: d.recipient_user_id, displayName: d.recipient_name ?? null } : null,
  applicationId: d.application_id,
  notificationId: d.notification_id,
  subject: d.subject,
  text: d.body,
  createdAt: d.created_at.toISOString(),
  nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  sentAt: iso(d.sent_at),
  updatedAt: d.updated_at.toISOString(),
});

const settingsView = (u: UserRow, deps: AppDeps) => ({
  email: u.email,
  notifyBy: u.notify_by,
  /** Which channels this center has turned on (an email preference waits for SMTP_URL). */
  channels: { email: deps.config.smtpUrl !== undefined, sms: deps.config.smsGatewayUrl !== undefined },
});

async function setSettings(
  deps: AppDeps,
  actor: { id: string; displayName: string },
  userId: string,
  body: { email: string | null; notifyBy: NotifyBy },
) {
  return deps.db.transaction().execute(async (trx) => {
    const user = await usersRepo.setNotificationSettings(trx, userId, body);
    if (!user) throw notFound('unknown user');
    await auditRepo.record(trx, {
      actor,
      action: 'notification_settings_changed',
      target: user.username,
      detail: { email: body.email, notifyBy: body.notifyBy },
    });
    return user;
  });
}

export const deliveryRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/deliveries',
    summary: 'Notification deliveries (email, SMS), newest first, with their status and attempts',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    query: DeliveryListQuery,
    handler: async ({ deps, query }) => {
      const [rows, counts] = await Promise.all([
        deliveriesRepo.list(deps.db, {
          status: query.status,
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        }),
        deliveriesRepo.counts(deps.db),
      ]);
      const total = query.status ? counts[query.status] : Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        items: rows.map(toDeliveryView),
        total,
        counts,
        channels: { email: deps.config.smtpUrl !== undefined, sms: deps.config.smsGatewayUrl !== undefined },
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/deliveries/:id/retry',
    summary: 'Queue a failed or skipped delivery again (same id: the channel still sees one message)',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    body: EmptyBody,
    idempotent: true,
    handler: async ({ deps, user, params }) =>
      deps.db.transaction().execute(async (trx) => {
        const before = await deliveriesRepo.find(trx, params.id);
        if (!before) throw notFound('unknown delivery');
        const requeued = await deliveriesRepo.requeue(trx, params.id);
        if (!requeued)
          throw conflict(`only a failed or skipped delivery can be queued again; this one is ${before.status}`);
        await auditRepo.record(trx, {
          actor: user,
          action: 'delivery_requeued',
          target: params.id,
          detail: { channel: before.channel, status: before.status, attempts: before.attempts },
        });
        return toDeliveryView(requeued);
      }),
  }),

  defineRoute({
    method: 'get',
    path: '/api/me/notification-settings',
    summary: "Where the signed-in user's notices are also sent",
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    handler: async ({ deps, user }) => settingsView((await usersRepo.findById(deps.db, user.id))!, deps),
  }),

  defineRoute({
    method: 'put',
    path: '/api/me/notification-settings',
    summary: 'Choose whether the signed-in user also gets their notices by email, and where',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    body: NotificationSettingsBody,
    idempotent: true,
    handler: async ({ deps, user, body }) => settingsView(await setSettings(deps, user, user.id, body), deps),
  }),

  defineRoute({
    method: 'put',
    path: '/api/users/:id/notification-settings',
    summary: "Set a user's email address and whether their notices are also emailed",
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    body: NotificationSettingsBody,
    idempotent: true,
    handler: async ({ deps, user, params, body }) => settingsView(await setSettings(deps, user, params.id, body), deps),
  }),
];
