// A hand-issued warning's timers on the time-skipping test server, on the real working-day
// calendar: the reply deadline (the end of the Nth working day after the issue, and again after a
// return), the supervision ladder when a round goes unanswered, a calendar edit, the validators'
// refusals. Expected instants come from the calendar module.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkCalendar } from '../../domain/calendar';
import { calendarRepo } from '../../db/repositories/calendar';
import { warningsRepo } from '../../db/repositories/warnings';
import { publishedHolidayTable } from '../../lib/holiday-table';
import { calendarChangedSignal } from '../../workflows/shared';
import {
  acceptWarningUpdate,
  answerWarningCaseUpdate,
  replyWarningUpdate,
  returnWarningUpdate,
  warningStateQuery,
} from '../../workflows/warnings-shared';
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

type Handle = Awaited<ReturnType<WorkflowHarness['launchWarning']>>['handle'];

/** The warning's state once its first report is in the read model. */
async function reported(handle: Handle) {
  const id = handle.workflowId.replace(/^warning-/, '');
  for (let i = 0; i < 200; i++) {
    const row = await warningsRepo.find(h.db.db, id);
    if (row && row.version > 0) return handle.query(warningStateQuery);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the warning never reported');
}

const eventTypes = async (id: string) => (await warningsRepo.events(h.db.db, id)).map((e) => e.type);
const casesOf = (id: string) => warningsRepo.cases(h.db.db, id);

describe('warning clock', () => {
  it('when a warning on a step goes unanswered, then a case opens and escalates to the last level, the late reply closes it, and a return counts the same working days again from the return', async () => {
    const { warningId, applicationId, stepId, handle } = await h.launchWarning({ onStep: true, replyWorkdays: 3 });
    const issued = await reported(handle);
    expect(issued.replyDueAt).toBe(calendar.deadlineAfter(new Date(issued.roundStartedAt), 3).toISOString());

    await h.sleepUntil(issued.replyDueAt!);
    expect(await handle.query(warningStateQuery)).toMatchObject({ overdue: true, escalationLevel: 1 });
    const [level1] = await casesOf(warningId);
    expect(level1).toMatchObject({ id: `${warningId}-A1-L1`, level: 1, department_code: 'DRC', status: 'open' });
    expect(level1).toMatchObject({ step_id: null, complaint_id: null, warning_id: warningId });
    expect(level1!.due_at.toISOString()).toBe(calendar.deadlineAfter(level1!.opened_at, 1).toISOString());
    await h.sleepUntil(level1!.due_at.toISOString());
    const level2 = (await casesOf(warningId))[1]!;
    await h.sleepUntil(level2.due_at.toISOString());
    await env.sleep(5 * 24 * HOUR);
    // Level 3 is the last: it stays open, nothing beyond it.
    expect((await casesOf(warningId)).map((c) => [c.level, c.status, c.outcome])).toEqual([
      [1, 'closed', 'escalated'],
      [2, 'closed', 'escalated'],
      [3, 'open', null],
    ]);

    const replied = await handle.executeUpdate(replyWarningUpdate, {
      args: [{ actor: staff('DRC'), reply: '逾期答复' }],
    });
    expect(replied).toMatchObject({ status: 'replied', everLate: true });
    expect(replied.rounds[0]).toMatchObject({ late: true, reply: '逾期答复' });
    expect((await casesOf(warningId)).map((c) => c.outcome)).toEqual(['escalated', 'escalated', 'decided']);

    const returned = await handle.executeUpdate(returnWarningUpdate, {
      args: [{ actor: supervisor, reason: '未说明整改措施' }],
    });
    expect(returned).toMatchObject({ status: 'awaiting_reply', round: 2, overdue: false, escalationLevel: 0 });
    expect(returned.roundStartedAt).toBe(returned.rounds[0]!.returnedAt);
    expect(returned.replyDueAt).toBe(calendar.deadlineAfter(new Date(returned.roundStartedAt), 3).toISOString());
    await handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('DRC'), reply: '已制定整改措施' }] });
    const accepted = await handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: supervisor }] });
    expect(accepted).toMatchObject({ status: 'closed', closedBy: { displayName: supervisor.displayName } });
    expect(await handle.result()).toEqual({ warningId, rounds: 2, everLate: true });
    const stages = [
      'warning_issued',
      'warning_overdue',
      'warning_escalated',
      'warning_escalated',
      'warning_replied',
      'warning_returned',
      'warning_replied',
      'warning_accepted',
    ];
    expect(await eventTypes(warningId)).toEqual(stages);
    // The application's timeline has the same entries, on the step.
    const onTimeline = await h.db.db
      .selectFrom('events')
      .select(['type', 'step_id'])
      .where('application_id', '=', applicationId!)
      .orderBy('id')
      .execute();
    expect(onTimeline).toEqual(stages.map((type) => ({ type, step_id: stepId })));
  });

  it('when the department answers the case of a late round, then the ladder stops while the reply is still due', async () => {
    const { warningId, handle } = await h.launchWarning({ departmentCode: 'WRB', replyWorkdays: 2 });
    const issued = await reported(handle);
    await h.sleepUntil(issued.replyDueAt!);
    const [open] = await casesOf(warningId);
    await handle.executeUpdate(answerWarningCaseUpdate, {
      args: [{ actor: staff('WRB'), caseId: open!.id, answer: '三日内答复' }],
    });
    await env.sleep(10 * 24 * HOUR);
    expect((await casesOf(warningId)).map((c) => [c.level, c.outcome])).toEqual([[1, 'answered']]);
    expect(await handle.query(warningStateQuery)).toMatchObject({ status: 'awaiting_reply', overdue: true });
    await handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('WRB'), reply: '已答复' }] });
    await handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: supervisor }] });
    expect(await handle.result()).toMatchObject({ rounds: 1, everLate: true });
  });

  it('when the calendar is edited, then the open reply deadline is recomputed and the record says so', async () => {
    const { warningId, handle } = await h.launchWarning({ departmentCode: 'HUD', replyWorkdays: 3 });
    const issued = await reported(handle);
    const deadlineDay = new Date(Date.parse(issued.replyDueAt!) + 8 * HOUR).toISOString().slice(0, 10);
    await calendarRepo.put(h.db.db, {
      date: deadlineDay,
      workday: false,
      note: '临时调整（测试）',
      createdBy: 'admin',
    });
    try {
      await handle.signal(calendarChangedSignal, { note: 'test' });
      // The record is written once the change is in the history, a moment after the state moved.
      for (let i = 0; i < 50 && !(await eventTypes(warningId)).includes('warning_deadline_recomputed'); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await eventTypes(warningId)).toContain('warning_deadline_recomputed');
      const moved = await handle.query(warningStateQuery);
      expect(moved.replyDueAt).toBe(calendar.shiftDeadline(new Date(issued.replyDueAt!), 1).toISOString());
      expect(moved.rounds[0]!.replyDueAt).toBe(moved.replyDueAt);
      const row = (await warningsRepo.find(h.db.db, warningId))!;
      expect(row.reply_due_at!.toISOString()).toBe(moved.replyDueAt);
    } finally {
      await calendarRepo.remove(h.db.db, deadlineDay);
    }
    await handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('HUD'), reply: '已答复' }] });
    await handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: supervisor }] });
    await handle.result();
  });

  it('when an action does not fit the warning, then its validator refuses it and nothing is recorded', async () => {
    const { warningId, handle } = await h.launchWarning({ departmentCode: 'DRC', replyWorkdays: 5 });
    const issued = await reported(handle);
    const refused = (update: Promise<unknown>) => refusal(update);
    expect(
      await refused(handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('EEB'), reply: 'x' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    expect(
      await refused(handle.executeUpdate(replyWarningUpdate, { args: [{ actor: supervisor, reply: 'x' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    expect(await refused(handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: supervisor }] }))).toMatchObject({
      type: 'Conflict',
      message: expect.stringMatching(/no reply/),
    });
    expect(
      await refused(handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('DRC'), reply: '  ' }] })),
    ).toMatchObject({ type: 'InvalidInput' });
    const replied = await handle.executeUpdate(replyWarningUpdate, {
      args: [{ actor: staff('DRC'), reply: '已答复', version: issued.version }],
    });
    expect(
      await refused(handle.executeUpdate(replyWarningUpdate, { args: [{ actor: staff('DRC'), reply: '再答' }] })),
    ).toMatchObject({ type: 'Conflict' });
    expect(await refused(handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: staff('DRC') }] }))).toMatchObject(
      { type: 'Forbidden' },
    );
    expect(
      await refused(handle.executeUpdate(returnWarningUpdate, { args: [{ actor: supervisor, reason: ' ' }] })),
    ).toMatchObject({ type: 'InvalidInput' });
    expect(
      await refused(
        handle.executeUpdate(returnWarningUpdate, {
          args: [{ actor: supervisor, reason: '退回', version: issued.version }],
        }),
      ),
    ).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/changed since it was read/) });
    expect(await eventTypes(warningId)).toEqual(['warning_issued', 'warning_replied']);
    await handle.executeUpdate(acceptWarningUpdate, { args: [{ actor: supervisor, version: replied.version }] });
    expect(await handle.result()).toEqual({ warningId, rounds: 1, everLate: false });
  });
});
