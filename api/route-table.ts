// Every route of the API in one table: who may call it, the scoping rule beyond the role, and
// the schemas of its input. The authorization middleware enforces `access` from this table; the
// OpenAPI document and the authorization-matrix test are generated from it.
import type { z } from 'zod';
import type { Role } from '../domain/model';
import * as S from './schemas';

export type Access = 'public' | 'user' | readonly Role[];

/**
 * Scoping beyond the role, enforced in the handler:
 * - department: staff act only on their own department's steps (and cases, sessions they are invited to);
 * - owner: officers act on applications they launched (unless OFFICERS_SHARE_APPLICATIONS);
 * - readable: staff read an application only when it has a step of their department;
 * - self: the caller's own data.
 */
export type Scope = 'none' | 'department' | 'owner' | 'readable' | 'self';

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  scope: Scope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of a successful answer. */
  success: number;
  /** Accepts an Idempotency-Key header. */
  idempotent?: boolean;
}

const ALL: readonly Role[] = ['officer', 'staff', 'supervisor', 'cashier', 'admin'];
/** Who reads an application (contract): officers, supervisors, admins, and staff of a department with a step in it. */
const READERS: readonly Role[] = ['officer', 'staff', 'supervisor', 'admin'];
const route = (r: Omit<RouteSpec, 'success' | 'scope'> & Partial<Pick<RouteSpec, 'success' | 'scope'>>): RouteSpec => ({
  success: 200,
  scope: 'none',
  ...r,
});

export const ROUTES: RouteSpec[] = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Health: ok once the database and Temporal answer',
    tag: 'system',
    access: 'public',
  }),
  route({ method: 'get', path: '/openapi.json', summary: 'This OpenAPI document', tag: 'system', access: 'public' }),

  route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in; returns a signed token',
    tag: 'auth',
    access: 'public',
    body: S.LoginBody,
  }),
  route({ method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'auth', access: 'user', scope: 'self' }),
  route({
    method: 'get',
    path: '/api/notifications',
    summary: "The signed-in user's notifications",
    tag: 'auth',
    access: 'user',
    scope: 'self',
    query: S.InboxQuery,
  }),

  route({
    method: 'get',
    path: '/api/audit',
    summary: 'The administrative audit log, newest first',
    tag: 'admin',
    access: ['admin'],
    query: S.InboxQuery,
  }),
  route({ method: 'get', path: '/api/users', summary: 'Users', tag: 'admin', access: ['admin'] }),
  route({
    method: 'post',
    path: '/api/users',
    summary: 'Create a user',
    tag: 'admin',
    access: ['admin'],
    body: S.CreateUserBody,
    success: 201,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/departments',
    summary: 'Departments at the center',
    tag: 'service guide',
    access: 'public',
  }),
  route({
    method: 'post',
    path: '/api/departments',
    summary: 'Create or rename a department',
    tag: 'admin',
    access: ['admin'],
    body: S.DepartmentBody,
    success: 201,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/matters',
    summary: 'The service guide: every matter with its five publics',
    tag: 'service guide',
    access: 'public',
  }),
  route({
    method: 'get',
    path: '/api/matters/:code',
    summary: 'One matter of the service guide',
    tag: 'service guide',
    access: 'public',
    params: S.CodeParams,
  }),
  route({
    method: 'put',
    path: '/api/matters/:code',
    summary: 'Create or replace a matter (prerequisite cycles refused)',
    tag: 'admin',
    access: ['admin'],
    params: S.CodeParams,
    body: S.MatterBody,
  }),
  route({
    method: 'get',
    path: '/api/calendar',
    summary: 'Holidays and 调休 working days of a year, admin entries, warnings',
    tag: 'service guide',
    access: 'public',
    query: S.CalendarQuery,
  }),
  route({
    method: 'post',
    path: '/api/calendar/days',
    summary: 'Mark a day as working day or holiday; open deadlines are recomputed',
    tag: 'admin',
    access: ['admin'],
    body: S.CalendarDayBody,
    success: 201,
    idempotent: true,
  }),
  route({
    method: 'delete',
    path: '/api/calendar/days/:date',
    summary: 'Remove an admin entry; open deadlines are recomputed',
    tag: 'admin',
    access: ['admin'],
    params: S.DateParams,
  }),

  route({
    method: 'post',
    path: '/api/plan',
    summary: 'Preview the plan of a joint review',
    tag: 'applications',
    access: ['officer', 'supervisor', 'admin'],
    body: S.PlanBody,
  }),
  route({
    method: 'post',
    path: '/api/applications',
    summary: 'Launch a joint review',
    tag: 'applications',
    access: ['officer'],
    body: S.CreateApplicationBody,
    success: 201,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/applications',
    summary: 'Applications (an officer sees their own)',
    tag: 'applications',
    access: ['officer', 'supervisor', 'admin'],
    scope: 'owner',
    query: S.ApplicationListQuery,
  }),
  route({
    method: 'get',
    path: '/api/applications/:id',
    summary: 'One application with its steps',
    tag: 'applications',
    access: READERS,
    scope: 'readable',
    params: S.IdParams,
  }),
  route({
    method: 'get',
    path: '/api/applications/:id/timeline',
    summary: 'The permanent timeline of an application',
    tag: 'applications',
    access: READERS,
    scope: 'readable',
    params: S.IdParams,
  }),
  route({
    method: 'post',
    path: '/api/applications/:id/withdraw',
    summary: 'Withdraw the application; open steps are cancelled',
    tag: 'applications',
    access: ['officer'],
    scope: 'owner',
    params: S.IdParams,
    body: S.WithdrawBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/applications/:id/resubmit',
    summary: 'Resubmit a rejected matter as a new attempt',
    tag: 'applications',
    access: ['officer'],
    scope: 'owner',
    params: S.IdParams,
    body: S.ResubmitBody,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/applications/:id/sessions',
    summary: 'Joint sessions of an application',
    tag: 'joint sessions',
    access: READERS,
    scope: 'readable',
    params: S.IdParams,
  }),
  route({
    method: 'post',
    path: '/api/applications/:id/sessions',
    summary: 'Schedule a joint site inspection or review meeting',
    tag: 'joint sessions',
    access: ['officer'],
    scope: 'owner',
    params: S.IdParams,
    body: S.SessionBody,
    success: 201,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/sessions/:id/opinions',
    summary: "Record the department's opinion",
    tag: 'joint sessions',
    access: ['staff'],
    scope: 'department',
    params: S.SessionIdParams,
    body: S.OpinionBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/sessions/:id/close',
    summary: 'Close a session; absent departments are deemed to agree',
    tag: 'joint sessions',
    access: ['officer'],
    scope: 'owner',
    params: S.SessionIdParams,
    body: S.CloseSessionBody,
    idempotent: true,
  }),

  route({
    method: 'get',
    path: '/api/inbox',
    summary: "Open steps of the user's department, soonest deadline first",
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    query: S.InboxQuery,
  }),
  route({
    method: 'get',
    path: '/api/steps/:id',
    summary: 'One step',
    tag: 'steps',
    access: ALL,
    scope: 'department',
    params: S.IdParams,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/accept',
    summary: 'Accept (受理): the promised clock starts',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.EmptyBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/supplement-request',
    summary: 'Ask for a correction (补正), listing every missing item; the clock stops',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.SupplementRequestBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/supplement',
    summary: 'Supply the correction; the deadline moves by the paused working days',
    tag: 'steps',
    access: ['officer'],
    scope: 'owner',
    params: S.IdParams,
    body: S.SupplementBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/special-procedure',
    summary: 'Start a special procedure (听证、检验、检测、鉴定、专家评审); the clock stops',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.SpecialProcedureBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/special-procedure/end',
    summary: 'End the special procedure; the clock resumes',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.EndSpecialProcedureBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/decision',
    summary: 'Decide: approve (with certificate) or reject (with reasons)',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.DecisionBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/reassign',
    summary: 'Reassign within the department',
    tag: 'steps',
    access: ['staff'],
    scope: 'department',
    params: S.IdParams,
    body: S.ReassignBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/extension',
    summary: 'Extend the limit once, before the deadline',
    tag: 'supervision',
    access: ['supervisor'],
    params: S.IdParams,
    body: S.ExtensionBody,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/urge',
    summary: 'Urge (催办); throttled per step',
    tag: 'supervision',
    access: ['supervisor'],
    params: S.IdParams,
    body: S.UrgeBody,
    success: 202,
    idempotent: true,
  }),
  route({
    method: 'post',
    path: '/api/steps/:id/payment',
    summary: 'Record the payment of the catalog fee',
    tag: 'fees',
    access: ['cashier'],
    params: S.IdParams,
    body: S.PaymentBody,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/fees/due',
    summary: 'Steps whose catalog fee is due',
    tag: 'fees',
    access: ['cashier', 'supervisor', 'admin'],
  }),

  route({
    method: 'get',
    path: '/api/supervision/cases',
    summary: 'Supervision cases (staff: their department)',
    tag: 'supervision',
    access: ['supervisor', 'admin', 'staff'],
    scope: 'department',
    query: S.CaseListQuery,
  }),
  route({
    method: 'post',
    path: '/api/supervision/cases/:id/answer',
    summary: "Answer a supervision case addressed to the user's department",
    tag: 'supervision',
    access: ['staff'],
    scope: 'department',
    params: S.CaseIdParams,
    body: S.AnswerCaseBody,
    idempotent: true,
  }),
  route({
    method: 'get',
    path: '/api/supervision/board',
    summary: 'Yellow and red steps, most urgent first',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    query: S.InboxQuery,
  }),
  route({
    method: 'get',
    path: '/api/stats/departments',
    summary: 'Per department: decided, on time, overdue, average working days',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    query: S.StatsQuery,
  }),
  route({
    method: 'get',
    path: '/api/stats/monthly',
    summary: 'On-time rate per department and month',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    query: S.MonthlyStatsQuery,
  }),
];
