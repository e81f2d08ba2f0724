// The whole-project clock (全流程用时) as the API answers it: the rule is domain/project-clock.ts; this
// reads the rows it needs (the steps of the applications in question, in one query) and the working
// time the lights and deadlines use, and names steps and departments for the reader.
import type { Kysely } from 'kysely';
import {
  compareProjectRisk,
  projectClock,
  type ClockStep,
  type ProjectClock,
  type ProjectLight,
} from '../../domain/project-clock';
import type { WorkingTime } from '../../domain/calendar';
import { indexedWorkingTime } from '../../domain/workday-index';
import { applicationsRepo } from '../../db/repositories/applications';
import { departmentsRepo } from '../../db/repositories/departments';
import { stepsRepo } from '../../db/repositories/steps';
import type { ApplicationRow, Database, StepRow } from '../../db/schema';
import type { UserView } from '../auth';
import { toProjectClockView, type ProjectPlanView, type ProjectRiskRow, type ScheduleEntryView } from '../views';

/** What the clock reads of a step row. */
export type ClockStepRow = Pick<
  StepRow,
  | 'id'
  | 'application_id'
  | 'matter_code'
  | 'matter_name'
  | 'department_code'
  | 'prerequisites'
  | 'status'
  | 'promised_limit_days'
  | 'submitted_at'
  | 'accepted_at'
  | 'deadline'
  | 'decided_at'
  | 'pause'
>;

/** What the clock reads of an application row. */
export type ClockApplicationRow = Pick<
  ApplicationRow,
  'id' | 'status' | 'created_at' | 'updated_at' | 'target_workdays'
>;

const clockStep = (s: ClockStepRow): ClockStep => ({
  id: s.id,
  matterCode: s.matter_code,
  prerequisites: s.prerequisites,
  status: s.status,
  promisedLimitDays: s.promised_limit_days,
  submittedAt: s.submitted_at,
  acceptedAt: s.accepted_at,
  deadline: s.deadline,
  decidedAt: s.decided_at,
  pausedSince: s.pause ? new Date(s.pause.since) : null,
});

export function clockOf(
  application: ClockApplicationRow,
  steps: readonly ClockStepRow[],
  time: WorkingTime,
  now: Date,
): ProjectClock {
  return projectClock(
    {
      status: application.status,
      createdAt: application.created_at,
      updatedAt: application.updated_at,
      targetWorkdays: application.target_workdays,
      steps: steps.map(clockStep),
    },
    time,
    now,
  );
}

/** The department names by code (the read paths name departments beside their codes). */
export async function departmentNames(db: Kysely<Database>): Promise<Map<string, string>> {
  return new Map((await departmentsRepo.list(db)).map((d) => [d.code, d.name]));
}

/**
 * The clock, critical path and schedule of one application. Staff see their own department's steps
 * in full and of the others only what and where (no dates), as on the application's step list.
 */
export function toProjectPlanView(
  clock: ProjectClock,
  steps: readonly ClockStepRow[],
  names: ReadonlyMap<string, string>,
  user: UserView,
): ProjectPlanView {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const entries = clock.schedule.map((e): ScheduleEntryView => {
    const s = byId.get(e.stepId)!;
    const base = {
      stepId: e.stepId,
      matterCode: e.matterCode,
      matterName: s.matter_name,
      departmentCode: s.department_code,
      departmentName: names.get(s.department_code) ?? s.department_code,
      status: e.status,
      open: e.open,
      critical: e.critical,
    };
    if (user.role === 'staff' && s.department_code !== user.departmentCode) return base;
    return {
      ...base,
      start: e.start.toISOString(),
      end: e.end.toISOString(),
      startDay: e.startDay,
      endDay: e.endDay,
    };
  });
  const entryOf = new Map(entries.map((e) => [e.stepId, e]));
  return {
    projectClock: toProjectClockView(clock),
    criticalPath: clock.criticalPath.map((id) => entryOf.get(id)!),
    ...(user.role === 'staff' ? {} : { schedule: entries }),
  };
}

/** The clocks of a page of applications: one query for all their steps. */
export async function clocksOf(
  db: Kysely<Database>,
  applications: readonly ClockApplicationRow[],
  time: WorkingTime,
  now: Date,
): Promise<Map<string, ProjectClock>> {
  const steps = await stepsRepo.clockRowsOf(
    db,
    applications.map((a) => a.id),
  );
  const byApplication = new Map<string, ClockStepRow[]>();
  for (const s of steps) {
    const list = byApplication.get(s.application_id) ?? [];
    list.push(s);
    byApplication.set(s.application_id, list);
  }
  const fast = indexedWorkingTime(time);
  return new Map(applications.map((a) => [a.id, clockOf(a, byApplication.get(a.id) ?? [], fast, now)]));
}

/**
 * Every open project (in progress or needing attention), by risk: red, yellow, green, then the
 * larger projected overrun first; a page of it. Sorting needs every open project's clock: two
 * queries (the open applications, then all their steps) and the rule in memory.
 */
export async function projectsByRisk(
  db: Kysely<Database>,
  time: WorkingTime,
  filter: { light?: ProjectLight; limit: number; offset: number },
  now = new Date(),
): Promise<{
  items: ProjectRiskRow[];
  total: number;
  counts: Record<Exclude<ProjectLight, 'none'>, number>;
}> {
  const [open, steps, names] = await Promise.all([
    applicationsRepo.listOpenForClock(db),
    stepsRepo.clockRowsOfOpenApplications(db),
    departmentNames(db),
  ]);
  const stepsOf = new Map<string, ClockStepRow[]>();
  for (const s of steps) {
    const list = stepsOf.get(s.application_id) ?? [];
    list.push(s);
    stepsOf.set(s.application_id, list);
  }
  // Thousands of working-day sums: counted once into an index rather than day by day each time.
  const fast = indexedWorkingTime(time);
  const rows = open.map((a) => ({ a, clock: clockOf(a, stepsOf.get(a.id) ?? [], fast, now) }));
  const counts = { red: 0, yellow: 0, green: 0 };
  for (const r of rows) if (r.clock.light !== 'none') counts[r.clock.light]++;
  const listed = rows
    .filter((r) => !filter.light || r.clock.light === filter.light)
    .sort((x, y) => compareProjectRisk(x.clock, y.clock) || x.a.created_at.getTime() - y.a.created_at.getTime());
  const page = listed.slice(filter.offset, filter.offset + filter.limit);
  return {
    total: listed.length,
    counts,
    items: page.map(({ a, clock }) => {
      const first = clock.criticalPath[0];
      const step = first ? stepsOf.get(a.id)!.find((s) => s.id === first) : undefined;
      const entry = first ? clock.schedule.find((e) => e.stepId === first) : undefined;
      return {
        id: a.id,
        caseNo: a.case_no,
        projectName: a.project.name,
        projectCode: a.project.code,
        investorName: a.investor.name,
        status: a.status,
        createdAt: a.created_at.toISOString(),
        projectClock: toProjectClockView(clock),
        waitingOn:
          step && entry
            ? {
                stepId: step.id,
                matterCode: step.matter_code,
                matterName: step.matter_name,
                departmentCode: step.department_code,
                departmentName: names.get(step.department_code) ?? step.department_code,
                status: step.status,
                start: entry.start.toISOString(),
                end: entry.end.toISOString(),
                startDay: entry.startDay,
                endDay: entry.endDay,
                open: entry.open,
                critical: true,
              }
            : null,
        criticalSteps: clock.criticalPath.length,
      };
    }),
  };
}
