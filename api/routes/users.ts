// Users and the administrative audit log.
import { randomUUID } from 'node:crypto';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { notificationsRepo } from '../../db/repositories/notifications';
import { usersRepo } from '../../db/repositories/users';
import { hashPassword } from '../../lib/passwords';
import { scopes } from '../access';
import { toUserView } from '../auth';
import { badRequest, conflict } from '../errors';
import { AuditQuery, CreateUserBody } from '../schemas';
import { defineRoute } from './define';

/** A filter bound: a date alone is a whole day in Beijing time (`to` includes it), a date-time is exact. */
const auditBound = (v: string, end: boolean): Date => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(v);
  const start = new Date(`${v}T00:00:00+08:00`);
  return end ? new Date(start.getTime() + 86_400_000) : start;
};

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/audit',
    summary: 'The administrative audit log, newest first',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    query: AuditQuery,
    handler: async ({ deps, query }) => {
      const rows = await auditRepo.list(deps.db, query.pageSize, (query.page - 1) * query.pageSize, {
        actor: query.actor,
        action: query.action,
        target: query.target,
        from: query.from ? auditBound(query.from, false) : undefined,
        to: query.to ? auditBound(query.to, true) : undefined,
      });
      return rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { id: r.actor_id, displayName: r.actor_name },
        action: r.action,
        target: r.target,
        detail: r.detail,
      }));
    },
  }),

  // Whom a step can be reassigned to: the active staff of the caller's department.
  defineRoute({
    method: 'get',
    path: '/api/users/colleagues',
    summary: "Active staff of the caller's department",
    tag: 'steps',
    access: ['staff'],
    scope: scopes.departmentList,
    handler: async ({ deps, resource }) =>
      (await usersRepo.staffOf(deps.db, resource.departmentCode!)).map((u) => ({
        id: u.id,
        displayName: u.display_name,
      })),
  }),

  defineRoute({
    method: 'get',
    path: '/api/users',
    summary: 'Users',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    handler: async ({ deps }) =>
      (await usersRepo.list(deps.db)).map((u) => ({
        ...toUserView(u),
        email: u.email,
        notifyBy: u.notify_by,
        disabled: u.disabled,
      })),
  }),

  defineRoute({
    method: 'post',
    path: '/api/users',
    summary: 'Create a user',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    body: CreateUserBody,
    success: 201,
    idempotent: true,
    handler: async ({ deps: { db }, user, body }) => {
      if (body.departmentCode && !(await departmentsRepo.find(db, body.departmentCode))) {
        throw badRequest('unknown department', [
          { field: 'body.departmentCode', message: 'unknown department code', code: 'unknown_department' },
        ]);
      }
      const id = randomUUID();
      const passwordHash = await hashPassword(body.password);
      // The user and its audit row commit together; a taken username writes neither.
      await db.transaction().execute(async (trx) => {
        const inserted = await usersRepo.insert(trx, {
          id,
          username: body.username,
          passwordHash,
          displayName: body.displayName,
          role: body.role,
          departmentCode: body.departmentCode ?? null,
        });
        if (!inserted) throw conflict(`username ${body.username} is taken`);
        // A new user starts with nothing unread, not with every notice their role had so far.
        await notificationsRepo.markAllRead(trx, id);
        await auditRepo.record(trx, {
          actor: user,
          action: 'user_created',
          target: body.username,
          detail: { role: body.role, departmentCode: body.departmentCode ?? null },
        });
      });
      return toUserView((await usersRepo.findById(db, id))!);
    },
  }),
];
