// The working-day calendar: the published table plus admin entries. An edit recomputes the
// deadlines of every open step (each step workflow is told, and records it in its timeline).
import { Router } from 'express';
import type { z } from 'zod';
import { addCivilDays, shanghaiDate, WorkCalendar } from '../../domain/calendar';
import { auditRepo } from '../../db/repositories/audit';
import { calendarRepo } from '../../db/repositories/calendar';
import { stepsRepo } from '../../db/repositories/steps';
import { publishedHolidayTable } from '../../lib/holiday-table';
import { calendarChangedSignal, stepWorkflowId } from '../../workflows/shared';
import { currentUser } from '../auth';
import type { AppDeps } from '../deps';
import { isTemporalUnavailable, notFound, unavailable } from '../errors';
import { CalendarDayBody, CalendarQuery, DateParams } from '../schemas';
import { callTemporal } from '../temporal-call';
import { validate } from '../validate';

export function createCalendarRouter(deps: AppDeps): Router {
  const { db, temporal, log } = deps;
  const router = Router();

  /**
   * Tells every open step to recompute; a step that closed meanwhile is skipped. All signals share
   * one deadline; if Temporal does not answer, the request is a 503 and its retry (saving the same
   * entry again and signalling again, both harmless) reaches the steps.
   */
  const notifyOpenSteps = async (note: string) => {
    const open = await stepsRepo.openSteps(db);
    let unreachable: unknown;
    await callTemporal(deps, () =>
      Promise.all(
        open.map((s) =>
          temporal.workflow
            .getHandle(stepWorkflowId(s.application_id, s.matter_code))
            .signal(calendarChangedSignal, { note })
            .catch((err: unknown) => {
              if (isTemporalUnavailable(err)) unreachable ??= err;
              else log.warn({ err, stepId: s.id }, 'calendar change not delivered');
            }),
        ),
      ),
    );
    if (unreachable !== undefined) {
      throw unavailable('the calendar entry is saved, but the open steps could not be told; send it again', {
        cause: unreachable,
      });
    }
    return open.length;
  };

  // Anyone may read which days are working days (the service guide counts in them).
  router.get('/api/calendar', validate({ query: CalendarQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof CalendarQuery>;
    const today = shanghaiDate(new Date());
    const year = q.year ?? Number(today.slice(0, 4));
    const entries = await calendarRepo.overrides(db);
    const calendar = new WorkCalendar(publishedHolidayTable(), entries);
    const days: Array<{ date: string; workday: boolean; source: 'admin' | 'table' | 'weekday' }> = [];
    const table = publishedHolidayTable();
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addCivilDays(d, 1)) {
      const entry = entries.find((e) => e.date === d);
      const weekend = [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
      const inTable = table.holidays.has(d) || table.makeupWorkdays.has(d);
      if (!entry && !inTable && !weekend) continue;
      days.push({ date: d, workday: calendar.isWorkday(d), source: entry ? 'admin' : inTable ? 'table' : 'weekday' });
    }
    const thisYear = Number(today.slice(0, 4));
    const missing = calendar.missingYears(thisYear, thisYear + 1);
    res.json({
      year,
      // Non-working days and 调休 working days; every other weekday is a working day.
      days: days.filter((d) => d.source !== 'weekday' || !d.workday),
      adminEntries: entries,
      missingYears: missing,
      warnings: missing.map(
        (y) => `no holiday table for ${y}: enter the State Council's schedule before deadlines reach it`,
      ),
    });
  });

  router.post('/api/calendar/days', validate({ body: CalendarDayBody }), async (req, res) => {
    const body = req.body as z.infer<typeof CalendarDayBody>;
    await calendarRepo.put(db, { ...body, createdBy: currentUser(res).username });
    await auditRepo.record(db, {
      actor: currentUser(res),
      action: 'calendar_day_saved',
      target: body.date,
      detail: { workday: body.workday, note: body.note },
    });
    const recomputed = await notifyOpenSteps(`${body.date} ${body.workday ? 'working day' : 'holiday'}: ${body.note}`);
    res.status(201).json({ ...body, openStepsRecomputed: recomputed });
  });

  router.delete('/api/calendar/days/:date', validate({ params: DateParams }), async (req, res) => {
    const date = req.params.date as string;
    if (!(await calendarRepo.remove(db, date))) throw notFound('calendar entry');
    await auditRepo.record(db, { actor: currentUser(res), action: 'calendar_day_removed', target: date, detail: {} });
    const recomputed = await notifyOpenSteps(`${date} entry removed`);
    res.json({ date, removed: true, openStepsRecomputed: recomputed });
  });

  return router;
}
