// The whole-project clock (全流程用时): working days used since launch against the project's target
// (≤ 120 nationally, 90 in some cities), and the completion the plan projects from where every step
// stands now. Computed on read from the step rows and the working-time source, so a step that
// moves, a deadline that changes or a calendar edit shows at once, with nothing stored.
//
// Projection of one step (each at its promised limit):
// - decided (approved): ended when decided;
// - in review: its current deadline (extensions and correction pauses already in it); past it and
//   still open, today;
// - paused (correction, special procedure) after acceptance: the deadline it would get if the clock
//   ran again now, i.e. moved by the working days paused so far (the step workflow's own rule);
// - at the window, or paused before acceptance: accepted today, then its promised limit;
// - not started (blocked), or to be started again (rejected, failed): from when its prerequisites
//   are projected to end (today at the earliest), then its promised limit;
// - cancelled: out of the plan.
// The projected completion is the latest end; the critical path is the chain of steps that drives it.
import type { WorkingTime } from './calendar';
import type { ApplicationStatus, StepStatus } from './model';

export type ProjectLight = 'green' | 'yellow' | 'red' | 'none';

/** The national target for a whole construction project, in working days. */
export const DEFAULT_PROJECT_TARGET_WORKDAYS = 120;
/** Yellow once the projection passes this share of the target. */
export const PROJECT_YELLOW_RATIO = 0.8;

/** What the clock reads of one step (a step row, named in the domain's words). */
export interface ClockStep {
  id: string;
  matterCode: string;
  prerequisites: readonly string[];
  status: StepStatus;
  promisedLimitDays: number;
  submittedAt: Date | null;
  acceptedAt: Date | null;
  deadline: Date | null;
  decidedAt: Date | null;
  /** When the clock stopped, while it stands still (correction or special procedure). */
  pausedSince: Date | null;
}

export interface ClockApplication {
  status: ApplicationStatus;
  createdAt: Date;
  /** Fixed at launch (PROJECT_TARGET_WORKDAYS then). */
  targetWorkdays: number;
  /** When the application last changed: a withdrawn project's clock stops there. */
  updatedAt: Date;
  steps: readonly ClockStep[];
}

/** One step on the plan's timeline: what happened, or what is projected. */
export interface ScheduledStep {
  stepId: string;
  matterCode: string;
  status: StepStatus;
  /** When it started (submitted), or is expected to start. */
  start: Date;
  /** When it ended (decided), or is projected to end. */
  end: Date;
  /** Working days from the launch to `start` and to `end` (for a timeline on working days). */
  startDay: number;
  endDay: number;
  /** Still to be decided: `end` is a projection. */
  open: boolean;
  /** On the critical path (the open chain that sets the projected completion). */
  critical: boolean;
}

export interface ProjectClock {
  targetWorkdays: number;
  /** Working days since the launch (the launch day not counted), up to now or to the end of a closed project. */
  workdaysUsed: number;
  /** The projected completion (the actual one once completed); null for a withdrawn project. */
  projectedCompletion: Date | null;
  /** Working days from the launch to the projected completion. */
  projectedWorkdays: number | null;
  /** Projected working days beyond the target (negative: to spare). */
  overrunWorkdays: number | null;
  /** Green, yellow past 80 % of the target, red past the target; none once closed. */
  light: ProjectLight;
  /** The open steps that drive the projection, in order. */
  criticalPath: string[];
  /** Every step that is or was in the plan (cancelled ones left out), by start, then end. */
  schedule: ScheduledStep[];
}

/** The project light for a projected duration: yellow when it passes 80 % of the target, red when it passes the target. */
export function projectLight(projectedWorkdays: number, targetWorkdays: number): Exclude<ProjectLight, 'none'> {
  if (projectedWorkdays > targetWorkdays) return 'red';
  if (projectedWorkdays > PROJECT_YELLOW_RATIO * targetWorkdays) return 'yellow';
  return 'green';
}

/** Order of risk on the supervisor's board: red, yellow, green, none. */
export const LIGHT_RISK: Record<ProjectLight, number> = { red: 0, yellow: 1, green: 2, none: 3 };

/** Sorts projects by risk: red before yellow before green, then the larger projected overrun first. */
export function compareProjectRisk(
  a: Pick<ProjectClock, 'light' | 'overrunWorkdays'>,
  b: Pick<ProjectClock, 'light' | 'overrunWorkdays'>,
): number {
  return (
    LIGHT_RISK[a.light] - LIGHT_RISK[b.light] || (b.overrunWorkdays ?? -Infinity) - (a.overrunWorkdays ?? -Infinity)
  );
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

interface Projected {
  start: Date;
  end: Date;
  open: boolean;
  /** The prerequisite whose projected end sets this step's start, if any. */
  driver: string | null;
}

/** Projects every step of the plan (see the rules at the top of this file); cancelled steps are left out. */
export function projectSteps(steps: readonly ClockStep[], time: WorkingTime, now: Date): Map<string, Projected> {
  const byCode = new Map(steps.map((s) => [s.matterCode, s]));
  const done = new Map<string, Projected | null>();
  const visiting = new Set<string>();

  const project = (s: ClockStep): Projected | null => {
    if (done.has(s.matterCode)) return done.get(s.matterCode)!;
    // A cycle cannot come from the catalog (the plan refuses one); guard anyway so a bad row cannot hang a read.
    if (visiting.has(s.matterCode)) return null;
    visiting.add(s.matterCode);
    const result = projectOne(s);
    visiting.delete(s.matterCode);
    done.set(s.matterCode, result);
    return result;
  };

  const expectedStart = (s: ClockStep): { start: Date; driver: string | null } => {
    // The open prerequisite that ends last drives the start (even one overdue, projected to end today).
    let driver: { code: string; end: Date } | null = null;
    for (const code of s.prerequisites) {
      const pre = byCode.get(code);
      const p = pre && project(pre);
      if (p && p.open && (!driver || p.end.getTime() > driver.end.getTime())) driver = { code, end: p.end };
    }
    return { start: driver ? later(driver.end, now) : now, driver: driver?.code ?? null };
  };

  const projectOne = (s: ClockStep): Projected | null => {
    switch (s.status) {
      case 'cancelled':
        return null;
      case 'approved': {
        const end = s.decidedAt ?? now;
        return { start: s.submittedAt ?? s.acceptedAt ?? end, end, open: false, driver: null };
      }
      case 'blocked':
      case 'rejected':
      case 'failed': {
        const { start, driver } = expectedStart(s);
        return { start, end: time.deadlineAfter(start, s.promisedLimitDays), open: true, driver };
      }
      case 'submitted':
      case 'in_review':
      case 'awaiting_supplement': {
        const start = s.submittedAt ?? s.acceptedAt ?? now;
        let end: Date;
        if (s.acceptedAt === null || s.deadline === null) {
          // Not accepted yet: accepted today at the earliest, then the promised limit.
          end = time.deadlineAfter(now, s.promisedLimitDays);
        } else if (s.pausedSince !== null) {
          end = time.shiftDeadline(s.deadline, time.workdaysBetween(s.pausedSince, now));
        } else {
          end = s.deadline;
        }
        return { start, end: later(end, now), open: true, driver: null };
      }
    }
  };

  const all = new Map<string, Projected>();
  for (const s of steps) {
    const p = project(s);
    if (p) all.set(s.id, p);
  }
  return all;
}

/** The project clock of one application, now. */
export function projectClock(app: ClockApplication, time: WorkingTime, now: Date): ProjectClock {
  const projected = projectSteps(app.steps, time, now);
  const byCode = new Map(app.steps.map((s) => [s.matterCode, s]));
  const open = app.steps.filter((s) => projected.get(s.id)?.open);
  const closed = app.status === 'completed' || app.status === 'withdrawn';

  // The open step that ends last (ties: the first in row order), then back along the prerequisites that set each start.
  const criticalPath: string[] = [];
  if (!closed && open.length > 0) {
    let last = open[0]!;
    for (const s of open) if (projected.get(s.id)!.end.getTime() > projected.get(last.id)!.end.getTime()) last = s;
    for (let s: ClockStep | undefined = last; s;) {
      criticalPath.unshift(s.id);
      const driver: string | null = projected.get(s.id)!.driver;
      s = driver ? byCode.get(driver) : undefined;
    }
  }

  const decidedEnds = app.steps.flatMap((s) => (s.status === 'approved' && s.decidedAt ? [s.decidedAt] : []));
  let completion: Date | null;
  if (app.status === 'withdrawn') completion = null;
  else if (app.status === 'completed' || open.length === 0) {
    completion = decidedEnds.reduce<Date | null>((a, b) => (a ? later(a, b) : b), null) ?? app.updatedAt;
  } else completion = projected.get(criticalPath[criticalPath.length - 1]!)!.end;

  const stoppedAt = app.status === 'withdrawn' ? app.updatedAt : app.status === 'completed' ? completion! : now;
  const workdaysUsed = time.workdaysBetween(app.createdAt, stoppedAt);
  const projectedWorkdays = completion ? time.workdaysBetween(app.createdAt, completion) : null;
  const critical = new Set(criticalPath);
  return {
    targetWorkdays: app.targetWorkdays,
    workdaysUsed,
    projectedCompletion: completion,
    projectedWorkdays,
    overrunWorkdays: projectedWorkdays === null ? null : projectedWorkdays - app.targetWorkdays,
    light: closed || projectedWorkdays === null ? 'none' : projectLight(projectedWorkdays, app.targetWorkdays),
    criticalPath,
    schedule: app.steps
      .flatMap((s) => {
        const p = projected.get(s.id);
        if (!p) return [];
        return [
          {
            stepId: s.id,
            matterCode: s.matterCode,
            status: s.status,
            start: p.start,
            end: p.end,
            startDay: time.workdaysBetween(app.createdAt, p.start),
            endDay: time.workdaysBetween(app.createdAt, p.end),
            open: p.open,
            critical: critical.has(s.id),
          },
        ];
      })
      .sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime()),
  };
}
