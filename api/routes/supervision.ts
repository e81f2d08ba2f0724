// The supervision office (督查协调室): cases, the board of yellow and red steps, statistics;
// and the department's answer to a case.
import { Router } from 'express';
import { sql } from 'kysely';
import type { z } from 'zod';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { answerCaseUpdate, stepWorkflowId } from '../../workflows/shared';
import { asActor, currentUser } from '../auth';
import type { AppDeps } from '../deps';
import { forbidden, notFound } from '../errors';
import { AnswerCaseBody, CaseIdParams, CaseListQuery, InboxQuery, MonthlyStatsQuery, StatsQuery } from '../schemas';
import { toCaseView, toStepView, withRemaining } from '../views';
import { createWorkingTimeSource } from '../../activities/calendar';
import { callTemporal } from '../temporal-call';
import { validate } from '../validate';
import { updateIdFrom } from './steps';

export function createSupervisionRouter(deps: AppDeps): Router {
  const { db, temporal, config } = deps;
  const router = Router();
  const workingTime = createWorkingTimeSource(db, config.workdaySeconds);

  // Supervisors and admins see every case; staff see their own department's.
  router.get('/api/supervision/cases', validate({ query: CaseListQuery }), async (_req, res) => {
    const user = currentUser(res);
    const q = res.locals.query as z.infer<typeof CaseListQuery>;
    const cases = await supervisionRepo.list(db, {
      status: q.status,
      departmentCode: user.role === 'staff' ? user.departmentCode! : undefined,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    res.json(cases.map(toCaseView));
  });

  router.post(
    '/api/supervision/cases/:id/answer',
    validate({ params: CaseIdParams, body: AnswerCaseBody }),
    async (req, res) => {
      const user = currentUser(res);
      const caseId = req.params.id as string;
      // A case id names its step (<step>-A<attempt>-L<level>): another department is refused
      // before anything says whether the case exists.
      const caseStep = await stepsRepo.find(db, caseId.replace(/-A\d+-L\d+$/, ''));
      if (caseStep && caseStep.department_code !== user.departmentCode) {
        throw forbidden('this case is addressed to another department');
      }
      const found = await supervisionRepo.find(db, caseId);
      if (!found) throw notFound('supervision case');
      if (found.department_code !== user.departmentCode)
        throw forbidden('this case is addressed to another department');
      const step = (await stepsRepo.find(db, found.step_id))!;
      await callTemporal(deps, () =>
        temporal.workflow
          .getHandle(stepWorkflowId(step.application_id, step.matter_code))
          .executeUpdate(answerCaseUpdate, {
            args: [
              { actor: asActor(user), caseId: found.id, answer: (req.body as z.infer<typeof AnswerCaseBody>).answer },
            ],
            updateId: updateIdFrom(res, req.get('Idempotency-Key')),
          }),
      );
      res.json(toCaseView((await supervisionRepo.find(db, found.id))!));
    },
  );

  router.get('/api/supervision/board', validate({ query: InboxQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof InboxQuery>;
    const time = await workingTime.current();
    res.json(
      (await stepsRepo.board(db, q.pageSize, (q.page - 1) * q.pageSize)).map((s) => withRemaining(toStepView(s), time)),
    );
  });

  // Per department: decided steps in the period, on time, overdue, average working days used.
  router.get('/api/stats/departments', validate({ query: StatsQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof StatsQuery>;
    let query = db
      .selectFrom('steps')
      .select((eb) => [
        'department_code',
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', false).as('on_time'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', true).as('overdue'),
        sql<number | null>`avg(workdays_used)`.as('avg_workdays'),
      ])
      .where('decided_at', 'is not', null)
      .groupBy('department_code')
      .orderBy('department_code');
    if (q.from) query = query.where('decided_at', '>=', new Date(`${q.from}T00:00:00+08:00`));
    if (q.to) query = query.where('decided_at', '<', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
    const rows = await query.execute();
    res.json(
      rows.map((r) => {
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
    );
  });

  // On-time rate per department and month (Asia/Shanghai), for the chart over time.
  router.get('/api/stats/monthly', validate({ query: MonthlyStatsQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof MonthlyStatsQuery>;
    const since = new Date(Date.now() - q.months * 31 * 86_400_000);
    const month = sql<string>`to_char(decided_at at time zone 'Asia/Shanghai', 'YYYY-MM')`;
    const rows = await db
      .selectFrom('steps')
      .select((eb) => [
        month.as('month'),
        'department_code',
        eb.fn.countAll<number>().as('decided'),
        eb.fn.count<number>('id').filterWhere('overdue', '=', false).as('on_time'),
      ])
      .where('decided_at', '>=', since)
      .groupBy([month, 'department_code'])
      .orderBy(month)
      .orderBy('department_code')
      .execute();
    res.json(
      rows.map((r) => ({
        month: r.month,
        departmentCode: r.department_code,
        decided: Number(r.decided),
        onTime: Number(r.on_time),
        onTimeRate: Math.round((Number(r.on_time) / Number(r.decided)) * 1000) / 1000,
      })),
    );
  });

  return router;
}
