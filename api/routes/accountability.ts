// Accountability records (问责记录): the supervision office records, on a closed supervision case,
// who answers for it (a staff member and/or a department), what went wrong, the measure and the
// decision. Listed with the case and in the accountability log; counted in the assessment.
import { z } from 'zod';
import {
  ACCOUNTABILITY_MEASURES,
  accountabilityRefusal,
  type AccountabilityMeasure,
  type AccountabilityView,
} from '../../domain/accountability';
import { parsePeriod, PERIOD_PATTERN } from '../../domain/assessment';
import { accountabilityRepo, type AccountabilityListRow } from '../../db/repositories/accountability';
import { departmentsRepo } from '../../db/repositories/departments';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { usersRepo } from '../../db/repositories/users';
import type { CaseRow } from '../../db/schema';
import { scopes, type Scope } from '../access';
import { asActor } from '../auth';
import { badRequest, forbidden, HttpError, notFound } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { CaseIdParams, code, Pagination } from '../schemas';
import { defineRoute, type AnyRoute } from './define';

const READERS = ['supervisor', 'admin'] as const;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const AccountabilityBody = z
  .strictObject({
    /** The staff member who answers for the case, if one is named. */
    personId: z.string().min(1).max(100).optional(),
    /** The department; the person's own when only the person is named. */
    departmentCode: code.optional(),
    what: text(2000),
    measure: z.enum(ACCOUNTABILITY_MEASURES),
    decision: text(2000),
  })
  .refine((b) => b.personId !== undefined || b.departmentCode !== undefined, {
    path: ['departmentCode'],
    message: 'name who answers for the case: a staff member, a department or both',
  });

const AccountabilityListQuery = z.strictObject({
  period: z.string().regex(PERIOD_PATTERN, 'must be a month (YYYY-MM) or a quarter (YYYY-Qn)').optional(),
  departmentCode: code.optional(),
  ...Pagination,
});

/** The case `:id` for the supervision office (404 when there is none). */
const anyCase: Scope<CaseRow> = {
  name: 'none',
  resolve: async ({ deps, user, params }) => {
    if (!user) throw forbidden('sign in first');
    const found = await supervisionRepo.find(deps.db, String(params.id));
    if (!found) throw notFound('supervision case');
    return found;
  },
};

const toView = (r: AccountabilityListRow): AccountabilityView => ({
  id: Number(r.id),
  caseId: r.case_id,
  caseLevel: r.level,
  stepId: r.step_id,
  applicationId: r.application_id,
  complaintId: r.complaint_id,
  matterName: r.matter_name,
  departmentCode: r.department_code,
  person: r.person_id ? { id: r.person_id, displayName: r.person_name ?? '' } : null,
  what: r.what,
  measure: r.measure as AccountabilityMeasure,
  decision: r.decision,
  recordedBy: { id: r.recorded_by, displayName: r.recorded_by_name },
  recordedAt: r.recorded_at.toISOString(),
});

export const accountabilityRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/supervision/cases/:id/accountability',
    summary: 'Record accountability (问责) on a closed supervision case: who, what, measure, decision',
    tag: 'supervision',
    access: ['supervisor'],
    scope: anyCase,
    params: CaseIdParams,
    body: AccountabilityBody,
    success: 201,
    idempotent: true,
    handler: async ({ deps, res, user, body, resource: found }) => {
      const refusal = accountabilityRefusal(found);
      if (refusal) {
        throw new HttpError(
          409,
          'conflict',
          refusal.message,
          undefined,
          {},
          {
            reason: refusal.code,
            params: { caseId: found.id },
          },
        );
      }
      const person = body.personId ? await usersRepo.findById(deps.db, body.personId) : undefined;
      if (body.personId && (!person || person.role !== 'staff')) {
        throw badRequest('no such staff member', [
          { field: 'body.personId', message: 'not a window staff member', code: 'unknown_person' },
        ]);
      }
      const departmentCode = body.departmentCode ?? person!.department_code!;
      if (!(await departmentsRepo.find(deps.db, departmentCode))) {
        throw badRequest('no such department', [
          { field: 'body.departmentCode', message: 'not a department of the center', code: 'unknown_department' },
        ]);
      }
      if (person && person.department_code !== departmentCode) {
        throw badRequest('the staff member works for another department', [
          {
            field: 'body.personId',
            message: `works for ${person.department_code}, not ${departmentCode}`,
            code: 'other_department',
          },
        ]);
      }
      const matterName = found.step_id ? ((await stepsRepo.find(deps.db, found.step_id))?.matter_name ?? null) : null;
      return deps.db.transaction().execute(async (trx) => {
        const row = await accountabilityRepo.insert(trx, {
          caseId: found.id,
          departmentCode,
          person: person ? { id: person.id, displayName: person.display_name } : null,
          what: body.what,
          measure: body.measure,
          decision: body.decision,
          recordedBy: asActor(user),
        });
        const view = toView({ ...row, ...caseContext(found, matterName) });
        await settleIdempotencyKey(res, trx, 201, view);
        return view;
      });
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/supervision/cases/:id/accountability',
    summary: 'The accountability records of a supervision case, newest first',
    tag: 'supervision',
    access: [...READERS],
    scope: anyCase,
    params: CaseIdParams,
    handler: async ({ deps, resource: found }) =>
      (await accountabilityRepo.list(deps.db, { caseId: found.id, limit: 200, offset: 0 })).map(toView),
  }),

  // Whom a record can name: the active window staff of a department.
  defineRoute({
    method: 'get',
    path: '/api/accountability/staff',
    summary: 'The window staff of a department, for naming who answers for a case',
    tag: 'supervision',
    access: [...READERS],
    scope: scopes.none,
    query: z.strictObject({ departmentCode: code }),
    handler: async ({ deps, query }) =>
      (await usersRepo.staffOf(deps.db, query.departmentCode)).map((u) => ({
        id: u.id,
        displayName: u.display_name,
        departmentCode: u.department_code,
      })),
  }),

  defineRoute({
    method: 'get',
    path: '/api/accountability',
    summary: 'The accountability log: records of a period (or all), newest first',
    tag: 'supervision',
    access: [...READERS],
    scope: scopes.none,
    query: AccountabilityListQuery,
    handler: async ({ deps, query }) => {
      // A well-formed label of a year outside 2000-2999 names no period: nothing to list.
      const period = query.period ? (parsePeriod(query.period) ?? { from: new Date(0), to: new Date(0) }) : undefined;
      return (
        await accountabilityRepo.list(deps.db, {
          from: period?.from,
          to: period?.to,
          departmentCode: query.departmentCode,
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        })
      ).map(toView);
    },
  }),
];

/** What a record's view names of its case, beside the record itself. */
const caseContext = (c: CaseRow, matterName: string | null) => ({
  step_id: c.step_id,
  application_id: c.application_id,
  complaint_id: c.complaint_id,
  level: c.level,
  matter_name: matterName,
});
