// The public side, no sign-in: the progress lookup (办件查询) by case number and query password.
// What it shows is the rule of domain/public-progress.ts.
import { z } from 'zod';
import {
  CASE_NO_PATTERN,
  normalizeCaseNo,
  normalizeQueryPassword,
  QUERY_PASSWORD_PATTERN,
} from '../../domain/case-number';
import { publicProgress } from '../../domain/public-progress';
import { departmentsRepo } from '../../db/repositories/departments';
import { stepsRepo } from '../../db/repositories/steps';
import { scopes } from '../access';
import { findCaseByPassword } from '../services/public-lookup';
import { defineRoute, type AnyRoute } from './define';

/** A case number as people type it (lower case, spaces, full width, without dashes), normalised. */
export const CaseNoInput = z
  .string()
  .max(40, 'at most 40 characters')
  .transform(normalizeCaseNo)
  .pipe(z.string().min(1, 'must not be empty').regex(CASE_NO_PATTERN, 'must look like GH-2026-000123'));

/** A query password as printed on the acceptance notice (6 characters), normalised. */
export const QueryPasswordInput = z
  .string()
  .max(40, 'at most 40 characters')
  .transform(normalizeQueryPassword)
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .regex(QUERY_PASSWORD_PATTERN, 'must be the 6 letters and digits printed on the acceptance notice'),
  );

const ProgressQuery = z.strictObject({ caseNo: CaseNoInput, password: QueryPasswordInput });

export const publicRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/public/progress',
    summary: 'Where a case stands, by case number and query password (no personal data)',
    tag: 'public',
    access: 'public',
    scope: scopes.none,
    query: ProgressQuery,
    handler: async ({ req, deps, query }) => {
      const application = await findCaseByPassword(deps, req, query.caseNo, query.password);
      const [steps, departments] = await Promise.all([
        stepsRepo.listByApplication(deps.db, application.id),
        departmentsRepo.list(deps.db),
      ]);
      const names = new Map(departments.map((d) => [d.code, d.name]));
      return publicProgress(
        { caseNo: application.case_no, projectName: application.project.name, status: application.status },
        steps.map((s) => ({
          matterName: s.matter_name,
          departmentCode: s.department_code,
          status: s.status,
          light: s.light,
          submittedAt: s.submitted_at,
          acceptedAt: s.accepted_at,
          deadline: s.deadline,
          decidedAt: s.decided_at,
        })),
        (code) => names.get(code) ?? code,
      );
    },
  }),
];
