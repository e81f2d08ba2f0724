// Applications: the plan preview, the launch, the list, one application with its steps and
// timeline, withdrawal, resubmission, and the joint sessions of an application.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { applicationsRepo } from '../../db/repositories/applications';
import { departmentsRepo } from '../../db/repositories/departments';
import { eventsRepo } from '../../db/repositories/events';
import { sessionsRepo } from '../../db/repositories/sessions';
import { stepsRepo } from '../../db/repositories/steps';
import type { Database, StepRow } from '../../db/schema';
import { createWorkingTimeSource } from '../../lib/working-time';
import {
  applicationWorkflowId,
  resubmitUpdate,
  scheduleSessionUpdate,
  stepWorkflowId,
  withdrawUpdate,
} from '../../workflows/shared';
import { ownsApplication, readsQueryPassword, scopes, stepViewer } from '../access';
import { asActor, type UserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, unavailable } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import {
  ApplicationListQuery,
  CreateApplicationBody,
  IdParams,
  PlanBody,
  ResubmitBody,
  SessionBody,
  WithdrawBody,
} from '../schemas';
import {
  applicationServiceDeps,
  launchApplication,
  planFromCatalog,
  updateApplication,
} from '../services/applications';
import { clockOf, clocksOf, departmentNames, toProjectPlanView } from '../services/project-clock';
import {
  toApplicationSummary,
  toProjectClockView,
  toSessionView,
  toStepView,
  withRemaining,
  type StepViewerOf,
} from '../views';
import { defineRoute, type AnyRoute } from './define';

const READERS = ['officer', 'staff', 'supervisor', 'admin'] as const;

/** Staff see their own department's steps in full and only the progress of the others. */
function stepsFor(user: UserView, steps: StepRow[], viewer: StepViewerOf) {
  return steps.map((s) => {
    const view = toStepView(s, viewer);
    if (user.role !== 'staff' || s.department_code === user.departmentCode) return view;
    return {
      id: view.id,
      applicationId: view.applicationId,
      matterCode: view.matterCode,
      departmentCode: view.departmentCode,
      status: view.status,
      light: view.light,
    };
  });
}

/** The application as its officer sees it after an action: summary and every step. */
async function applicationWithSteps(
  deps: AppDeps,
  officer: UserView,
  id: string,
  from: Kysely<Database> | Transaction<Database> = deps.db,
) {
  const viewer = stepViewer(officer, true, deps.config);
  return {
    ...toApplicationSummary((await applicationsRepo.find(from, id))!, readsQueryPassword(officer)),
    steps: (await stepsRepo.listByApplication(from, id)).map((s) => toStepView(s, viewer)),
  };
}

/** The Temporal Web UI page of a workflow, for supervisors following a case into the engine. */
const workflowLink = (deps: AppDeps, workflowId: string) =>
  `${deps.config.temporalUiUrl}/namespaces/${encodeURIComponent(deps.config.temporalNamespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`;

export const applicationRoutes: AnyRoute[] = [
  // The plan as the wizard shows it before launch: prerequisites added, levels, the critical path.
  defineRoute({
    method: 'post',
    path: '/api/plan',
    summary: 'Preview the plan of a joint review',
    tag: 'applications',
    access: ['officer', 'supervisor', 'admin'],
    scope: scopes.none,
    body: PlanBody,
    handler: async ({ deps, body }) => {
      const { catalog, plan } = await planFromCatalog(deps.db, body.matters);
      // The longest chain of promised limits: what the whole review takes if every step uses its limit.
      const longest = new Map<string, number>();
      for (const p of plan) {
        const own = catalog.get(p.matterCode)!.promisedLimitDays;
        longest.set(p.matterCode, own + Math.max(0, ...p.prerequisites.map((q) => longest.get(q) ?? 0)));
      }
      return {
        steps: plan.map((p) => {
          const m = catalog.get(p.matterCode)!;
          return {
            ...p,
            matterName: m.name,
            departmentCode: m.departmentCode,
            stage: m.stage,
            promisedLimitDays: m.promisedLimitDays,
            fee: m.fee,
          };
        }),
        addedPrerequisites: plan.filter((p) => p.addedAsPrerequisite).map((p) => p.matterCode),
        promisedWorkdaysOnCriticalPath: Math.max(0, ...longest.values()),
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/applications',
    summary: 'Launch a joint review',
    tag: 'applications',
    access: ['officer'],
    scope: scopes.none,
    body: CreateApplicationBody,
    success: 201,
    idempotent: true,
    handler: async ({ req, res, deps, user, body }) => {
      // The answer is recorded against the Idempotency-Key in the launch transaction itself: a retry
      // finds this application even when this process dies, or Temporal fails, before answering.
      let answer: Awaited<ReturnType<typeof applicationWithSteps>> | undefined;
      const { applicationId, startError } = await launchApplication(
        applicationServiceDeps(deps),
        user,
        body,
        async (trx, id) => {
          answer = await applicationWithSteps(deps, user, id, trx);
          await settleIdempotencyKey(res, trx, 201, answer);
        },
      );
      if (startError !== undefined) {
        req.log.warn({ err: startError, applicationId }, 'workflow not started; launch recovery will start it');
        throw unavailable(
          `application ${applicationId} is recorded but its review could not be started yet; ` +
            'it starts by itself once the workflow service answers (retry with the same Idempotency-Key to get it)',
        );
      }
      res.location(`/api/applications/${applicationId}`);
      return answer;
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/applications',
    summary: 'Applications (an officer sees their own)',
    tag: 'applications',
    access: ['officer', 'supervisor', 'admin'],
    scope: scopes.ownerList,
    query: ApplicationListQuery,
    handler: async ({ deps, query, resource }) => {
      const { items, total, totalCapped } = await applicationsRepo.list(deps.db, {
        status: query.status,
        q: query.q,
        officerId: resource.officerId,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      });
      // Each row carries its project clock: one query for the steps of the page.
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const clocks = await clocksOf(deps.db, items, time, new Date());
      return {
        items: items.map((a) => ({ ...toApplicationSummary(a), projectClock: toProjectClockView(clocks.get(a.id)!) })),
        total,
        // A search stops counting at SEARCH_COUNT_CAP: then `total` is the cap and there are more.
        ...(totalCapped ? { totalCapped } : {}),
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/applications/:id',
    summary: 'One application with its steps',
    tag: 'applications',
    access: READERS,
    scope: scopes.readableApplication,
    params: IdParams,
    handler: async ({ deps, user, resource: { application, steps } }) => {
      const viewer = stepViewer(user, ownsApplication(user, application.officer_id, deps.config), deps.config);
      const time = await createWorkingTimeSource(deps.db, deps.config.workdaySeconds).current();
      const now = new Date();
      // The whole-project clock, computed from these rows and the working time now (nothing stored).
      const plan = toProjectPlanView(
        clockOf(application, steps, time, now),
        steps,
        await departmentNames(deps.db),
        user,
      );
      return {
        ...toApplicationSummary(application, readsQueryPassword(user)),
        projectClock: plan.projectClock,
        steps: stepsFor(user, steps, viewer).map((s) => ('deadline' in s ? withRemaining(s, time, now) : s)),
        criticalPath: plan.criticalPath,
        ...(plan.schedule ? { schedule: plan.schedule } : {}),
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/applications/:id/timeline',
    summary: 'The permanent timeline of an application',
    tag: 'applications',
    access: READERS,
    scope: scopes.readableApplication,
    params: IdParams,
    handler: async ({ deps, resource: { application, steps } }) => {
      const matterOf = new Map(steps.map((s) => [s.id, s.matter_code]));
      const events = await eventsRepo.timeline(deps.db, application.id);
      return events.map((e) => {
        const matter = e.step_id ? matterOf.get(e.step_id) : undefined;
        return {
          at: e.at.toISOString(),
          type: e.type,
          actor: { id: e.actor_id, displayName: e.actor_name },
          ...(e.step_id ? { stepId: e.step_id } : {}),
          detail: e.detail,
          workflowUrl: workflowLink(
            deps,
            matter ? stepWorkflowId(application.id, matter) : applicationWorkflowId(application.id),
          ),
        };
      });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/applications/:id/withdraw',
    summary: 'Withdraw the application; open steps are cancelled',
    tag: 'applications',
    access: ['officer'],
    scope: scopes.ownedApplication,
    params: IdParams,
    body: WithdrawBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: application, updateId }) => {
      await updateApplication(deps, application.id, withdrawUpdate, {
        args: [{ actor: asActor(user), reason: body.reason }],
        updateId,
      });
      return applicationWithSteps(deps, user, application.id);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/applications/:id/resubmit',
    summary: 'Resubmit a rejected matter as a new attempt',
    tag: 'applications',
    access: ['officer'],
    scope: scopes.ownedApplication,
    params: IdParams,
    body: ResubmitBody,
    idempotent: true,
    handler: async ({ deps, user, body, resource: application, updateId }) => {
      await updateApplication(deps, application.id, resubmitUpdate, {
        args: [{ actor: asActor(user), ...body }],
        updateId,
      });
      return applicationWithSteps(deps, user, application.id);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api/applications/:id/sessions',
    summary: 'Joint sessions of an application',
    tag: 'joint sessions',
    access: READERS,
    scope: scopes.readableApplication,
    params: IdParams,
    handler: async ({ deps, resource: { application } }) =>
      (await sessionsRepo.listByApplication(deps.db, application.id)).map(toSessionView),
  }),

  defineRoute({
    method: 'post',
    path: '/api/applications/:id/sessions',
    summary: 'Schedule a joint site inspection or review meeting',
    tag: 'joint sessions',
    access: ['officer'],
    scope: scopes.ownedApplication,
    params: IdParams,
    body: SessionBody,
    success: 201,
    idempotent: true,
    handler: async ({ deps, user, body, resource: application, updateId }) => {
      const known = new Set((await departmentsRepo.list(deps.db)).map((d) => d.code));
      const unknown = body.invitedDepartments.filter((d) => !known.has(d));
      if (unknown.length > 0) {
        throw badRequest(
          'unknown departments',
          unknown.map((d) => ({ field: 'body.invitedDepartments', message: `unknown department ${d}` })),
        );
      }
      const count = (await sessionsRepo.listByApplication(deps.db, application.id)).length;
      const sessionId = `${application.id}-S${count + 1}-${randomBytes(2).toString('hex').toUpperCase()}`;
      return updateApplication(deps, application.id, scheduleSessionUpdate, {
        args: [{ actor: asActor(user), sessionId, ...body, scheduledAt: new Date(body.scheduledAt).toISOString() }],
        updateId,
      });
    },
  }),

  // 技术详情: where the application and each of its steps run in the engine, for the supervision
  // office and the general office following a case into the Temporal Web UI (TEMPORAL_UI_URL).
  defineRoute({
    method: 'get',
    path: '/api/applications/:id/technical',
    summary: 'The workflows of an application and its steps, with Temporal Web UI links',
    tag: 'applications',
    access: ['supervisor', 'admin'],
    scope: scopes.readableApplication,
    params: IdParams,
    handler: ({ deps, resource: { application, steps } }) => {
      const workflowId = applicationWorkflowId(application.id);
      return {
        temporalUiUrl: deps.config.temporalUiUrl,
        namespace: deps.config.temporalNamespace ?? 'default',
        taskQueue: deps.config.taskQueue,
        application: { workflowId, url: workflowLink(deps, workflowId) },
        steps: steps.map((s) => {
          const id = stepWorkflowId(application.id, s.matter_code);
          return {
            stepId: s.id,
            matterName: s.matter_name,
            attempt: s.attempt,
            workflowId: id,
            url: workflowLink(deps, id),
          };
        }),
      };
    },
  }),
];
