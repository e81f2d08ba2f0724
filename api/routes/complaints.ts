// Efficiency complaints (行政效能投诉) and rectification tasks (整改): the public files a complaint
// and follows it with its number and password; the supervision office registers (assigns with a
// reply deadline in working days) and closes; the department's staff reply. Every action is an
// Update to the complaint's workflow (its validator decides on the state: one winner, 409 for the
// other), with the request's Idempotency-Key as the Update id.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { CASE_NO_PATTERN, normalizeCaseNo } from '../../domain/case-number';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_KINDS,
  COMPLAINT_NO_PATTERN,
  COMPLAINT_STATUSES,
  MAX_REPLY_WORKDAYS,
  MIN_REPLY_WORKDAYS,
  type ComplaintSnapshot,
} from '../../domain/complaints';
import { normalizePhone, PHONE_PATTERN } from '../../domain/identifiers';
import { applicationsRepo } from '../../db/repositories/applications';
import { complaintsRepo } from '../../db/repositories/complaints';
import { departmentsRepo } from '../../db/repositories/departments';
import { ratingsRepo } from '../../db/repositories/ratings';
import type { ComplaintRow } from '../../db/schema';
import {
  assignComplaintUpdate,
  closeComplaintUpdate,
  complaintWorkflowId,
  replyComplaintUpdate,
} from '../../workflows/complaints-shared';
import type { Scope, ScopeInput } from '../access';
import { asActor, type UserView } from '../auth';
import { toComplaintEventView, toComplaintView, toPublicComplaintView } from '../complaint-views';
import type { AppDeps } from '../deps';
import { badRequest, forbidden, HttpError, notFound } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { complaintByPassword } from '../public-lookup';
import { code, IdParams, Pagination } from '../schemas';
import { callTemporal } from '../temporal-call';
import { toCaseView } from '../views';
import { startComplaintWorkflow, fileComplaint } from '../services/complaints';
import { defineRoute, type AnyRoute } from './define';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const FileComplaintBody = z.strictObject({
  category: z.enum(COMPLAINT_CATEGORIES),
  content: text(4000),
  contactName: text(64),
  phone: z
    .string()
    .transform(normalizePhone)
    .pipe(z.string().regex(PHONE_PATTERN, 'must be a mobile number or a landline with area code')),
  caseNo: z
    .string()
    .transform(normalizeCaseNo)
    .pipe(z.string().regex(CASE_NO_PATTERN, 'must read like GH-2026-000123'))
    .optional(),
  departmentCode: code.optional(),
});
const ComplaintNoParams = z.object({
  no: z
    .string()
    .transform(normalizeCaseNo)
    .pipe(z.string().regex(COMPLAINT_NO_PATTERN, 'must read like TS-2026-000123')),
});
const PasswordQuery = z.strictObject({ password: z.string().trim().min(1, 'the password is needed').max(50) });
const ComplaintListQuery = z.strictObject({
  status: z.enum(COMPLAINT_STATUSES).optional(),
  kind: z.enum(COMPLAINT_KINDS).optional(),
  ...Pagination,
});
const version = z.number().int().min(0).optional().describe('the version read; a complaint changed since is a 409');
export const AssignComplaintBody = z.strictObject({
  departmentCode: code,
  replyWorkdays: z.number().int().min(MIN_REPLY_WORKDAYS).max(MAX_REPLY_WORKDAYS),
  version,
});
export const CloseComplaintBody = z.strictObject({ upheld: z.boolean(), conclusion: text(4000), version });
export const ReplyComplaintBody = z.strictObject({ reply: text(4000), version });

// --- scopes ---------------------------------------------------------------------------------------
const caller = (input: ScopeInput): UserView => {
  if (!input.user) throw forbidden('sign in first');
  return input.user;
};
async function loadComplaint(input: ScopeInput): Promise<ComplaintRow> {
  const found = await complaintsRepo.find(input.deps.db, String(input.params.id));
  if (!found) throw notFound('complaint');
  return found;
}

/** The complaint `:id`, for the supervision office and the general office (no scope beyond the role). */
const complaintScope: Scope<ComplaintRow> = { name: 'none', resolve: loadComplaint };

/** The complaint `:id`; staff reach only those assigned to their department. */
const departmentComplaint: Scope<ComplaintRow> = {
  name: 'department',
  resolve: async (input) => {
    const user = caller(input);
    const found = await loadComplaint(input);
    if (user.role === 'staff' && (!found.department_code || found.department_code !== user.departmentCode)) {
      throw forbidden('this complaint is not assigned to your department');
    }
    return found;
  },
};

/** Complaints narrowed to the caller's department when the caller is staff. */
const departmentList: Scope<{ departmentCode: string | undefined }> = {
  name: 'department',
  resolve: (input) => {
    const user = caller(input);
    return { departmentCode: user.role === 'staff' ? (user.departmentCode ?? '-') : undefined };
  },
};

// --- actions --------------------------------------------------------------------------------------
/** The complaint as `user` reads it now, with its rating (rectification tasks). */
async function viewFor(deps: AppDeps, user: UserView, id: string) {
  const row = (await complaintsRepo.find(deps.db, id))!;
  const [rating] = row.rating_id ? await ratingsRepo.byIds(deps.db, [row.rating_id]) : [];
  return toComplaintView(row, user, rating);
}

/**
 * Runs an Update on the complaint's workflow (starting it first if its start is still pending, a
 * harmless repeat). A closed complaint's workflow has ended: that is a 409 like the validator's.
 */
async function updateComplaint(
  deps: AppDeps,
  row: ComplaintRow,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  def: UpdateDefinition<ComplaintSnapshot, [any]>,
  args: unknown,
  updateId: string | undefined,
) {
  const closed = () =>
    new HttpError(
      409,
      'conflict',
      'the complaint is closed',
      undefined,
      {},
      { reason: 'complaint_closed', params: {} },
    );
  if (row.status === 'closed') throw closed();
  if (!row.workflow_started_at) await startComplaintWorkflow(deps, row.id);
  try {
    return await callTemporal(deps, () =>
      deps.temporal.workflow.getHandle(complaintWorkflowId(row.id)).executeUpdate(def, { args: [args], updateId }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw closed();
    throw err;
  }
}

export const complaintRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/public/complaints',
    summary: 'File an efficiency complaint (效能投诉); answers its number and password to follow it',
    tag: 'public',
    access: 'public',
    scope: { name: 'none', resolve: () => undefined },
    body: FileComplaintBody,
    success: 201,
    idempotent: true,
    handler: async ({ res, deps, body }) => {
      const application = body.caseNo ? await applicationsRepo.findByCaseNo(deps.db, body.caseNo) : undefined;
      if (body.caseNo && !application) {
        throw badRequest('unknown case number', [{ field: 'body.caseNo', message: 'no case has this number' }]);
      }
      if (body.departmentCode && !(await departmentsRepo.list(deps.db)).some((d) => d.code === body.departmentCode)) {
        throw badRequest('unknown department', [{ field: 'body.departmentCode', message: 'no such department' }]);
      }
      const answer = await fileComplaint(
        deps,
        {
          category: body.category,
          content: body.content,
          contactName: body.contactName,
          phone: body.phone,
          application: application ?? null,
          departmentCode: body.departmentCode ?? null,
        },
        (trx, a) => settleIdempotencyKey(res, trx, 201, a),
      );
      res.location(`/api/public/complaints/${answer.complaintNo}`);
      return answer;
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/public/complaints/:no',
    summary: 'Follow a complaint with its number and password (wrong password = unknown number: 404)',
    tag: 'public',
    access: 'public',
    scope: { name: 'none', resolve: () => undefined },
    params: ComplaintNoParams,
    query: PasswordQuery,
    handler: async ({ req, deps, params, query }) =>
      toPublicComplaintView(await complaintByPassword(deps, req, params.no, query.password)),
  }),

  defineRoute({
    method: 'get',
    path: '/api/complaints',
    summary: "Complaints and rectification tasks (staff: their department's)",
    tag: 'complaints',
    access: ['supervisor', 'admin', 'staff'],
    scope: departmentList,
    query: ComplaintListQuery,
    handler: async ({ deps, user, query, resource }) => {
      const { items, total } = await complaintsRepo.list(deps.db, {
        status: query.status,
        kind: query.kind,
        departmentCode: resource.departmentCode,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const ratings = new Map(
        (
          await ratingsRepo.byIds(
            deps.db,
            items.flatMap((c) => (c.rating_id ? [c.rating_id] : [])),
          )
        ).map((r) => [r.id, r]),
      );
      return {
        items: items.map((c) => toComplaintView(c, user, c.rating_id ? ratings.get(c.rating_id) : undefined)),
        total,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/complaints/:id',
    summary: 'One complaint with its permanent record of events and its supervision cases',
    tag: 'complaints',
    access: ['supervisor', 'admin', 'staff'],
    scope: departmentComplaint,
    params: IdParams,
    handler: async ({ deps, user, resource: row }) => ({
      ...(await viewFor(deps, user, row.id)),
      events: (await complaintsRepo.events(deps.db, row.id)).map(toComplaintEventView),
      cases: (await complaintsRepo.cases(deps.db, row.id)).map(toCaseView),
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/api/complaints/:id/assign',
    summary: 'Register and assign to a department with a reply deadline in working days',
    tag: 'complaints',
    access: ['supervisor'],
    scope: complaintScope,
    params: IdParams,
    body: AssignComplaintBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      if (!(await departmentsRepo.list(deps.db)).some((d) => d.code === body.departmentCode)) {
        throw badRequest('unknown department', [{ field: 'body.departmentCode', message: 'no such department' }]);
      }
      await updateComplaint(deps, row, assignComplaintUpdate, { actor: asActor(user), ...body }, updateId);
      return viewFor(deps, user, row.id);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/complaints/:id/reply',
    summary: "The assigned department's reply",
    tag: 'complaints',
    access: ['staff'],
    scope: departmentComplaint,
    params: IdParams,
    body: ReplyComplaintBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      await updateComplaint(deps, row, replyComplaintUpdate, { actor: asActor(user), ...body }, updateId);
      return viewFor(deps, user, row.id);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/complaints/:id/close',
    summary: 'Close with a conclusion, upheld or not',
    tag: 'complaints',
    access: ['supervisor'],
    scope: complaintScope,
    params: IdParams,
    body: CloseComplaintBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: row, updateId }) => {
      await updateComplaint(deps, row, closeComplaintUpdate, { actor: asActor(user), ...body }, updateId);
      return viewFor(deps, user, row.id);
    },
  }),
];
