import { TrainingClock, WorkCalendar } from '../../domain/calendar';
import {
  compareProjectRisk,
  projectClock,
  projectLight,
  type ClockApplication,
  type ClockStep,
} from '../../domain/project-clock';
import { publishedHolidayTable } from '../../lib/holiday-table';

const calendar = new WorkCalendar(publishedHolidayTable());
const at = (iso: string) => new Date(iso);
/** The end of a civil day in Shanghai (deadlines end there). */
const endOf = (date: string) => at(`${date}T15:59:59.999Z`);

// Launched Monday 2026-11-23 10:00 in Shanghai; read Friday 2026-11-27 10:00 (4 working days later).
const LAUNCH = at('2026-11-23T02:00:00Z');
const NOW = at('2026-11-27T02:00:00Z');

function step(matterCode: string, over: Partial<ClockStep> = {}): ClockStep {
  return {
    id: `APP-${matterCode}`,
    matterCode,
    prerequisites: [],
    status: 'blocked',
    promisedLimitDays: 10,
    submittedAt: null,
    acceptedAt: null,
    deadline: null,
    decidedAt: null,
    pausedSince: null,
    ...over,
  };
}

function app(steps: ClockStep[], over: Partial<ClockApplication> = {}): ClockApplication {
  return { status: 'in_progress', createdAt: LAUNCH, updatedAt: LAUNCH, targetWorkdays: 120, steps, ...over };
}

const filingApproved = step('FILING', {
  status: 'approved',
  promisedLimitDays: 1,
  submittedAt: LAUNCH,
  acceptedAt: LAUNCH,
  deadline: endOf('2026-11-24'),
  decidedAt: at('2026-11-24T02:00:00Z'),
});

describe('the whole-project clock (domain/project-clock.ts)', () => {
  it('when steps run in parallel, then the branch that ends last sets the projection and is the critical path', () => {
    const clock = projectClock(
      app([
        filingApproved,
        step('LAND', {
          prerequisites: ['FILING'],
          status: 'in_review',
          submittedAt: at('2026-11-24T02:00:00Z'),
          acceptedAt: at('2026-11-24T02:00:00Z'),
          deadline: endOf('2026-12-08'),
        }),
        step('EIA', {
          prerequisites: ['FILING'],
          status: 'in_review',
          promisedLimitDays: 15,
          submittedAt: at('2026-11-24T02:00:00Z'),
          acceptedAt: at('2026-11-24T02:00:00Z'),
          deadline: endOf('2026-12-15'),
        }),
      ]),
      calendar,
      NOW,
    );
    expect(clock.projectedCompletion).toEqual(endOf('2026-12-15'));
    expect(clock.criticalPath).toEqual(['APP-EIA']);
    expect(clock.workdaysUsed).toBe(4);
    // Nov 24–27 (4), Nov 30–Dec 4 (5), Dec 7–11 (5), Dec 14–15 (2).
    expect(clock.projectedWorkdays).toBe(16);
    expect(clock.light).toBe('green');
    const done = clock.schedule.find((s) => s.stepId === 'APP-FILING')!;
    expect(done).toMatchObject({ open: false, critical: false, startDay: 0, endDay: 1 });
  });

  it('when steps wait for prerequisites, then each starts when its prerequisites are projected to end', () => {
    const clock = projectClock(
      app([
        // At the window since the launch, not yet accepted: accepted today at the earliest.
        step('FILING', { status: 'submitted', promisedLimitDays: 1, submittedAt: LAUNCH }),
        step('LAND', { prerequisites: ['FILING'] }),
        step('PLANNING', { prerequisites: ['LAND'], promisedLimitDays: 7 }),
        step('FOREST', { prerequisites: ['FILING'], promisedLimitDays: 10 }),
      ]),
      calendar,
      NOW,
    );
    // FILING: Monday Nov 30; LAND: 10 working days later, Dec 14; PLANNING: 7 more, Dec 23.
    expect(clock.projectedCompletion).toEqual(endOf('2026-12-23'));
    expect(clock.criticalPath).toEqual(['APP-FILING', 'APP-LAND', 'APP-PLANNING']);
    const forest = clock.schedule.find((s) => s.stepId === 'APP-FOREST')!;
    expect(forest).toMatchObject({ start: endOf('2026-11-30'), end: endOf('2026-12-14'), critical: false });
    expect(clock.projectedWorkdays).toBe(22);
  });

  it('when a step waits for several prerequisites, then the one that ends last drives it', () => {
    const clock = projectClock(
      app([
        filingApproved,
        step('EIA', {
          prerequisites: ['FILING'],
          status: 'in_review',
          submittedAt: LAUNCH,
          acceptedAt: LAUNCH,
          deadline: endOf('2026-12-10'),
        }),
        step('FOREST', {
          prerequisites: ['FILING'],
          status: 'in_review',
          submittedAt: LAUNCH,
          acceptedAt: LAUNCH,
          deadline: endOf('2026-12-03'),
        }),
        step('PERMIT', { prerequisites: ['FOREST', 'EIA', 'FILING'], promisedLimitDays: 5 }),
      ]),
      calendar,
      NOW,
    );
    expect(clock.criticalPath).toEqual(['APP-EIA', 'APP-PERMIT']);
    expect(clock.projectedCompletion).toEqual(endOf('2026-12-17'));
  });

  it('when a step is paused for a correction, then it ends later by the working days paused so far', () => {
    const inReview = step('LAND', {
      status: 'in_review',
      submittedAt: LAUNCH,
      acceptedAt: LAUNCH,
      deadline: endOf('2026-12-07'),
    });
    const running = projectClock(app([inReview]), calendar, NOW);
    expect(running.projectedCompletion).toEqual(endOf('2026-12-07'));
    // Paused since Tuesday: Wednesday, Thursday and Friday stood still.
    const paused = projectClock(
      app([{ ...inReview, status: 'awaiting_supplement', pausedSince: at('2026-11-24T03:00:00Z') }]),
      calendar,
      NOW,
    );
    expect(paused.projectedCompletion).toEqual(endOf('2026-12-10'));
    // A special procedure (听证, 鉴定 …) stops the clock the same way while the step stays in review.
    const special = projectClock(app([{ ...inReview, pausedSince: at('2026-11-24T03:00:00Z') }]), calendar, NOW);
    expect(special.projectedCompletion).toEqual(endOf('2026-12-10'));
    // Paused at the window, before acceptance: accepted today at the earliest.
    const atWindow = projectClock(
      app([step('LAND', { status: 'awaiting_supplement', submittedAt: LAUNCH, pausedSince: LAUNCH })]),
      calendar,
      NOW,
    );
    expect(atWindow.projectedCompletion).toEqual(endOf('2026-12-11'));
  });

  it('when the calendar gains a holiday inside the plan, then the projection moves a working day later', () => {
    const steps = [
      step('FILING', { status: 'submitted', promisedLimitDays: 1, submittedAt: LAUNCH }),
      step('LAND', { prerequisites: ['FILING'] }),
    ];
    const before = projectClock(app(steps), calendar, NOW);
    expect(before.projectedCompletion).toEqual(endOf('2026-12-14'));
    const withHoliday = new WorkCalendar(publishedHolidayTable(), [{ date: '2026-12-08', workday: false }]);
    expect(projectClock(app(steps), withHoliday, NOW).projectedCompletion).toEqual(endOf('2026-12-15'));
    // A 调休 Saturday inside it brings it back a day.
    const withMakeup = new WorkCalendar(publishedHolidayTable(), [
      { date: '2026-12-08', workday: false },
      { date: '2026-12-12', workday: true },
    ]);
    expect(projectClock(app(steps), withMakeup, NOW).projectedCompletion).toEqual(endOf('2026-12-14'));
  });

  it('when a statutory holiday week lies ahead, then the projection skips it', () => {
    // Read on Friday 2026-09-25: the National Day week (Oct 1–7 off, Saturday Oct 10 a working day).
    const now = at('2026-09-25T02:00:00Z');
    const clock = projectClock(
      app([step('FILING', { status: 'submitted', promisedLimitDays: 5, submittedAt: now })], { createdAt: now }),
      calendar,
      now,
    );
    // Sep 28, 29, 30, Oct 8, 9.
    expect(clock.projectedCompletion).toEqual(endOf('2026-10-09'));
  });

  it('when an open step is past its deadline, then it is projected to end today and still drives its dependents', () => {
    const clock = projectClock(
      app([
        step('FILING', {
          status: 'in_review',
          promisedLimitDays: 1,
          submittedAt: LAUNCH,
          acceptedAt: LAUNCH,
          deadline: endOf('2026-11-24'),
        }),
        step('LAND', { prerequisites: ['FILING'], promisedLimitDays: 2 }),
      ]),
      calendar,
      NOW,
    );
    expect(clock.schedule[0]!.end).toEqual(NOW);
    expect(clock.criticalPath).toEqual(['APP-FILING', 'APP-LAND']);
    expect(clock.projectedCompletion).toEqual(endOf('2026-12-01'));
  });

  it('when a step was rejected, then it is projected to start again today', () => {
    const clock = projectClock(
      app(
        [
          filingApproved,
          step('LAND', {
            prerequisites: ['FILING'],
            status: 'rejected',
            promisedLimitDays: 3,
            submittedAt: LAUNCH,
            acceptedAt: LAUNCH,
            decidedAt: LAUNCH,
          }),
        ],
        { status: 'needs_attention' },
      ),
      calendar,
      NOW,
    );
    expect(clock.projectedCompletion).toEqual(endOf('2026-12-02'));
    expect(clock.criticalPath).toEqual(['APP-LAND']);
  });

  it('when the projection passes 80 % of the target, then the project is yellow; past the target, red', () => {
    expect(projectLight(96, 120)).toBe('green');
    expect(projectLight(97, 120)).toBe('yellow');
    expect(projectLight(120, 120)).toBe('yellow');
    expect(projectLight(121, 120)).toBe('red');
    const steps = [
      step('FILING', { status: 'submitted', promisedLimitDays: 1, submittedAt: LAUNCH }),
      step('LAND', { prerequisites: ['FILING'] }),
    ];
    // 15 working days projected (4 used, Monday Nov 30, then 10 more).
    expect(projectClock(app(steps, { targetWorkdays: 19 }), calendar, NOW).light).toBe('green');
    expect(projectClock(app(steps, { targetWorkdays: 18 }), calendar, NOW).light).toBe('yellow');
    expect(projectClock(app(steps, { targetWorkdays: 15 }), calendar, NOW).light).toBe('yellow');
    expect(projectClock(app(steps, { targetWorkdays: 14 }), calendar, NOW)).toMatchObject({
      light: 'red',
      projectedWorkdays: 15,
      overrunWorkdays: 1,
    });
  });

  it('when the project is completed or withdrawn, then its clock stops and it has no light', () => {
    const completed = projectClock(app([filingApproved], { status: 'completed' }), calendar, NOW);
    expect(completed).toMatchObject({
      light: 'none',
      workdaysUsed: 1,
      projectedWorkdays: 1,
      projectedCompletion: filingApproved.decidedAt,
      criticalPath: [],
    });
    const withdrawn = projectClock(
      app([{ ...filingApproved, status: 'cancelled' }], { status: 'withdrawn', updatedAt: at('2026-11-25T02:00:00Z') }),
      calendar,
      NOW,
    );
    expect(withdrawn).toMatchObject({ light: 'none', workdaysUsed: 2, projectedCompletion: null, schedule: [] });
  });

  it('when the training clock runs, then the projection counts its working days', () => {
    const clock = new TrainingClock(10);
    const launch = at('2026-11-27T00:00:00Z');
    const now = at('2026-11-27T00:00:25Z');
    const result = projectClock(
      app(
        [
          step('FILING', { status: 'submitted', promisedLimitDays: 1, submittedAt: launch }),
          step('LAND', { prerequisites: ['FILING'], promisedLimitDays: 3 }),
        ],
        { createdAt: launch, targetWorkdays: 6 },
      ),
      clock,
      now,
    );
    expect(result.workdaysUsed).toBe(3);
    // Accepted now (25 s), 1 day to 35 s, 3 more to 65 s: 7 working days of 10 s, begun.
    expect(result.projectedCompletion).toEqual(at('2026-11-27T00:01:05Z'));
    expect(result).toMatchObject({ projectedWorkdays: 7, light: 'red' });
  });

  it('sorts projects red before yellow before green, the larger overrun first', () => {
    const rows = [
      { id: 'g', light: 'green' as const, overrunWorkdays: -40 },
      { id: 'r1', light: 'red' as const, overrunWorkdays: 3 },
      { id: 'y', light: 'yellow' as const, overrunWorkdays: -5 },
      { id: 'r2', light: 'red' as const, overrunWorkdays: 12 },
    ];
    expect(rows.sort(compareProjectRisk).map((r) => r.id)).toEqual(['r2', 'r1', 'y', 'g']);
  });
});
