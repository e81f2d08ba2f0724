import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { stepsRepo } from '../../db/repositories/steps';
import type { Database, StepRow } from '../../db/schema';
import { departmentsRepo } from '../../db/repositories/departments';
import { sessionsRepo } from '../../db/repositories/sessions';
import {
  applicationWorkflowId,
  resubmitUpdate,
  scheduleSessionUpdate,
  stepWorkflowId,
  withdrawUpdate,
} from '../../workflows/shared';
import { assertOfficerOwns, canReadApplication } from '../access';
import { asActor, currentUser, type UserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, forbidden, notFound, unavailable } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import { applicationServiceDeps, launchApplication, planFromCatalog } from '../services/applications';
import {
  ApplicationListQuery,
  CreateApplicationBody,
  IdParams,
  PlanBody,
  ResubmitBody,
  SessionBody,
  WithdrawBody,
} from '../schemas';
import { toApplicationSummary, toSessionView, toStepView, withRemaining } from '../views';
import { createWorkingTimeSource } from '../../activities/calendar';
import { updateIdFrom } from './steps';
import { callTemporal } from '../temporal-call';
import { validate } from '../validate';

/** Staff see their own department's steps in full and only the progress of the others. */
function stepsFor(user: UserView, steps: StepRow[]) {
  return steps.map((s) => {
    const view = toStepView(s);
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

export function createApplicationsRouter(deps: AppDeps): Router {
  const { db, config, temporal } = deps;
  const router = Router();
  const workingTime = createWorkingTimeSource(db, config.workdaySeconds);

  /** The application as its officer sees it after an action: summary and every step. */
  const applicationWithSteps = async (id: string, from: Kysely<Database> | Transaction<Database> = db) => ({
    ...toApplicationSummary((await applicationsRepo.find(from, id))!),
    steps: (await stepsRepo.listByApplication(from, id)).map(toStepView),
  });

  router.post('/api/applications', validate({ body: CreateApplicationBody }), async (req, res) => {
    // The answer is recorded against the Idempotency-Key in the launch transaction itself: a retry
    // finds this application even when this process dies, or Temporal fails, before answering.
    let answer: Awaited<ReturnType<typeof applicationWithSteps>> | undefined;
    const { applicationId, startError } = await launchApplication(
      applicationServiceDeps(deps),
      currentUser(res),
      req.body as z.infer<typeof CreateApplicationBody>,
      async (trx, id) => {
        answer = await applicationWithSteps(id, trx);
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
    res.status(201).location(`/api/applications/${applicationId}`).json(answer);
  });

  // The plan as the wizard shows it before launch: prerequisites added, levels, the critical path.
  router.post('/api/plan', validate({ body: PlanBody }), async (req, res) => {
    const { matters } = req.body as z.infer<typeof PlanBody>;
    const { catalog, plan } = await planFromCatalog(db, matters);
    // The longest chain of promised limits: what the whole review takes if every step uses its limit.
    const longest = new Map<string, number>();
    for (const p of plan) {
      const own = catalog.get(p.matterCode)!.promisedLimitDays;
      longest.set(p.matterCode, own + Math.max(0, ...p.prerequisites.map((q) => longest.get(q) ?? 0)));
    }
    res.json({
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
    });
  });

  router.get('/api/applications', validate({ query: ApplicationListQuery }), async (_req, res) => {
    const user = currentUser(res);
    const q = res.locals.query as z.infer<typeof ApplicationListQuery>;
    const { items, total } = await applicationsRepo.list(db, {
      status: q.status,
      q: q.q,
      officerId: user.role === 'officer' && !config.officersShareApplications ? user.id : undefined,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json({ items: items.map(toApplicationSummary), total, page: q.page, pageSize: q.pageSize });
  });

  const loadReadable = async (id: string, user: UserView) => {
    const application = await applicationsRepo.find(db, id);
    if (!application) throw notFound('application');
    const steps = await stepsRepo.listByApplication(db, id);
    if (!canReadApplication(user, steps)) throw forbidden('this application has no step of your department');
    return { application, steps };
  };

  router.get('/api/applications/:id', validate({ params: IdParams }), async (req, res) => {
    const user = currentUser(res);
    const { application, steps } = await loadReadable(req.params.id as string, user);
    const time = await workingTime.current();
    res.json({
      ...toApplicationSummary(application),
      steps: stepsFor(user, steps).map((s) => ('deadline' in s ? withRemaining(s, time) : s)),
    });
  });

  /** The Temporal Web UI page of a workflow, for supervisors following a case into the engine. */
  const workflowLink = (workflowId: string) =>
    `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}`;

  router.get('/api/applications/:id/timeline', validate({ params: IdParams }), async (req, res) => {
    const user = currentUser(res);
    const { application, steps } = await loadReadable(req.params.id as string, user);
    const matterOf = new Map(steps.map((s) => [s.id, s.matter_code]));
    const events = await eventsRepo.timeline(db, application.id);
    res.json(
      events.map((e) => {
        const matter = e.step_id ? matterOf.get(e.step_id) : undefined;
        return {
          at: e.at.toISOString(),
          type: e.type,
          actor: { id: e.actor_id, displayName: e.actor_name },
          ...(e.step_id ? { stepId: e.step_id } : {}),
          detail: e.detail,
          workflowUrl: workflowLink(
            matter ? stepWorkflowId(application.id, matter) : applicationWorkflowId(application.id),
          ),
        };
      }),
    );
  });

  const ownApplication = async (id: string, res: Response) => {
    const application = await applicationsRepo.find(db, id);
    if (!application) throw notFound('application');
    assertOfficerOwns(currentUser(res), application, config);
    return application;
  };
  const appHandle = (id: string) => temporal.workflow.getHandle(applicationWorkflowId(id));

  router.post(
    '/api/applications/:id/withdraw',
    validate({ params: IdParams, body: WithdrawBody }),
    async (req, res) => {
      const application = await ownApplication(req.params.id as string, res);
      const body = req.body as z.infer<typeof WithdrawBody>;
      await callTemporal(deps, () =>
        appHandle(application.id).executeUpdate(withdrawUpdate, {
          args: [{ actor: asActor(currentUser(res)), reason: body.reason }],
          updateId: updateIdFrom(res, req.get('Idempotency-Key')),
        }),
      );
      res.json(await applicationWithSteps(application.id));
    },
  );

  router.post(
    '/api/applications/:id/resubmit',
    validate({ params: IdParams, body: ResubmitBody }),
    async (req, res) => {
      const application = await ownApplication(req.params.id as string, res);
      const body = req.body as z.infer<typeof ResubmitBody>;
      await callTemporal(deps, () =>
        appHandle(application.id).executeUpdate(resubmitUpdate, {
          args: [{ actor: asActor(currentUser(res)), ...body }],
          updateId: updateIdFrom(res, req.get('Idempotency-Key')),
        }),
      );
      res.json(await applicationWithSteps(application.id));
    },
  );

  router.get('/api/applications/:id/sessions', validate({ params: IdParams }), async (req, res) => {
    const { application } = await loadReadable(req.params.id as string, currentUser(res));
    res.json((await sessionsRepo.listByApplication(db, application.id)).map(toSessionView));
  });

  router.post('/api/applications/:id/sessions', validate({ params: IdParams, body: SessionBody }), async (req, res) => {
    const application = await ownApplication(req.params.id as string, res);
    const body = req.body as z.infer<typeof SessionBody>;
    const known = new Set((await departmentsRepo.list(db)).map((d) => d.code));
    const unknown = body.invitedDepartments.filter((d) => !known.has(d));
    if (unknown.length > 0) {
      throw badRequest(
        'unknown departments',
        unknown.map((d) => ({ field: 'body.invitedDepartments', message: `unknown department ${d}` })),
      );
    }
    const count = (await sessionsRepo.listByApplication(db, application.id)).length;
    const sessionId = `${application.id}-S${count + 1}-${randomBytes(2).toString('hex').toUpperCase()}`;
    const session = await callTemporal(deps, () =>
      appHandle(application.id).executeUpdate(scheduleSessionUpdate, {
        args: [
          {
            actor: asActor(currentUser(res)),
            sessionId,
            ...body,
            scheduledAt: new Date(body.scheduledAt).toISOString(),
          },
        ],
        updateId: updateIdFrom(res, req.get('Idempotency-Key')),
      }),
    );
    res.status(201).json(session);
  });

  return router;
}
