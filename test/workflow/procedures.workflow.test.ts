// Special procedures on the record, the extension's legal cap and deemed consent (超时默许), on the
// time-skipping test server: a procedure ends by itself at its limit and moves the deadline by
// exactly that; an extension never passes the statutory limit plus 10 working days; a deemed-consent
// matter not answered by its deadline is approved as deemed, with no red light and no case.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkCalendar } from '../../domain/calendar';
import { stepsRepo } from '../../db/repositories/steps';
import { publishedHolidayTable } from '../../lib/holiday-table';
import {
  acceptUpdate,
  endSpecialProcedureUpdate,
  extendUpdate,
  startSpecialProcedureUpdate,
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

const noticesOf = (applicationId: string, code: string) =>
  h.db.db
    .selectFrom('notifications')
    .select(['audience_role', 'audience_department', 'audience_user_id', 'params'])
    .where('application_id', '=', applicationId)
    .where('code', '=', code)
    .execute();

describe('special procedures', () => {
  it('when a special procedure reaches its limit, then it ends by itself, the clock resumes and the deadline moves by exactly its limit', async () => {
    const { applicationId: id } = await h.launch([{ code: 'SOIL-WATER', dept: 'WRB', days: 3, statutory: 20 }], {
      specialProcedureLimits: { expert_review: 2 },
    });
    await h.started(id, 'SOIL-WATER');
    const step = h.step(id, 'SOIL-WATER');
    const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('WRB') }] });

    // Who approved it is part of the record: without it the procedure is refused.
    const unapproved = await refusal(
      step.executeUpdate(startSpecialProcedureUpdate, {
        args: [{ actor: staff('WRB'), procedure: 'expert_review', reason: '需组织专家评审', approvedBy: ' ' }],
      }),
    );
    expect(unapproved.type).toBe('InvalidInput');
    const started = await step.executeUpdate(startSpecialProcedureUpdate, {
      args: [{ actor: staff('WRB'), procedure: 'expert_review', reason: '需组织专家评审', approvedBy: '张局长' }],
    });
    expect(started.pause).toMatchObject({
      kind: 'special',
      procedure: 'expert_review',
      approvedBy: '张局长',
      limitDays: 2,
      endsAt: calendar.deadlineAfter(new Date(started.pause!.since), 2).toISOString(),
    });

    // Well past the step's own deadline: the clock stands still until the procedure's limit, then runs.
    await h.sleepUntil(started.pause!.kind === 'special' ? started.pause!.endsAt : '');
    const resumed = await h.state(id, 'SOIL-WATER');
    expect(resumed.pause).toBeNull();
    expect([resumed.status, resumed.overdue, resumed.pausedWorkdays]).toEqual(['in_review', false, 2]);
    expect(resumed.deadline).toBe(calendar.shiftDeadline(new Date(accepted.deadline!), 2).toISOString());
    expect(resumed.specialProcedures).toEqual([
      expect.objectContaining({
        procedure: 'expert_review',
        approvedBy: '张局长',
        limitDays: 2,
        endedBy: 'limit',
        pausedWorkdays: 2,
      }),
    ]);
    expect(await h.eventTypes(id)).toEqual(
      expect.arrayContaining(['special_procedure_started', 'special_procedure_limit_reached']),
    );
    const told = await noticesOf(id, 'special_procedure_limit_reached');
    expect(told.map((n) => n.audience_department ?? n.audience_role).sort()).toEqual(['WRB', 'supervisor']);
    const row = (await stepsRepo.find(h.db.db, `${id}-SOIL-WATER`))!;
    expect(row.special_procedures.map((p) => p.endedBy)).toEqual(['limit']);
    expect(row.paused_workdays).toBe(2);

    // A second procedure ended by the department the next day: the days it ran, on the record.
    const hearing = await step.executeUpdate(startSpecialProcedureUpdate, {
      args: [{ actor: staff('WRB'), procedure: 'hearing', reason: '申请人要求听证', approvedBy: '张局长' }],
    });
    expect(hearing.pause).toMatchObject({ procedure: 'hearing', limitDays: 20 });
    await env.sleep(24 * HOUR);
    const ended = await step.executeUpdate(endSpecialProcedureUpdate, {
      args: [{ actor: staff('WRB'), note: '听证会已举行' }],
    });
    const ran = calendar.workdaysBetween(new Date(hearing.pause!.since), new Date(await env.currentTimeMs()));
    expect(ended.specialProcedures[1]).toMatchObject({
      endedBy: 'department',
      note: '听证会已举行',
      pausedWorkdays: ran,
    });
    expect(ended.pausedWorkdays).toBe(2 + ran);
  });
});

describe('extension within the law', () => {
  it('when an extension would pass the statutory limit plus 10 working days, then it is refused; beyond the statutory limit the head must be named', async () => {
    // Promised 3, statutory 5: at most 12 more working days, of which the last 10 need the head.
    const { applicationId: id } = await h.launch([{ code: 'FOREST-LAND', dept: 'FGB', days: 3, statutory: 5 }]);
    await h.started(id, 'FOREST-LAND');
    const step = h.step(id, 'FOREST-LAND');
    const accepted = await step.executeUpdate(acceptUpdate, { args: [{ actor: staff('FGB') }] });
    const tooMany = await refusal(
      step.executeUpdate(extendUpdate, {
        args: [{ actor: supervisor, workdays: 13, reason: '需补充踏勘', approvedBy: '李局长' }],
      }),
    );
    expect(tooMany).toMatchObject({ type: 'InvalidInput', message: expect.stringMatching(/at most 12 more/) });
    const noHead = await refusal(
      step.executeUpdate(extendUpdate, { args: [{ actor: supervisor, workdays: 12, reason: '需补充踏勘' }] }),
    );
    expect(noHead).toMatchObject({ type: 'InvalidInput', message: expect.stringMatching(/head's approval/) });
    const extended = await step.executeUpdate(extendUpdate, {
      args: [{ actor: supervisor, workdays: 12, reason: '需补充踏勘', approvedBy: '李局长' }],
    });
    expect(extended.deadline).toBe(calendar.deadlineAfter(new Date(accepted.acceptedAt!), 15).toISOString());
    expect(extended.extension).toMatchObject({ workdays: 12, reason: '需补充踏勘', approvedBy: '李局长' });
    const row = (await stepsRepo.find(h.db.db, `${id}-FOREST-LAND`))!;
    expect(row.extension).toMatchObject({ approvedBy: '李局长', grantedBy: { id: supervisor.id } });
  });
});

describe('deemed consent (超时默许)', () => {
  it('when an opinion under deemed consent is not answered by its deadline, then it is approved as deemed, never red, and the next step starts', async () => {
    const { applicationId: id } = await h.launch([
      { code: 'PROJECT-FILING', dept: 'DRC', days: 2, deemedConsent: true },
      { code: 'LAND-PREREVIEW', dept: 'NRB', days: 10, pre: ['PROJECT-FILING'] },
    ]);
    await h.started(id, 'PROJECT-FILING');
    const accepted = await h
      .step(id, 'PROJECT-FILING')
      .executeUpdate(acceptUpdate, { args: [{ actor: staff('DRC') }] });
    await h.sleepUntil(accepted.deadline!);
    const row = (await stepsRepo.find(h.db.db, `${id}-PROJECT-FILING`))!;
    expect([row.status, row.outcome, row.deemed_consent, row.overdue, row.light]).toEqual([
      'approved',
      'approved',
      true,
      false,
      'none',
    ]);
    expect(row.decided_at!.getTime()).toBeGreaterThan(accepted.deadline ? Date.parse(accepted.deadline) : 0);
    const types = await h.eventTypes(id);
    expect(types).toContain('step_deemed_consent');
    expect(types).not.toContain('step_overdue');
    const cases = await h.db.db.selectFrom('supervision_cases').select('id').where('application_id', '=', id).execute();
    expect(cases).toEqual([]);
    const told = await noticesOf(id, 'step_deemed_consent');
    expect(told.map((n) => n.audience_department ?? n.audience_role).sort()).toEqual(['DRC', 'supervisor']);
    // The application goes on as after an approval.
    const next = await h.started(id, 'LAND-PREREVIEW');
    expect(next.status).toBe('submitted');
  });
});
