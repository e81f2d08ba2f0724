// Working-day timers of a step on the time-skipping test server: lights, overdue and the
// supervision ladder, deemed acceptance, a correction pause, an extension, a calendar edit.
// Expected deadlines come from the calendar module (unit-tested on fixed dates); here the
// point is that the workflow waits for exactly those instants and moves them by the rules.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkCalendar } from '../../domain/calendar';
import { calendarRepo } from '../../db/repositories/calendar';
import { applyAnsweredStepReports } from '../../db/read-model';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { publishedHolidayTable } from '../../lib/holiday-table';
import type { StepSnapshot } from '../../domain/projection';
import {
  acceptUpdate,
  answerCaseUpdate,
  calendarChangedSignal,
  decideUpdate,
  extendUpdate,
  requestSupplementUpdate,
  supplementUpdate,
  urgeUpdate,
} from '../../workflows/shared';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { refusal, staff, supervisor, WorkflowHarness } from '../helpers/workflow-harness';

let env: TestWorkflowEnvironment;
let h: WorkflowHarness;
const calendar = new WorkCalendar(publishedHolidayTable());
const HOUR = 3600_000;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await WorkflowHarness.create(env);
  await h.start();
});

afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

const stepRow = async (id: string, matter: string) => (await stepsRepo.find(h.db.db, `${id}-${matter}`))!;

describe('step clock', () => {
  it('when a step is not decided in time, then it turns yellow, then red with a supervision case, which escalates level by level until answered', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'LAND-PREREVIEW', dept: 'NRB', days: 5 }], {
        escalationLevels: 3,
      });
      await h.started(id, 'LAND-PREREVIEW');
      const step = h.step(id, 'LAND-PREREVIEW');
      const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('NRB') }] });
      expect(accepted.deadline).toBe(calendar.deadlineAfter(new Date(accepted.acceptedAt!), 5).toISOString());
      // Limit 5: yellow once 4 working days have started (80 % = 4, 1 day left = 4).
      expect(accepted.yellowAt).toBe(calendar.startOfWorkdayAfter(new Date(accepted.acceptedAt!), 4).toISOString());
      expect(accepted.light).toBe('green');

      await h.sleepUntil(accepted.yellowAt!);
      expect((await h.state(id, 'LAND-PREREVIEW')).light).toBe('yellow');
      expect((await stepRow(id, 'LAND-PREREVIEW')).light).toBe('yellow');

      await h.sleepUntil(accepted.deadline!);
      const red = await h.state(id, 'LAND-PREREVIEW');
      expect([red.light, red.overdue, red.status, red.escalationLevel]).toEqual(['red', true, 'in_review', 1]);
      const level1 = (await supervisionRepo.list(h.db.db, { status: 'open', limit: 10, offset: 0 })).filter(
        (c) => c.application_id === id,
      );
      expect(level1.map((c) => [c.level, c.department_code])).toEqual([[1, 'NRB']]);
      // The case is due one working day after it opened.
      expect(level1[0]!.due_at.toISOString()).toBe(calendar.deadlineAfter(level1[0]!.opened_at, 1).toISOString());

      await h.sleepUntil(level1[0]!.due_at.toISOString());
      expect((await h.state(id, 'LAND-PREREVIEW')).escalationLevel).toBe(2);
      const afterL2 = await h.db.db
        .selectFrom('supervision_cases')
        .selectAll()
        .where('application_id', '=', id)
        .orderBy('level')
        .execute();
      expect(afterL2.map((c) => [c.level, c.status, c.outcome])).toEqual([
        [1, 'closed', 'escalated'],
        [2, 'open', null],
      ]);

      // The department answers the level-2 case: no level 3.
      const caseId = afterL2[1]!.id;
      expect(
        (await refusal(step.executeUpdate(answerCaseUpdate, { args: [{ actor: staff('EEB'), caseId, answer: 'x' }] })))
          .type,
      ).toBe('Forbidden');
      await step.executeUpdate(answerCaseUpdate, {
        args: [{ actor: staff('NRB'), caseId, answer: '已组织专家加快审查' }],
      });
      await env.sleep(10 * 24 * HOUR);
      expect((await h.state(id, 'LAND-PREREVIEW')).escalationLevel).toBe(2);

      const decided = await step.executeUpdate(decideUpdate, { args: [{ actor: staff('NRB'), outcome: 'approved' }] });
      expect([decided.status, decided.overdue, decided.light]).toEqual(['approved', true, 'none']);
      const types = await h.eventTypes(id);
      expect(types.filter((t) => ['step_light_yellow', 'step_overdue', 'supervision_escalated'].includes(t))).toEqual([
        'step_light_yellow',
        'step_overdue',
        'supervision_escalated',
      ]);
      expect(
        (
          await h.db.db.selectFrom('supervision_cases').select('status').where('application_id', '=', id).execute()
        ).every((c) => c.status === 'closed'),
      ).toBe(true);
    }
  });

  it('when nobody answers, then the ladder climbs to its last level and stops there', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'PROJECT-FILING', dept: 'DRC', days: 1 }], {
        escalationLevels: 3,
      });
      await h.started(id, 'PROJECT-FILING');
      const accepted = await h
        .step(id, 'PROJECT-FILING')
        .executeUpdate(acceptUpdate, { args: [{ actor: staff('DRC') }] });
      // A 1-day limit has one day left at once: yellow from acceptance.
      expect(accepted.light).toBe('yellow');
      await h.sleepUntil(accepted.deadline!);
      await env.sleep(30 * 24 * HOUR);
      const cases = await h.db.db
        .selectFrom('supervision_cases')
        .selectAll()
        .where('application_id', '=', id)
        .orderBy('level')
        .execute();
      expect(cases.map((c) => [c.level, c.status])).toEqual([
        [1, 'closed'],
        [2, 'closed'],
        [3, 'open'],
      ]);
    }
  });

  it('when no window acts within the acceptance window, then the step counts as accepted from its submission', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'EIA-FORM', dept: 'EEB', days: 15 }]);
      const submitted = await h.started(id, 'EIA-FORM');
      expect(submitted.acceptanceDeadline).toBe(
        calendar.deadlineAfter(new Date(submitted.submittedAt!), 5).toISOString(),
      );
      await h.sleepUntil(submitted.acceptanceDeadline!);
      const deemed = await h.state(id, 'EIA-FORM');
      expect([deemed.status, deemed.deemedAccepted, deemed.acceptedAt]).toEqual([
        'in_review',
        true,
        submitted.submittedAt,
      ]);
      expect(deemed.deadline).toBe(calendar.deadlineAfter(new Date(submitted.submittedAt!), 15).toISOString());
      expect(await h.eventTypes(id)).toContain('step_deemed_accepted');
    }
  });

  it('when a correction pauses the clock, then the deadline moves by exactly the paused working days and nothing fires during the pause', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'SOIL-WATER', dept: 'WRB', days: 2 }]);
      await h.started(id, 'SOIL-WATER');
      const step = h.step(id, 'SOIL-WATER');
      const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('WRB') }] });
      const paused = await step.executeUpdate(requestSupplementUpdate, {
        args: [{ actor: staff('WRB'), items: ['水土保持方案报告书（修改稿）', '项目区地形图'], reason: '材料不全' }],
      });
      expect([paused.status, paused.light]).toEqual(['awaiting_supplement', 'none']);
      const pausedAt = await env.currentTimeMs();
      // Wait well past the original deadline: during a correction the clock stands still.
      await env.sleep(9 * 24 * HOUR);
      expect((await h.state(id, 'SOIL-WATER')).overdue).toBe(false);
      const resumed = await step.executeUpdate(supplementUpdate, {
        args: [{ actor: h.officer, note: '已补充修改稿和地形图' }],
      });
      const resumedAt = await env.currentTimeMs();
      const pausedDays = calendar.workdaysBetween(new Date(pausedAt), new Date(resumedAt));
      expect(pausedDays).toBeGreaterThanOrEqual(5);
      expect(resumed.pausedWorkdays).toBe(pausedDays);
      expect(resumed.deadline).toBe(calendar.shiftDeadline(new Date(accepted.deadline!), pausedDays).toISOString());
      expect(resumed.status).toBe('in_review');
      expect(resumed.overdue).toBe(false);
      // And it still fires, on the moved deadline.
      await h.sleepUntil(resumed.deadline!);
      expect((await h.state(id, 'SOIL-WATER')).light).toBe('red');
    }
  });

  it('when a supervisor extends before the deadline, then it moves once; a second extension or one after the deadline is refused', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'FOREST-LAND', dept: 'FGB', days: 3 }]);
      await h.started(id, 'FOREST-LAND');
      const step = h.step(id, 'FOREST-LAND');
      const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('FGB') }] });
      expect(
        (await refusal(step.executeUpdate(extendUpdate, { args: [{ actor: staff('FGB'), workdays: 2, reason: 'x' }] })))
          .type,
      ).toBe('Forbidden');
      const extended = await step.executeUpdate(extendUpdate, {
        args: [{ actor: supervisor, workdays: 2, reason: '需现场核实林地权属' }],
      });
      expect(extended.deadline).toBe(calendar.deadlineAfter(new Date(accepted.acceptedAt!), 5).toISOString());
      const again = await refusal(
        step.executeUpdate(extendUpdate, { args: [{ actor: supervisor, workdays: 1, reason: '再次' }] }),
      );
      expect(again).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/once/) });
    }
    {
      {
        const { applicationId: id } = await h.launch([{ code: 'FOREST-LAND', dept: 'FGB', days: 1 }]);
        await h.started(id, 'FOREST-LAND');
        const step = h.step(id, 'FOREST-LAND');
        const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('FGB') }] });
        await h.sleepUntil(accepted.deadline!);
        const late = await refusal(
          step.executeUpdate(extendUpdate, { args: [{ actor: supervisor, workdays: 2, reason: '迟' }] }),
        );
        expect(late).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/deadline has passed/) });
      }
    }
  });

  it('when the calendar is edited, then an open deadline is recomputed and the timeline says so', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'FIRE-DESIGN', dept: 'HUD', days: 3 }]);
      await h.started(id, 'FIRE-DESIGN');
      const step = h.step(id, 'FIRE-DESIGN');
      const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('HUD') }] });
      const deadlineDay = new Date(Date.parse(accepted.deadline!) + 8 * HOUR).toISOString().slice(0, 10);
      await calendarRepo.put(h.db.db, {
        date: deadlineDay,
        workday: false,
        note: '临时调整（测试）',
        createdBy: 'admin',
      });
      await step.signal(calendarChangedSignal, { note: 'test' });
      let moved: StepSnapshot = accepted;
      for (let i = 0; i < 50 && moved.deadline === accepted.deadline; i++) {
        await new Promise((r) => setTimeout(r, 100));
        moved = await h.state(id, 'FIRE-DESIGN');
      }
      expect(moved.deadline).toBe(calendar.shiftDeadline(new Date(accepted.deadline!), 1).toISOString());
      expect(await h.eventTypes(id)).toContain('step_deadline_recomputed');
      await calendarRepo.remove(h.db.db, deadlineDay);
    }
  });

  it('when a supervisor urges twice within the interval, then the second is refused saying when the next is allowed', async () => {
    {
      const { applicationId: id } = await h.launch([{ code: 'WORKS-PLANNING', dept: 'NRB', days: 7 }]);
      await h.started(id, 'WORKS-PLANNING');
      const step = h.step(id, 'WORKS-PLANNING');
      await step.executeUpdate(urgeUpdate, { args: [{ actor: supervisor, message: '请加快办理' }] });
      const second = await refusal(step.executeUpdate(urgeUpdate, { args: [{ actor: supervisor, message: '再催' }] }));
      expect(second).toMatchObject({ type: 'RateLimited', message: expect.stringMatching(/allowed from \d{4}-/) });
      await env.sleep(4 * HOUR + 1000);
      await step.executeUpdate(urgeUpdate, { args: [{ actor: supervisor, message: '再催' }] });
      expect((await h.eventTypes(id)).filter((t) => t === 'step_urged')).toHaveLength(2);
    }
  });
});

describe('answering updates', () => {
  const waitFor = async (what: string, done: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never: ${what}`);
  };

  it('when a step Update answers, then it carries its report, the workflow writes it itself when the caller does not, and a late second write changes nothing', async () => {
    const { applicationId: id } = await h.launch([{ code: 'LAND-PREREVIEW', dept: 'NRB', days: 5 }]);
    await h.started(id, 'LAND-PREREVIEW');
    // The handle alone: nobody applies the answer's reports but the workflow.
    const step = h.rawStep(id, 'LAND-PREREVIEW');
    const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('NRB') }] });
    expect(accepted.status).toBe('in_review');
    expect(accepted.reports.map((r) => [r.event.type, r.snapshot.status])).toEqual([['step_accepted', 'in_review']]);
    await waitFor(
      'the acceptance in the read model',
      async () => (await stepRow(id, 'LAND-PREREVIEW')).status === 'in_review',
    );

    const decided = await step.executeUpdate(decideUpdate, { args: [{ actor: staff('NRB'), outcome: 'approved' }] });
    await waitFor(
      'the approval in the read model',
      async () => (await stepRow(id, 'LAND-PREREVIEW')).status === 'approved',
    );
    // The API applying the same answers late (a slow request, a retry) adds nothing.
    await applyAnsweredStepReports(h.db.db, accepted.reports);
    await applyAnsweredStepReports(h.db.db, decided.reports);
    const types = await h.eventTypes(id);
    expect(types.filter((t) => t === 'step_accepted')).toHaveLength(1);
    expect(types.filter((t) => t === 'step_approved')).toHaveLength(1);
    expect((await stepRow(id, 'LAND-PREREVIEW')).status).toBe('approved');
  });
});
