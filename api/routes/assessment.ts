// The assessment (量化考核) for the supervision office and the general office: the table of a month
// or a quarter by department or by staff member, scored with the published weights; its export as
// XLSX or PDF; the on-time trend for the charts; the weights (read by whoever reads the table,
// published by the admin); and the public monthly ranking of departments (公示, no personal data).
import { z } from 'zod';
import {
  ASSESSMENT_VIEWS,
  monthOf,
  monthsEndingWith,
  MONTH_PATTERN,
  parsePeriod,
  PERIOD_PATTERN,
  publicRankingRow,
  type PublicRanking,
  WEIGHT_FIELDS,
  WEIGHT_MAX,
  weightProblems,
  type AssessmentPeriod,
  type AssessmentView,
  type WeightField,
} from '../../domain/assessment';
import { assessmentRepo } from '../../db/repositories/assessment';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { renderAssessmentPdf } from '../../lib/assessment-pdf';
import { renderAssessmentXlsx, type AssessmentExport } from '../../lib/assessment-xlsx';
import { scopes } from '../access';
import { asActor } from '../auth';
import type { AppDeps } from '../deps';
import { HttpError } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { assessmentTable, currentWeights, toWeightsView } from '../services/assessment';
import { contentDisposition } from './documents';
import { defineRoute, type AnyRoute } from './define';

const READERS = ['supervisor', 'admin'] as const;

/** The period a label names; a label of the right shape naming no period (year 1999) is one issue too. */
const toPeriod = (label: string, ctx: z.RefinementCtx): AssessmentPeriod => {
  const period = parsePeriod(label);
  if (!period) ctx.addIssue({ code: 'custom', message: 'no such period' });
  return period ?? (z.NEVER as AssessmentPeriod);
};
/** `2026-11` or `2026-Q4`. */
const PeriodInput = z
  .string()
  .regex(PERIOD_PATTERN, 'must be a month (YYYY-MM) or a quarter (YYYY-Qn)')
  .transform(toPeriod);
const MonthInput = z.string().regex(MONTH_PATTERN, 'must be a month (YYYY-MM)').transform(toPeriod);
const View = z.enum(ASSESSMENT_VIEWS);

const AssessmentQuery = z.strictObject({ period: PeriodInput, by: View.default('department') });
const ExportQuery = z.strictObject({
  period: PeriodInput,
  /** One view; without it both (the spreadsheet always has both, a sheet each). */
  by: View.optional(),
  format: z.enum(['xlsx', 'pdf']),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
const TrendQuery = z.strictObject({
  /** The last month shown (default: the current month, Asia/Shanghai). */
  to: MonthInput.optional(),
  months: z.coerce.number().int().min(1).max(24).default(6),
});
const PublicRankingQuery = z.strictObject({ period: MonthInput });
const HistoryQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const weightShape = Object.fromEntries(
  WEIGHT_FIELDS.map((f) => [f, z.number().min(0, 'must not be negative').max(WEIGHT_MAX, `at most ${WEIGHT_MAX}`)]),
) as Record<WeightField, z.ZodNumber>;

export const WeightsBody = z
  .strictObject({
    /** The version the admin edited (0 for the built-in defaults): publishing over a newer one is refused. */
    version: z.number().int().min(0),
    weights: z.strictObject(weightShape),
  })
  .superRefine((b, ctx) => {
    for (const p of weightProblems(b.weights))
      ctx.addIssue({ code: 'custom', path: ['weights', p.field], message: p.message });
  });

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function exportOf(
  deps: AppDeps,
  period: AssessmentPeriod,
  views: AssessmentView[],
  now: Date,
): Promise<AssessmentExport> {
  const [weights, departments] = await Promise.all([currentWeights(deps.db), departmentsRepo.list(deps.db)]);
  return {
    centerName: deps.config.centerName,
    period: period.label,
    views: await Promise.all(
      views.map(async (by) => ({ by, rows: await assessmentTable(deps.db, period, by, weights.weights, now) })),
    ),
    weights,
    generatedAt: now,
    departmentNames: new Map(departments.map((d) => [d.code, d.name])),
  };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === '23505';
const weightsChanged = (version: number) =>
  new HttpError(
    409,
    'conflict',
    'the weights were changed since they were read; read them again',
    undefined,
    {},
    { reason: 'weights_changed', params: { version } },
  );

export const assessmentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/assessment',
    summary: 'The assessment of a month or quarter by department or staff member, scored with the weights in force',
    tag: 'assessment',
    access: [...READERS],
    scope: scopes.none,
    query: AssessmentQuery,
    handler: async ({ deps, query }) =>
      assessmentTable(deps.db, query.period, query.by, (await currentWeights(deps.db)).weights),
  }),

  defineRoute({
    method: 'get',
    path: '/api/assessment/export',
    summary: 'The assessment as a file: XLSX (a sheet per view and the weights) or PDF (Simplified Chinese)',
    tag: 'assessment',
    access: [...READERS],
    scope: scopes.none,
    query: ExportQuery,
    handler: async ({ deps, res, query }) => {
      const views: AssessmentView[] = query.format === 'xlsx' || !query.by ? ['department', 'staff'] : [query.by];
      // The spreadsheet puts the view asked for first.
      if (query.format === 'xlsx' && query.by === 'staff') views.reverse();
      const data = await exportOf(deps, query.period, views, new Date());
      const bytes =
        query.format === 'xlsx'
          ? await renderAssessmentXlsx(data, query.lang)
          : await renderAssessmentPdf(data, query.lang);
      const base = `assessment-${query.period.label}${query.format === 'pdf' && query.by ? `-${query.by}` : ''}`;
      const chinese = `量化考核-${query.period.label}`;
      res
        .status(200)
        .set({
          'Content-Type': query.format === 'xlsx' ? XLSX_TYPE : 'application/pdf',
          'Content-Length': String(bytes.length),
          'Content-Disposition': contentDisposition(`${base}.${query.format}`, `${chinese}.${query.format}`).replace(
            /^inline/,
            'attachment',
          ),
          'Cache-Control': 'private, no-store',
        })
        .send(bytes);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/assessment/trend',
    summary: 'Decided and on time per department and month, for the on-time chart',
    tag: 'assessment',
    access: [...READERS],
    scope: scopes.none,
    query: TrendQuery,
    handler: async ({ deps, query }) => {
      const months = monthsEndingWith(query.to?.label ?? monthOf(new Date()), query.months);
      const from = parsePeriod(months[0]!)!.from;
      const to = parsePeriod(months[months.length - 1]!)!.to;
      const rows = await assessmentRepo.trend(deps.db, { from, to });
      return {
        months,
        rows: rows.map((r) => ({
          ...r,
          onTimeRate: r.decided === 0 ? null : Math.round((r.onTime / r.decided) * 1000) / 1000,
        })),
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/assessment/weights',
    summary: 'The weights in force, who published them and when, and the scoring rule',
    tag: 'assessment',
    access: [...READERS],
    scope: scopes.none,
    handler: ({ deps }) => currentWeights(deps.db),
  }),

  defineRoute({
    method: 'get',
    path: '/api/assessment/weights/history',
    summary: 'Every published version of the weights, newest first',
    tag: 'assessment',
    access: [...READERS],
    scope: scopes.none,
    query: HistoryQuery,
    handler: async ({ deps, query }) =>
      (await assessmentRepo.weightsHistory(deps.db, query.limit)).map((r) => toWeightsView(r)),
  }),

  defineRoute({
    method: 'put',
    path: '/api/assessment/weights',
    summary: 'Publish new weights (non-negative, named fields); refused when the weights changed since read',
    tag: 'assessment',
    access: ['admin'],
    scope: scopes.none,
    body: WeightsBody,
    idempotent: true,
    handler: async ({ deps, res, user, body }) => {
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const current = toWeightsView(await assessmentRepo.currentWeights(trx));
          if (body.version !== current.version) throw weightsChanged(current.version);
          // Two publications of the same version at once: the primary key lets one in.
          const row = await assessmentRepo.insertWeights(trx, {
            version: current.version + 1,
            weights: body.weights,
            actor: asActor(user),
          });
          await auditRepo.record(trx, {
            actor: asActor(user),
            action: 'assessment_weights_published',
            target: `assessment-weights/${row.version}`,
            detail: { version: row.version, weights: body.weights, previous: current.weights },
          });
          const view = toWeightsView(row);
          await settleIdempotencyKey(res, trx, 200, view);
          return view;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw weightsChanged(body.version + 1);
        throw err;
      }
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/public/assessment/ranking',
    summary: 'The monthly ranking of departments (公示): figures and scores, no personal data',
    tag: 'public',
    access: 'public',
    scope: scopes.none,
    query: PublicRankingQuery,
    handler: async ({ deps, query }) => {
      const weights = await currentWeights(deps.db);
      const now = new Date();
      const rows = await assessmentTable(deps.db, query.period, 'department', weights.weights, now);
      // Departments only, and only the figures: never a person, a case or a complaint.
      const answer: PublicRanking = {
        period: query.period.label,
        final: query.period.to.getTime() <= now.getTime(),
        weights: {
          version: weights.version,
          weights: weights.weights,
          changedAt: weights.changedAt,
          rule: weights.rule,
        },
        rows: rows.map(publicRankingRow),
      };
      return answer;
    },
  }),
];
