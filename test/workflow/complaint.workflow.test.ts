// A complaint's timers on the time-skipping test server, on the real working-day calendar: the
// registration window, the reply deadline (the end of the Nth working day after the assignment),
// the supervision ladder when the reply is late, a calendar edit, a rectification task assigned at
// once; and the validators' refusals. Expected instants come from the calendar module.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkCalendar } from '../../domain/calendar';
import { calendarRepo } from '../../db/repositories/calendar';
import { complaintsRepo } from '../../db/repositories/complaints';
import { publishedHolidayTable } from '../../lib/holiday-table';
import {
  answerComplaintCaseUpdate,
  assignComplaintUpdate,
  closeComplaintUpdate,
  complaintStateQuery,
  replyComplaintUpdate,
} from '../../workflows/complaints-shared';
import { calendarChangedSignal } from '../../workflows/shared';
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

/** The complaint's state once its first report is in the read model. */
async function reported(handle: Awaited<ReturnType<WorkflowHarness['launchComplaint']>>['handle']) {
  const id = handle.workflowId.replace(/^complaint-/, '');
  for (let i = 0; i < 200; i++) {
    const row = await complaintsRepo.find(h.db.db, id);
    if (row && row.version > 0) return handle.query(complaintStateQuery);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the complaint never reported');
}

const eventTypes = async (id: string) => (await complaintsRepo.events(h.db.db, id)).map((e) => e.type);
const casesOf = (id: string) => complaintsRepo.cases(h.db.db, id);

describe('complaint clock', () => {
  it('when a complaint is not registered in time, then the office is reminded once, and its reply deadline counts working days from the assignment', async () => {
    const { complaintId, handle } = await h.launchComplaint();
    const filed = await reported(handle);
    expect(filed.registerDueAt).toBe(calendar.deadlineAfter(new Date(filed.filedAt), 5).toISOString());
    await h.sleepUntil(filed.registerDueAt!);
    const late = await handle.query(complaintStateQuery);
    expect(late).toMatchObject({ status: 'filed', registrationOverdue: true });
    await env.sleep(48 * HOUR);
    expect((await eventTypes(complaintId)).filter((t) => t === 'complaint_registration_overdue')).toHaveLength(1);

    const assigned = await handle.executeUpdate(assignComplaintUpdate, {
      args: [{ actor: supervisor, departmentCode: 'NRB', replyWorkdays: 10 }],
    });
    expect(assigned.replyDueAt).toBe(calendar.deadlineAfter(new Date(assigned.assignedAt!), 10).toISOString());
    expect((await complaintsRepo.find(h.db.db, complaintId))!.reply_due_at!.toISOString()).toBe(assigned.replyDueAt);
    const replied = await handle.executeUpdate(replyComplaintUpdate, {
      args: [{ actor: staff('NRB'), reply: '已处理' }],
    });
    expect(replied).toMatchObject({ status: 'replied', replyLate: false, overdue: false });
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: false, conclusion: '不属实' }],
    });
    expect(await handle.result()).toEqual({ complaintId, upheld: false, replyLate: false });
    expect(await casesOf(complaintId)).toEqual([]);
  });

  it('when the reply is late, then a supervision case opens and escalates level by level up to the last, and the late reply closes it', async () => {
    const { complaintId, handle } = await h.launchComplaint({ policy: { escalationLevels: 3 } });
    await reported(handle);
    const assigned = await handle.executeUpdate(assignComplaintUpdate, {
      args: [{ actor: supervisor, departmentCode: 'EEB', replyWorkdays: 3 }],
    });
    await h.sleepUntil(assigned.replyDueAt!);
    const red = await handle.query(complaintStateQuery);
    expect(red).toMatchObject({ status: 'assigned', overdue: true, escalationLevel: 1 });
    const [level1] = await casesOf(complaintId);
    expect(level1).toMatchObject({ level: 1, department_code: 'EEB', status: 'open', step_id: null });
    expect(level1!.id).toBe(`${complaintId}-A1-L1`);
    expect(level1!.due_at.toISOString()).toBe(calendar.deadlineAfter(level1!.opened_at, 1).toISOString());

    await h.sleepUntil(level1!.due_at.toISOString());
    const level2 = (await casesOf(complaintId))[1]!;
    await h.sleepUntil(level2.due_at.toISOString());
    await env.sleep(5 * 24 * HOUR);
    // Level 3 is the last: it stays open, nothing beyond it.
    expect((await casesOf(complaintId)).map((c) => [c.level, c.status, c.outcome])).toEqual([
      [1, 'closed', 'escalated'],
      [2, 'closed', 'escalated'],
      [3, 'open', null],
    ]);
    expect((await handle.query(complaintStateQuery)).escalationLevel).toBe(3);

    const replied = await handle.executeUpdate(replyComplaintUpdate, {
      args: [{ actor: staff('EEB'), reply: '逾期答复' }],
    });
    expect(replied).toMatchObject({ status: 'replied', replyLate: true });
    expect((await casesOf(complaintId)).map((c) => [c.level, c.status, c.outcome])).toEqual([
      [1, 'closed', 'escalated'],
      [2, 'closed', 'escalated'],
      [3, 'closed', 'decided'],
    ]);
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: true, conclusion: '属实' }],
    });
    expect(await handle.result()).toEqual({ complaintId, upheld: true, replyLate: true });
    expect(await eventTypes(complaintId)).toEqual([
      'complaint_received',
      'complaint_assigned',
      'complaint_overdue',
      'supervision_escalated',
      'supervision_escalated',
      'complaint_replied',
      'complaint_closed',
    ]);
  });

  it('when the department answers the supervision case, then the ladder stops while the reply is still due', async () => {
    const { complaintId, handle } = await h.launchComplaint();
    await reported(handle);
    const assigned = await handle.executeUpdate(assignComplaintUpdate, {
      args: [{ actor: supervisor, departmentCode: 'WRB', replyWorkdays: 2 }],
    });
    await h.sleepUntil(assigned.replyDueAt!);
    const [open] = await casesOf(complaintId);
    await handle.executeUpdate(answerComplaintCaseUpdate, {
      args: [{ actor: staff('WRB'), caseId: open!.id, answer: '三日内答复' }],
    });
    await env.sleep(10 * 24 * HOUR);
    expect((await casesOf(complaintId)).map((c) => [c.level, c.outcome])).toEqual([[1, 'answered']]);
    expect(await handle.query(complaintStateQuery)).toMatchObject({
      status: 'assigned',
      overdue: true,
      escalationLevel: 1,
    });
    // Closed without the reply: nothing left open.
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: true, conclusion: '逾期未答复，予以通报' }],
    });
    expect(await handle.result()).toMatchObject({ upheld: true, replyLate: false });
  });

  it('when the calendar is edited, then the open reply deadline is recomputed and the record says so', async () => {
    const { complaintId, handle } = await h.launchComplaint();
    await reported(handle);
    const assigned = await handle.executeUpdate(assignComplaintUpdate, {
      args: [{ actor: supervisor, departmentCode: 'HUD', replyWorkdays: 3 }],
    });
    const deadlineDay = new Date(Date.parse(assigned.replyDueAt!) + 8 * HOUR).toISOString().slice(0, 10);
    await calendarRepo.put(h.db.db, {
      date: deadlineDay,
      workday: false,
      note: '临时调整（测试）',
      createdBy: 'admin',
    });
    try {
      await handle.signal(calendarChangedSignal, { note: 'test' });
      let moved = assigned;
      for (let i = 0; i < 50 && moved.replyDueAt === assigned.replyDueAt; i++) {
        await new Promise((r) => setTimeout(r, 100));
        moved = await handle.query(complaintStateQuery);
      }
      expect(moved.replyDueAt).toBe(calendar.shiftDeadline(new Date(assigned.replyDueAt!), 1).toISOString());
      expect(await eventTypes(complaintId)).toContain('complaint_deadline_recomputed');
    } finally {
      await calendarRepo.remove(h.db.db, deadlineDay);
    }
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: false, conclusion: '撤回' }],
    });
    await handle.result();
  });

  it('when a rectification task opens for a rated step, then it is assigned at once with its reply deadline', async () => {
    const { complaintId, handle } = await h.launchComplaint({
      kind: 'rectification',
      assignment: { departmentCode: 'DRC', replyWorkdays: 5 },
    });
    const state = await reported(handle);
    expect(complaintId).toMatch(/^ZG-/);
    expect(state).toMatchObject({ status: 'assigned', departmentCode: 'DRC', replyWorkdays: 5, registerDueAt: null });
    expect(state.replyDueAt).toBe(calendar.deadlineAfter(new Date(state.assignedAt!), 5).toISOString());
    const events = await complaintsRepo.events(h.db.db, complaintId);
    expect(events.map((e) => [e.type, e.actor_id])).toEqual([['complaint_assigned', 'system']]);
    await handle.executeUpdate(replyComplaintUpdate, { args: [{ actor: staff('DRC'), reply: '已整改' }] });
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: true, conclusion: '整改到位' }],
    });
    await handle.result();
  });

  it('when an action does not fit the complaint, then its validator refuses it and nothing is recorded', async () => {
    const { complaintId, handle } = await h.launchComplaint();
    const filed = await reported(handle);
    expect(
      await refusal(handle.executeUpdate(replyComplaintUpdate, { args: [{ actor: staff('DRC'), reply: 'x' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    expect(
      await refusal(
        handle.executeUpdate(assignComplaintUpdate, {
          args: [{ actor: staff('DRC'), departmentCode: 'DRC', replyWorkdays: 3 }],
        }),
      ),
    ).toMatchObject({ type: 'Forbidden' });
    expect(
      await refusal(
        handle.executeUpdate(assignComplaintUpdate, {
          args: [{ actor: supervisor, departmentCode: 'DRC', replyWorkdays: 0 }],
        }),
      ),
    ).toMatchObject({ type: 'InvalidInput' });
    const assigned = await handle.executeUpdate(assignComplaintUpdate, {
      args: [{ actor: supervisor, departmentCode: 'DRC', replyWorkdays: 3, version: filed.version }],
    });
    expect(
      await refusal(
        handle.executeUpdate(assignComplaintUpdate, {
          args: [{ actor: supervisor, departmentCode: 'EEB', replyWorkdays: 3 }],
        }),
      ),
    ).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/assigned to DRC/) });
    expect(
      await refusal(handle.executeUpdate(replyComplaintUpdate, { args: [{ actor: staff('EEB'), reply: 'x' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    expect(
      await refusal(
        handle.executeUpdate(closeComplaintUpdate, {
          args: [{ actor: supervisor, upheld: true, conclusion: '结论', version: filed.version }],
        }),
      ),
    ).toMatchObject({ type: 'Conflict', message: expect.stringMatching(/changed since it was read/) });
    expect(
      await refusal(
        handle.executeUpdate(closeComplaintUpdate, { args: [{ actor: supervisor, upheld: true, conclusion: '  ' }] }),
      ),
    ).toMatchObject({ type: 'InvalidInput' });
    expect(await eventTypes(complaintId)).toEqual(['complaint_received', 'complaint_assigned']);
    await handle.executeUpdate(closeComplaintUpdate, {
      args: [{ actor: supervisor, upheld: false, conclusion: '不属实', version: assigned.version }],
    });
    await handle.result();
  });
});
