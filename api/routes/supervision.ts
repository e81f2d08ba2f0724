// The supervision office (督查协调室): cases, the board of yellow and red steps, statistics;
// and the department's answer to a case.
import { statsRepo } from '../../db/repositories/stats';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { createWorkingTimeSource } from '../../lib/working-time';
import { answerCaseUpdate, stepWorkflowId } from '../../workflows/shared';
import { scopes, stepViewer } from '../access';
import { asActor } from '../auth';
import { AnswerCaseBody, CaseIdParams, CaseListQuery, InboxQuery, MonthlyStatsQuery, StatsQuery } from '../schemas';
import { callTemporal } from '../temporal-call';
import { toCaseView, toStepView, withRemaining } from '../views';
import { answerComplaintCase } from '../services/complaints';
import { defineRoute, type AnyRoute } from './define';

export const supervisionRoutes: AnyRoute[] = [
  // Supervisors and admins see every case; staff see their own department's.
  defineRoute({
    method: 'get',
    path: '/api/supervision/cases',
    summary: 'Supervision cases (staff: their department)',
    tag: 'supervision',
    access: ['supervisor', 'admin', 'staff'],
    scope: scopes.departmentList,
    query: CaseListQuery,
    handler: async ({ deps, query, resource }) =>
      (
        await supervisionRepo.list(deps.db, {
          status: query.status,
          departmentCode: resource.departmentCode,
          limit: query.pageSize,
          offset: (query.page - 1) * query.pageSize,
        })
      ).map(toCaseView),
  }),

  defineRoute({
    method: 'post',
    path: '/api/supervision/cases/:id/answer',
    summary: "Answer a supervision case addressed to the user's department",
    tag: 'supervision',
    access: ['staff'],
    scope: scopes.departmentCase,
    params: CaseIdParams,
    body: AnswerCaseBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: found, updateId }) => {
      // A case about a complaint's late reply is answered on the complaint's workflow.
      if (found.complaint_id) return answerComplaintCase(deps, user, found, body.answer, updateId);
      const step = (await stepsRepo.find(deps.db, found.step_id!))!;
      await callTemporal(deps, () =>
        deps.temporal.workflow
          .getHandle(stepWorkflowId(step.application_id, step.matter_code))
          .executeUpdate(answerCaseUpdate, {
            args: [{ actor: asActor(user), caseId: found.id, answer: body.answer }],
            updateId,
          }),
      );
      return toCaseView((await supervisionRepo.find(deps.db, found.id))!);
    },
  }),

  // Supervisors and admins own no application.
  defineRoute({
    method: 'get',
    path: '/api/supervision/board',
    summary: 'Yellow and red steps, most urgent first',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    scope: scopes.none,
    query: InboxQuery,
    handler: async ({ deps, user, query }) => {
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const viewer = stepViewer(user, false, deps.config);
      return (await stepsRepo.board(deps.db, query.pageSize, (query.page - 1) * query.pageSize)).map((s) =>
        withRemaining(toStepView(s, viewer), time),
      );
    },
  }),

  // Per department: decided steps in the period, on time, overdue, average working days used.
  defineRoute({
    method: 'get',
    path: '/api/stats/departments',
    summary: 'Per department: decided, on time, overdue, average working days',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    scope: scopes.none,
    query: StatsQuery,
    handler: async ({ deps, query }) =>
      (await statsRepo.departments(deps.db, { from: query.from, to: query.to })).map((r) => {
        const decided = Number(r.decided);
        const onTime = Number(r.on_time);
        return {
          departmentCode: r.department_code,
          decided,
          onTime,
          overdue: Number(r.overdue),
          onTimeRate: decided === 0 ? null : Math.round((onTime / decided) * 1000) / 1000,
          avgWorkdays: r.avg_workdays === null ? null : Math.round(Number(r.avg_workdays) * 10) / 10,
        };
      }),
  }),

  // On-time rate per department and month (Asia/Shanghai), for the chart over time.
  defineRoute({
    method: 'get',
    path: '/api/stats/monthly',
    summary: 'On-time rate per department and month',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    scope: scopes.none,
    query: MonthlyStatsQuery,
    handler: async ({ deps, query }) =>
      (await statsRepo.monthly(deps.db, new Date(Date.now() - query.months * 31 * 86_400_000))).map((r) => ({
        month: r.month,
        departmentCode: r.department_code,
        decided: Number(r.decided),
        onTime: Number(r.on_time),
        onTimeRate: Math.round((Number(r.on_time) / Number(r.decided)) * 1000) / 1000,
      })),
  }),
];
