// The working-day calendar: the published table plus admin entries. An edit recomputes the
// deadlines of every open step (each step workflow is told, and records it in its timeline).
import { addCivilDays, shanghaiDate, WorkCalendar } from '../../domain/calendar';
import { auditRepo } from '../../db/repositories/audit';
import { calendarRepo } from '../../db/repositories/calendar';
import { stepsRepo } from '../../db/repositories/steps';
import { publishedHolidayDays, publishedHolidayTable } from '../../lib/holiday-table';
import { calendarChangedSignal, stepWorkflowId } from '../../workflows/shared';
import { scopes } from '../access';
import type { AppDeps } from '../deps';
import { isTemporalUnavailable, notFound, unavailable } from '../errors';
import { CalendarDayBody, CalendarQuery, DateParams } from '../schemas';
import { notifyOpenComplaints } from '../services/complaints';
import { notifyOpenWarnings } from '../services/warnings';
import { callTemporal } from '../temporal-call';
import { defineRoute } from './define';

/**
 * Tells every open step to recompute; a step that closed meanwhile is skipped. All signals share
 * one deadline; if Temporal does not answer, the request is a 503 and its retry (saving the same
 * entry again and signalling again, both harmless) reaches the steps.
 */
async function notifyOpenSteps(deps: AppDeps, note: string): Promise<number> {
  const open = await stepsRepo.openSteps(deps.db);
  let unreachable: unknown;
  await callTemporal(deps, () =>
    Promise.all(
      open.map((s) =>
        deps.temporal.workflow
          .getHandle(stepWorkflowId(s.application_id, s.matter_code))
          .signal(calendarChangedSignal, { note })
          .catch((err: unknown) => {
            if (isTemporalUnavailable(err)) unreachable ??= err;
            else deps.log.warn({ err, stepId: s.id }, 'calendar change not delivered');
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
}

export const calendarRoutes = [
  // Anyone may read which days are working days (the service guide counts in them).
  defineRoute({
    method: 'get',
    path: '/api/calendar',
    summary: 'Holidays and 调休 working days of a year, admin entries, warnings',
    tag: 'service guide',
    access: 'public',
    scope: scopes.none,
    query: CalendarQuery,
    handler: async ({ deps, query }) => {
      const today = shanghaiDate(new Date());
      const year = query.year ?? Number(today.slice(0, 4));
      const entries = await calendarRepo.overrides(deps.db);
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
      return {
        year,
        // Non-working days and 调休 working days; every other weekday is a working day.
        days: days.filter((d) => d.source !== 'weekday' || !d.workday),
        adminEntries: entries,
        // The State Council's published days of the year (holidays and 调休 working days), by name,
        // beside which the admin's own entries are read.
        published: publishedHolidayDays().filter((d) => d.date.startsWith(`${year}-`)),
        missingYears: missing,
        warnings: missing.map(
          (y) => `no holiday table for ${y}: enter the State Council's schedule before deadlines reach it`,
        ),
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/api/calendar/days',
    summary: 'Mark a day as working day or holiday; open deadlines are recomputed',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    body: CalendarDayBody,
    success: 201,
    idempotent: true,
    handler: async ({ deps, user, body }) => {
      // The entry and its audit row commit together, before the open steps are told.
      await deps.db.transaction().execute(async (trx) => {
        await calendarRepo.put(trx, { ...body, createdBy: user.username });
        await auditRepo.record(trx, {
          actor: user,
          action: 'calendar_day_saved',
          target: body.date,
          detail: { workday: body.workday, note: body.note },
        });
      });
      const note = `${body.date} ${body.workday ? 'working day' : 'holiday'}: ${body.note}`;
      const recomputed = await notifyOpenSteps(deps, note);
      const complaints = await notifyOpenComplaints(deps, note);
      const warnings = await notifyOpenWarnings(deps, note);
      return {
        ...body,
        openStepsRecomputed: recomputed,
        openComplaintsRecomputed: complaints,
        openWarningsRecomputed: warnings,
      };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/api/calendar/days/:date',
    summary: 'Remove an admin entry; open deadlines are recomputed',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: DateParams,
    handler: async ({ deps, user, params: { date } }) => {
      await deps.db.transaction().execute(async (trx) => {
        if (!(await calendarRepo.remove(trx, date))) throw notFound('calendar entry');
        await auditRepo.record(trx, { actor: user, action: 'calendar_day_removed', target: date, detail: {} });
      });
      const recomputed = await notifyOpenSteps(deps, `${date} entry removed`);
      const complaints = await notifyOpenComplaints(deps, `${date} entry removed`);
      const warnings = await notifyOpenWarnings(deps, `${date} entry removed`);
      return {
        date,
        removed: true,
        openStepsRecomputed: recomputed,
        openComplaintsRecomputed: complaints,
        openWarningsRecomputed: warnings,
      };
    },
  }),
];
