// Ratings (好差评): with the case number and query password, the investor sees what can be rated
// (decided steps; the whole application once it is closed) and rates each once, 1 to 5. A score of
// 2 or less needs a comment and opens a rectification task (整改) for the department, followed by
// the supervision office (api/services/complaints.ts, the complaint workflow). The ratings table is
// what the assessment reads.
import type { Request } from 'express';
import { z } from 'zod';
import { CASE_NO_PATTERN, normalizeCaseNo } from '../../domain/case-number';
import {
  commentRequired,
  isBadRating,
  isRateableApplication,
  isRateableStep,
  MAX_SCORE,
  MIN_SCORE,
  ratingRefusal,
} from '../../domain/ratings';
import type { Refusal } from '../../domain/step-rules';
import { complaintsRepo } from '../../db/repositories/complaints';
import { departmentsRepo } from '../../db/repositories/departments';
import { ratingsRepo } from '../../db/repositories/ratings';
import { stepsRepo } from '../../db/repositories/steps';
import type { RatingRow } from '../../db/schema';
import type { Scope } from '../access';
import type { AppDeps } from '../deps';
import { badRequest, forbidden, HttpError } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { caseByPassword } from '../public-lookup';
import { Pagination } from '../schemas';
import { openRectification, startComplaintWorkflowLogged } from '../services/complaints';
import { defineRoute, type AnyRoute } from './define';

const caseNo = z
  .string()
  .transform(normalizeCaseNo)
  .pipe(z.string().regex(CASE_NO_PATTERN, 'must read like GH-2026-000123'));
const password = z.string().trim().min(1, 'the query password is needed').max(50);

export const RatingBody = z
  .strictObject({
    caseNo,
    password,
    stepId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,80}$/, 'malformed step id')
      .optional(),
    score: z.number().int().min(MIN_SCORE).max(MAX_SCORE),
    comment: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  })
  .refine((r) => !commentRequired(r.score, r.comment), {
    path: ['comment'],
    message: 'a score of 2 or less needs a comment saying what went wrong (差评须说明原因)',
  });
const RatingLookupQuery = z.strictObject({ caseNo, password });
const RatingListQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  ...Pagination,
});

const refusalError = (r: Refusal) =>
  new HttpError(409, 'conflict', r.message, undefined, {}, { reason: r.code, params: r.params });

const ratingView = (r: RatingRow, rectificationNo: string | null) => ({
  id: r.id,
  caseNo: r.case_no,
  stepId: r.step_id,
  matterCode: r.matter_code,
  departmentCode: r.department_code,
  score: r.score,
  comment: r.comment,
  ratedAt: r.rated_at.toISOString(),
  rectificationNo,
});

/** The rateable things of a case as the public sees them: no personal data, no staff names. */
async function rateables(deps: AppDeps, req: Request, no: string, pw: string) {
  const application = await caseByPassword(deps, req, no, pw);
  const [steps, ratings, departments] = await Promise.all([
    stepsRepo.listByApplication(deps.db, application.id),
    ratingsRepo.forApplication(deps.db, application.id),
    departmentsRepo.list(deps.db),
  ]);
  const name = new Map(departments.map((d) => [d.code, d.name]));
  const given = (stepId: string | null) => {
    const r = ratings.find((x) => x.step_id === stepId);
    return r ? { score: r.score, comment: r.comment, ratedAt: r.rated_at.toISOString() } : null;
  };
  return {
    caseNo: application.case_no,
    projectName: application.project.name,
    status: application.status,
    steps: steps.map((s) => ({
      stepId: s.id,
      matterName: s.matter_name,
      departmentCode: s.department_code,
      departmentName: name.get(s.department_code) ?? s.department_code,
      status: s.status,
      decidedAt: s.decided_at?.toISOString() ?? null,
      rateable: isRateableStep(s.status),
      rating: given(s.id),
    })),
    application: { rateable: isRateableApplication(application.status), rating: given(null) },
  };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';

const ratingsList: Scope<{ departmentCode: string | undefined }> = {
  name: 'department',
  resolve: ({ user }) => {
    if (!user) throw forbidden('sign in first');
    return { departmentCode: user.role === 'staff' ? (user.departmentCode ?? '-') : undefined };
  },
};

export const ratingRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/public/ratings',
    summary: 'What a case lets its investor rate (case number + query password), and the ratings given',
    tag: 'public',
    access: 'public',
    scope: { name: 'none', resolve: () => undefined },
    query: RatingLookupQuery,
    handler: ({ req, deps, query }) => rateables(deps, req, query.caseNo, query.password),
  }),

  defineRoute({
    method: 'post',
    path: '/api/public/ratings',
    summary:
      'Rate a decided step or the closed application (1-5); 2 or less needs a comment and opens a rectification task',
    tag: 'public',
    access: 'public',
    scope: { name: 'none', resolve: () => undefined },
    body: RatingBody,
    success: 201,
    idempotent: true,
    handler: async ({ req, res, deps, body }) => {
      const application = await caseByPassword(deps, req, body.caseNo, body.password);
      const step = body.stepId ? await stepsRepo.find(deps.db, body.stepId) : undefined;
      if (body.stepId && (!step || step.application_id !== application.id)) {
        throw badRequest('no such step in this case', [{ field: 'body.stepId', message: 'not a step of this case' }]);
      }
      const refusal = ratingRefusal(
        step ? { kind: 'step', status: step.status } : { kind: 'application', status: application.status },
      );
      if (refusal) throw refusalError(refusal);
      const staffId = step ? await ratingsRepo.deciderOf(deps.db, step.id) : null;
      const comment = body.comment?.trim() || null;

      let answer: ReturnType<typeof ratingView>;
      try {
        answer = await deps.db.transaction().execute(async (trx) => {
          const rating = await ratingsRepo.insert(trx, {
            applicationId: application.id,
            caseNo: application.case_no,
            stepId: step?.id ?? null,
            matterCode: step?.matter_code ?? null,
            departmentCode: step?.department_code ?? null,
            attempt: step?.attempt ?? null,
            staffId,
            score: body.score,
            comment,
          });
          const rectificationNo = isBadRating(body.score)
            ? await openRectification(trx, deps.config, { rating, application, step: step ?? null })
            : null;
          const view = ratingView(rating, rectificationNo);
          await settleIdempotencyKey(res, trx, 201, view);
          return view;
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw refusalError({
          kind: 'Conflict',
          code: 'already_rated',
          message: step ? 'this step has been rated already' : 'this application has been rated already',
          params: step ? { stepId: step.id } : {},
        });
      }
      if (answer.rectificationNo) await startComplaintWorkflowLogged(deps, answer.rectificationNo);
      return answer;
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/ratings',
    summary: "Ratings for the assessment (staff: their department's), newest first",
    tag: 'complaints',
    access: ['supervisor', 'admin', 'staff'],
    scope: ratingsList,
    query: RatingListQuery,
    handler: async ({ deps, query, resource }) => {
      const rows = await ratingsRepo.list(deps.db, {
        from: query.from,
        to: query.to,
        departmentCode: resource.departmentCode,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      const tasks = new Map(
        (
          await complaintsRepo.byRatings(
            deps.db,
            rows.map((r) => r.id),
          )
        ).map((c) => [c.rating_id, c.id]),
      );
      return rows.map((r) => ratingView(r, tasks.get(r.id) ?? null));
    },
  }),
];
