// Warnings issued by hand (人工督办, 督办通知): the supervision office issues one on a step or a
// department with its reason and a reply deadline in working days, accepts the department's reply
// or returns it with a reason; the department's staff reply. Every action on an issued warning is
// an Update to its workflow (its validator decides on the state: one winner, 409 for the other),
// with the request's Idempotency-Key as the Update id.
import { z } from 'zod';
import {
  MAX_WARNING_REPLY_WORKDAYS,
  MIN_WARNING_REPLY_WORKDAYS,
  WARNING_NO_PATTERN,
  WARNING_STATUSES,
} from '../../domain/warnings';
import { departmentsRepo } from '../../db/repositories/departments';
import { stepsRepo } from '../../db/repositories/steps';
import { warningsRepo } from '../../db/repositories/warnings';
import type { WarningRow } from '../../db/schema';
import { acceptWarningUpdate, replyWarningUpdate, returnWarningUpdate } from '../../workflows/warnings-shared';
import type { Scope, ScopeInput } from '../access';
import { asActor, type UserView } from '../auth';
import { badRequest, forbidden, notFound } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { code, Pagination } from '../schemas';
import { issueWarning, updateWarning, warningViewFor, warningViews } from '../services/warnings';
import { toCaseView } from '../views';
import { toWarningEventView } from '../warning-views';
import { defineRoute, type AnyRoute } from './define';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const stepId = z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'malformed id');
const version = z.number().int().min(0).optional().describe('the version read; a warning changed since is a 409');

export const IssueWarningBody = z
  .strictObject({
    stepId: stepId.optional().describe('the step the warning concerns (its department answers)'),
    departmentCode: code.optional().describe('or the department it concerns, as a whole'),
    reason: text(2000),
    replyWorkdays: z.number().int().min(MIN_WARNING_REPLY_WORKDAYS).max(MAX_WARNING_REPLY_WORKDAYS),
  })
  .superRefine((b, ctx) => {
    // Exactly one subject: a step or a department.
    if ((b.stepId === undefined) !== (b.departmentCode === undefined)) return;
    const message =
      b.stepId === undefined ? 'give the step or the department it concerns' : 'give a step or a department, not both';
    for (const field of ['stepId', 'departmentCode']) {
      ctx.addIssue({ code: 'custom', path: [field], message, params: { problem: 'step_or_department' } });
    }
  });
export const ReplyWarningBody = z.strictObject({ reply: text(4000), version });
export const AcceptWarningBody = z.strictObject({ version });
export const ReturnWarningBody = z.strictObject({ reason: text(2000), version });
const WarningListQuery = z.strictObject({
  status: z.enum(WARNING_STATUSES).optional(),
  stepId: stepId.optional(),
  applicationId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,80}$/, 'malformed id')
    .optional(),
  departmentCode: code.optional(),
  ...Pagination,
});
const WarningIdParams = z.object({ id: z.string().regex(WARNING_NO_PATTERN, 'must read like DB-2026-000123') });

// --- scopes ---------------------------------------------------------------------------------------
const caller = (input: ScopeInput): UserView => {
  if (!input.user) throw forbidden('sign in first');
  return input.user;
};
async function loadWarning(input: ScopeInput): Promise<WarningRow> {
  const found = await warningsRepo.find(input.deps.db, String(input.params.id));
  if (!found) throw notFound('warning');
  return found;
}

/** The warning `:id`, for the supervision office (no scope beyond the role). */
const warningScope: Scope<WarningRow> = { name: 'none', resolve: loadWarning };

/** The warning `:id`; staff reach only those addressed to their department. */
const departmentWarning: Scope<WarningRow> = {
  name: 'department',
  resolve: async (input) => {
    const user = caller(input);
    const found = await loadWarning(input);
    if (user.role === 'staff' && found.department_code !== user.departmentCode) {
      throw forbidden('this warning is addressed to another department');
    }
    return found;
  },
};

/** Warnings narrowed to the caller's department when the caller is staff. */
const departmentList: Scope<{ departmentCode: string | undefined }> = {
  name: 'department',
  resolve: (input) => {
    const user = caller(input);
    return { departmentCode: user.role === 'staff' ? (user.departmentCode ?? '-') : undefined };
  },
};

export const warningRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/warnings',
    summary: 'Issue a warning (人工督办) on a step or a department, with a reply deadline in working days',
    tag: 'warnings',
    access: ['supervisor'],
    scope: { name: 'none', resolve: () => undefined },
    body: IssueWarningBody,
    success: 201,
    idempotent: true,
    handler: async ({ res, deps, user, body }) => {
      let step = null;
      let departmentCode = body.departmentCode;
      if (body.stepId !== undefined) {
        step = (await stepsRepo.find(deps.db, body.stepId)) ?? null;
        if (!step) throw badRequest('unknown step', [{ field: 'body.stepId', message: 'no step has this id' }]);
        departmentCode = step.department_code;
      } else if (!(await departmentsRepo.list(deps.db)).some((d) => d.code === body.departmentCode)) {
        throw badRequest('unknown department', [{ field: 'body.departmentCode', message: 'no such department' }]);
      }
      const view = await issueWarning(
        deps,
        user,
        { step, departmentCode: departmentCode!, reason: body.reason, replyWorkdays: body.replyWorkdays },
        (trx, answer) => settleIdempotencyKey(res, trx, 201, answer),
      );
      res.location(`/api/warnings/${view.id}`);
      return view;
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/warnings',
    summary: "Warnings issued by hand (staff: their department's), newest first",
    tag: 'warnings',
    access: ['supervisor', 'admin', 'staff'],
    scope: departmentList,
    query: WarningListQuery,
    handler: async ({ deps, user, query, resource }) => {
      const { items, total } = await warningsRepo.list(deps.db, {
        status: query.status,
        departmentCode: resource.departmentCode ?? query.departmentCode,
        stepId: query.stepId,
        applicationId: query.applicationId,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return { items: await warningViews(deps, user, items), total, page: query.page, pageSize: query.pageSize };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/warnings/:id',
    summary: 'One warning with its permanent record of events and its supervision cases',
    tag: 'warnings',
    access: ['supervisor', 'admin', 'staff'],
    scope: departmentWarning,
    params: WarningIdParams,
    handler: async ({ deps, user, resource: row }) => ({
      ...(await warningViewFor(deps, user, row)),
      events: (await warningsRepo.events(deps.db, row.id)).map(toWarningEventView),
      cases: (await warningsRepo.cases(deps.db, row.id)).map(toCaseView),
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/api/warnings/:id/reply',
    summary: "The department's written reply",
    tag: 'warnings',
    access: ['staff'],
    scope: departmentWarning,
    params: WarningIdParams,
    body: ReplyWarningBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      await updateWarning(deps, row, replyWarningUpdate, { actor: asActor(user), ...body }, updateId);
      return warningViewFor(deps, user, (await warningsRepo.find(deps.db, row.id))!);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/warnings/:id/accept',
    summary: 'Accept the reply: the warning closes',
    tag: 'warnings',
    access: ['supervisor'],
    scope: warningScope,
    params: WarningIdParams,
    body: AcceptWarningBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      await updateWarning(deps, row, acceptWarningUpdate, { actor: asActor(user), ...body }, updateId);
      return warningViewFor(deps, user, (await warningsRepo.find(deps.db, row.id))!);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/warnings/:id/return',
    summary: 'Return the reply with a reason: the deadline runs again from now, for the same working days',
    tag: 'warnings',
    access: ['supervisor'],
    scope: warningScope,
    params: WarningIdParams,
    body: ReturnWarningBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      await updateWarning(deps, row, returnWarningUpdate, { actor: asActor(user), ...body }, updateId);
      return warningViewFor(deps, user, (await warningsRepo.find(deps.db, row.id))!);
    },
  }),
];
