// The supervision office (督查协调室): cases, the board of yellow and red steps, statistics;
// and the department's answer to a case.
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { applyAnsweredStepReports } from '../../db/read-model';
import { statsRepo } from '../../db/repositories/stats';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { createWorkingTimeSource } from '../../lib/working-time';
import { answerCaseUpdate, stepWorkflowId } from '../../workflows/shared';
import { scopes, stepViewer, stepViewerFor } from '../access';
import { asActor } from '../auth';
import {
  AnswerCaseBody,
  CaseIdParams,
  CaseListQuery,
  InboxQuery,
  MonthlyStatsQuery,
  ProjectBoardQuery,
  StatsQuery,
} from '../schemas';
import { projectsByRisk } from '../services/project-clock';
import { withContexts } from '../services/step-context';
import { callTemporal } from '../temporal-call';
import { conflict } from '../errors';
import { answerComplaintCase } from '../services/complaints';
import { answerWarningCase } from '../services/warnings';
import { overdueWorkdays, stepRefusal, toCaseView, toStepView, withRemaining } from '../views';
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
    handler: async ({ deps, query, resource }) => {
      const cases = await supervisionRepo.list(deps.db, {
        status: query.status,
        departmentCode: resource.departmentCode,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      // Each case also names its matter and project.
      // (A case about a complaint's or a warning's late reply has neither: it links to it.)
      const [steps, names] = await Promise.all([
        stepsRepo.findMany(
          deps.db,
          cases.flatMap((c) => (c.step_id ? [c.step_id] : [])),
        ),
        applicationsRepo.namesOf(
          deps.db,
          cases.flatMap((c) => (c.application_id ? [c.application_id] : [])),
        ),
      ]);
      const matterOf = new Map(steps.map((s) => [s.id, s.matter_name]));
      return cases.map((c) => ({
        ...toCaseView(c),
        matterName: (c.step_id && matterOf.get(c.step_id)) || null,
        projectName: (c.application_id && names.get(c.application_id)?.project.name) || null,
      }));
    },
  }),

  // One case with what a reader needs to act on it: the step as it is now (with its project,
  // last urge and open case), every case of the step (the escalation ladder) and the step's events.
  defineRoute({
    method: 'get',
    path: '/api/supervision/cases/:id',
    summary: 'One supervision case with its step, its ladder and the step’s history',
    tag: 'supervision',
    access: ['supervisor', 'admin', 'staff'],
    scope: scopes.departmentCase,
    params: CaseIdParams,
    handler: async ({ deps, user, resource: found }) => {
      // A complaint's or a warning's case is read with it (GET /api/complaints/:id, /api/warnings/:id).
      if (found.warning_id) throw conflict(`case ${found.id} is about warning ${found.warning_id}: open the warning`);
      if (!found.step_id)
        throw conflict(`case ${found.id} is about complaint ${found.complaint_id}: open the complaint`);
      const step = (await stepsRepo.find(deps.db, found.step_id))!;
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const viewer = await stepViewerFor(deps, user, step.application_id);
      const [stepView] = await withContexts(deps.db, [step], [withRemaining(toStepView(step, viewer), time)]);
      const [ladder, events] = await Promise.all([
        supervisionRepo.listForStep(deps.db, step.id),
        eventsRepo.ofStep(deps.db, step.id),
      ]);
      return {
        ...toCaseView(found),
        matterName: step.matter_name,
        projectName: stepView!.projectName,
        step: stepView,
        ladder: ladder.map(toCaseView),
        events: events.map((e) => ({
          at: e.at.toISOString(),
          type: e.type,
          actor: { id: e.actor_id, displayName: e.actor_name },
          stepId: e.step_id,
          detail: e.detail,
        })),
      };
    },
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
      // And one about a warning's late reply, on the warning's.
      if (found.warning_id) return answerWarningCase(deps, user, found, body.answer, updateId);
      const step = (await stepsRepo.find(deps.db, found.step_id!))!;
      const answered = await callTemporal(deps, () =>
        deps.temporal.workflow
          .getHandle(stepWorkflowId(step.application_id, step.matter_code))
          .executeUpdate(answerCaseUpdate, {
            args: [{ actor: asActor(user), caseId: found.id, answer: body.answer }],
            updateId,
          }),
      );
      await applyAnsweredStepReports(deps.db, answered.reports);
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
      const steps = await stepsRepo.board(deps.db, query.pageSize, (query.page - 1) * query.pageSize);
      const now = new Date();
      // Each row also names its project, how many working days it is overdue, its last urge and
      // open case, and why it cannot be extended or urged now (the refusal's code and parameters).
      return withContexts(
        deps.db,
        steps,
        steps.map((s) => {
          const view = withRemaining(toStepView(s, viewer), time, now);
          return {
            ...view,
            overdueWorkdays: overdueWorkdays(view, time, now),
            extensionRefusal: stepRefusal('extend', s, viewer, now.getTime()),
            urgeRefusal: stepRefusal('urge', s, viewer, now.getTime()),
          };
        }),
      );
    },
  }),

  // The project board (全流程用时): every open project by risk, its clock and the step it waits on.
  defineRoute({
    method: 'get',
    path: '/api/supervision/projects',
    summary: 'Open projects by risk: red, yellow, green, then the larger projected overrun first',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    scope: scopes.none,
    query: ProjectBoardQuery,
    handler: async ({ deps, query }) => {
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const { items, total, counts } = await projectsByRisk(deps.db, time, {
        light: query.light,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      return { items, total, counts, page: query.page, pageSize: query.pageSize };
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
      (await statsRepo.monthly(deps.db, query.months)).map((r) => ({
        month: r.month,
        departmentCode: r.department_code,
        decided: Number(r.decided),
        onTime: Number(r.on_time),
        onTimeRate: Math.round((Number(r.on_time) / Number(r.decided)) * 1000) / 1000,
      })),
  }),
];
