// Warnings issued by hand (人工督办) on the real stack, on the training clock (one working day = 2 s):
// a warning on a step and on a department; the department's reply, the office's return (the
// deadline runs again from the return) and acceptance; a warning left unanswered escalated like an
// overdue step; who may see and do what; bad input refused with nothing written; two actions at
// once giving one winner.
import { sql } from 'kysely';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const WORKDAY_SECONDS = 2;
const DAY_MS = WORKDAY_SECONDS * 1000;

let stack: Stack;
let officer: ApiClient;
let drc: ApiClient;
let eeb: ApiClient;
let supervisor: ApiClient;

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: WORKDAY_SECONDS });
  [officer, drc, eeb, supervisor] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'staff.eeb'),
    ApiClient.login(stack.baseUrl, 'supervisor'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

/** A fresh application whose project filing (DRC) waits at the window. */
async function openStep() {
  const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
  expect(created.status).toBe(201);
  return { applicationId: created.body.id as string, stepId: created.body.steps[0].id as string };
}

async function issue(body: Record<string, unknown>) {
  const r = await supervisor.post('/api/warnings', { reason: '窗口受理后迟迟未办理，请说明原因并限期整改。', ...body });
  expect(r.status).toBe(201);
  return r.body;
}

/** The warning as `who` reads it once its workflow has reported (version > 0). */
const reported = (id: string, who: ApiClient = supervisor) =>
  eventually(async () => {
    const r = await who.get(`/api/warnings/${id}`);
    return r.status === 200 && r.body.version > 0 && r.body;
  });

const noticesOf = async (who: ApiClient, code: string, warningId: string) =>
  ((await who.get('/api/notifications')).body as any[]).filter(
    (n) => n.code === code && n.params.warningId === warningId,
  );

const warningCount = async () =>
  Number((await sql<{ n: string }>`select count(*) as n from warnings`.execute(stack.db.db)).rows[0]!.n);

describe('a warning on a step', () => {
  it('when the department replies, the office returns the reply and then accepts the second one, then the deadline runs again from the return and the application timeline records each stage', async () => {
    const { applicationId, stepId } = await openStep();
    const issued = await issue({ stepId, replyWorkdays: 5 });
    expect(issued).toMatchObject({
      subject: 'step',
      stepId,
      applicationId,
      departmentCode: 'DRC',
      matterCode: 'PROJECT-FILING',
      projectName: '根河光伏电站项目',
      status: 'awaiting_reply',
      round: 1,
      light: 'green',
      issuedBy: expect.any(String),
      allowedActions: [],
    });
    expect(issued.id).toMatch(/^DB-\d{4}-\d{6}$/);
    expect(Date.parse(issued.replyDueAt) - Date.parse(issued.issuedAt)).toBe(5 * DAY_MS);
    const id = issued.id as string;
    const first = await reported(id);
    expect(first.replyDueAt).toBe(issued.replyDueAt);

    // The DRC has it with the reply action and a notice; the EEB neither sees nor answers it.
    const mine = (await drc.get('/api/warnings?status=awaiting_reply')).body.items.find((w: any) => w.id === id);
    expect(mine).toMatchObject({ reason: issued.reason, allowedActions: ['reply'] });
    expect((await drc.get(`/api/warnings?stepId=${stepId}`)).body.items.map((w: any) => w.id)).toEqual([id]);
    expect((await eeb.get('/api/warnings')).body.items.map((w: any) => w.id)).not.toContain(id);
    expect((await eeb.get(`/api/warnings/${id}`)).status).toBe(403);
    const foreign = await eeb.post(`/api/warnings/${id}/reply`, { reply: '不是我们' });
    expect(foreign.status).toBe(403);
    expect((await officer.get('/api/warnings')).status).toBe(403);
    await eventually(async () => (await noticesOf(drc, 'warning_issued', id)).length === 1);
    // A calendar edit reaches the open warnings too (their deadlines are recomputed like the steps').
    const admin = await ApiClient.login(stack.baseUrl, 'admin');
    const edited = await admin.post('/api/calendar/days', { date: '2030-01-03', workday: false, note: '测试' });
    expect(edited.status).toBe(201);
    expect(edited.body.openWarningsRecomputed).toBeGreaterThanOrEqual(1);

    // Nothing to accept yet.
    const early = await supervisor.post(`/api/warnings/${id}/accept`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.reason).toBe('warning_not_replied');

    const replied = await drc.post(`/api/warnings/${id}/reply`, { reply: '已安排专人办理，本周内办结。' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({
      status: 'replied',
      reply: '已安排专人办理，本周内办结。',
      allowedActions: [],
    });
    expect(replied.body.rounds[0]).toMatchObject({ round: 1, reply: '已安排专人办理，本周内办结。', late: false });
    const twice = await drc.post(`/api/warnings/${id}/reply`, { reply: '再答一次' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.reason).toBe('warning_already_replied');
    await eventually(async () => (await noticesOf(supervisor, 'warning_replied', id)).length === 1);
    expect((await supervisor.get(`/api/warnings/${id}`)).body.allowedActions).toEqual(['accept', 'return']);

    // Returned: a second round with the same 5 working days, counted from the return.
    const returned = await supervisor.post(`/api/warnings/${id}/return`, { reason: '未说明延误原因，请补充。' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'awaiting_reply', round: 2, overdue: false });
    expect(returned.body.rounds[0]).toMatchObject({ returnReason: '未说明延误原因，请补充。' });
    expect(returned.body.rounds[0].returnedAt).toBe(returned.body.roundStartedAt);
    expect(Date.parse(returned.body.roundStartedAt)).toBeGreaterThan(Date.parse(issued.issuedAt));
    expect(Date.parse(returned.body.replyDueAt) - Date.parse(returned.body.roundStartedAt)).toBe(5 * DAY_MS);
    expect(Date.parse(returned.body.replyDueAt)).toBeGreaterThan(Date.parse(issued.replyDueAt));
    expect(returned.body.rounds[1]).toMatchObject({ round: 2, replyDueAt: returned.body.replyDueAt, reply: null });
    await eventually(async () => (await noticesOf(drc, 'warning_returned', id)).length === 1);

    expect((await drc.post(`/api/warnings/${id}/reply`, { reply: '延误系人员调整所致，已整改。' })).status).toBe(200);
    const accepted = await supervisor.post(`/api/warnings/${id}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'closed', light: 'none', allowedActions: [], everLate: false });
    expect(accepted.body.closedBy).toEqual(expect.any(String));
    const after = await drc.post(`/api/warnings/${id}/reply`, { reply: '又一次' });
    expect(after.status).toBe(409);
    expect(after.body.error.reason).toBe('warning_closed');

    // The permanent record and the application's timeline, in order, with the step.
    const stages = ['warning_issued', 'warning_replied', 'warning_returned', 'warning_replied', 'warning_accepted'];
    const detail = (await drc.get(`/api/warnings/${id}`)).body;
    expect(detail.events.map((e: any) => e.type)).toEqual(stages);
    expect(detail.events[2].detail).toMatchObject({ reason: '未说明延误原因，请补充。', round: 2 });
    const timeline = (await officer.get(`/api/applications/${applicationId}/timeline`)).body;
    const warningEvents = timeline.filter((e: any) => e.type.startsWith('warning_'));
    expect(warningEvents.map((e: any) => e.type)).toEqual(stages);
    expect(warningEvents.every((e: any) => e.stepId === stepId && e.detail.warningId === id)).toBe(true);
    await expect(
      sql`update warning_events set type = 'x' where warning_id = ${id}`.execute(stack.db.db),
    ).rejects.toThrow(/append-only/);
  });
});

describe('an unanswered warning', () => {
  it('when a department leaves a hand-issued warning unanswered, then a supervision case opens and escalates on the training clock, and the late reply closes it', async () => {
    const issued = await issue({ departmentCode: 'DRC', replyWorkdays: 1 });
    expect(issued).toMatchObject({ subject: 'department', stepId: null, applicationId: null, departmentCode: 'DRC' });
    const id = issued.id as string;
    const escalated = await eventually(async () => {
      const cases = (await supervisor.get('/api/supervision/cases?status=open&pageSize=200')).body.filter(
        (c: any) => c.warningId === id,
      );
      return cases.some((c: any) => c.level === 2) && cases;
    }, 30_000);
    expect(escalated[0]).toMatchObject({ departmentCode: 'DRC', stepId: null, complaintId: null, status: 'open' });
    const view = await eventually(async () => {
      const v = (await drc.get(`/api/warnings/${id}`)).body;
      return v.escalationLevel >= 2 && v;
    });
    expect(view).toMatchObject({ status: 'awaiting_reply', overdue: true, light: 'red', allowedActions: ['reply'] });
    expect(view.cases.map((c: any) => c.id)).toEqual(expect.arrayContaining([`${id}-A1-L1`, `${id}-A1-L2`]));
    expect(view.events.map((e: any) => e.type).slice(0, 3)).toEqual([
      'warning_issued',
      'warning_overdue',
      'warning_escalated',
    ]);
    expect((await noticesOf(supervisor, 'warning_overdue', id)).length).toBe(1);
    expect((await noticesOf(drc, 'warning_case_escalated', id)).length).toBeGreaterThanOrEqual(1);
    // The DRC sees the case among its own, and its case page sends it to the warning.
    expect(
      (await drc.get('/api/supervision/cases?status=open&pageSize=200')).body.some((c: any) => c.warningId === id),
    ).toBe(true);
    expect((await drc.get(`/api/supervision/cases/${id}-A1-L1`)).status).toBe(409);
    expect((await eeb.post(`/api/supervision/cases/${id}-A1-L2/answer`, { answer: '别的部门' })).status).toBe(403);

    const replied = await drc.post(`/api/warnings/${id}/reply`, { reply: '因人员不足延误，已补办。' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ status: 'replied', overdue: true, everLate: true });
    expect(replied.body.rounds[0].late).toBe(true);
    const closedCases = await eventually(async () => {
      const cases = (await supervisor.get('/api/supervision/cases?pageSize=200')).body.filter(
        (c: any) => c.warningId === id,
      );
      return cases.every((c: any) => c.status === 'closed') && cases;
    });
    const levels = closedCases.map((c: any) => c.level);
    expect(new Set(levels).size).toBe(levels.length);
    expect(closedCases.sort((a: any, b: any) => b.level - a.level)[0].outcome).toBe('decided');
  });

  it('when a returned reply is not answered again, then the new round runs its own deadline from the return and opens its own case', async () => {
    const { stepId } = await openStep();
    const issued = await issue({ stepId, replyWorkdays: 2 });
    const id = issued.id as string;
    expect((await drc.post(`/api/warnings/${id}/reply`, { reply: '正在办理。' })).status).toBe(200);
    const returned = await supervisor.post(`/api/warnings/${id}/return`, { reason: '答复过于笼统。' });
    expect(returned.status).toBe(200);
    const due = Date.parse(returned.body.replyDueAt);
    expect(due - Date.parse(returned.body.roundStartedAt)).toBe(2 * DAY_MS);
    // Round 2 goes unanswered: its case opens after the new deadline, not the first one.
    const opened = await eventually(async () => {
      const cases = (await supervisor.get(`/api/warnings/${id}`)).body.cases;
      return cases.length > 0 && cases;
    }, 30_000);
    expect(opened[0]).toMatchObject({ id: `${id}-A2-L1`, attempt: 2, level: 1, departmentCode: 'DRC' });
    expect(Date.parse(opened[0].openedAt)).toBeGreaterThan(due);
    const view = (await supervisor.get(`/api/warnings/${id}`)).body;
    expect(view).toMatchObject({ round: 2, overdue: true, status: 'awaiting_reply' });
    expect(view.rounds[0]).toMatchObject({ late: false, reply: '正在办理。', returnReason: '答复过于笼统。' });
    // The step's own case list does not mix in the warning's (it is about the warning).
    expect(view.cases.every((c: any) => c.stepId === null)).toBe(true);
  });
});

describe('bad input and wrong callers', () => {
  it('when a warning or an action on it is wrong, then a 4xx names the field or the reason and nothing is written', async () => {
    const { stepId } = await openStep();
    const before = await warningCount();
    const refused = async (r: Promise<{ status: number; body: any }>, status: number, ...fields: string[]) => {
      const answer = await r;
      expect(answer.status).toBe(status);
      for (const field of fields) expect(answer.body.error.details.map((d: any) => d.field)).toContain(field);
      return answer.body.error;
    };
    const post = (body: Record<string, unknown>) => supervisor.post('/api/warnings', body);
    await refused(post({ stepId, replyWorkdays: 3 }), 400, 'body.reason');
    await refused(post({ stepId, reason: '   ', replyWorkdays: 3 }), 400, 'body.reason');
    await refused(post({ stepId, reason: '理由', replyWorkdays: 0 }), 400, 'body.replyWorkdays');
    await refused(post({ stepId, reason: '理由', replyWorkdays: 31 }), 400, 'body.replyWorkdays');
    await refused(post({ stepId, reason: '理由', replyWorkdays: 1.5 }), 400, 'body.replyWorkdays');
    await refused(post({ stepId, reason: '理由' }), 400, 'body.replyWorkdays');
    await refused(post({ reason: '理由', replyWorkdays: 3 }), 400, 'body.stepId', 'body.departmentCode');
    await refused(
      post({ stepId, departmentCode: 'DRC', reason: '理由', replyWorkdays: 3 }),
      400,
      'body.stepId',
      'body.departmentCode',
    );
    await refused(post({ stepId: 'NO-SUCH-STEP', reason: '理由', replyWorkdays: 3 }), 400, 'body.stepId');
    await refused(post({ departmentCode: 'NOPE', reason: '理由', replyWorkdays: 3 }), 400, 'body.departmentCode');
    await refused(post({ departmentCode: 'drc', reason: '理由', replyWorkdays: 3 }), 400, 'body.departmentCode');
    await refused(post({ departmentCode: 'DRC', reason: '理由', replyWorkdays: 3, extra: 1 }), 400);
    // Only the supervision office issues.
    await refused(drc.post('/api/warnings', { departmentCode: 'DRC', reason: '理由', replyWorkdays: 3 }), 403);
    await refused(officer.post('/api/warnings', { departmentCode: 'DRC', reason: '理由', replyWorkdays: 3 }), 403);
    expect(await warningCount()).toBe(before);

    const w = await issue({ departmentCode: 'DRC', replyWorkdays: 10 });
    await refused(drc.post(`/api/warnings/${w.id}/reply`, { reply: '  ' }), 400, 'body.reply');
    await refused(drc.post(`/api/warnings/${w.id}/reply`, {}), 400, 'body.reply');
    await refused(supervisor.post(`/api/warnings/${w.id}/reply`, { reply: '督查室不答复' }), 403);
    await refused(eeb.post(`/api/warnings/${w.id}/reply`, { reply: '别的部门' }), 403);
    await refused(drc.post(`/api/warnings/${w.id}/accept`, {}), 403);
    await refused(drc.post(`/api/warnings/${w.id}/return`, { reason: '自己退回' }), 403);
    await refused(supervisor.get('/api/warnings/not-a-number'), 400, 'params.id');
    await refused(supervisor.get('/api/warnings/DB-2026-999999'), 404);
    expect((await drc.post(`/api/warnings/${w.id}/reply`, { reply: '已答复' })).status).toBe(200);
    await refused(supervisor.post(`/api/warnings/${w.id}/return`, {}), 400, 'body.reason');
    await refused(supervisor.post(`/api/warnings/${w.id}/return`, { reason: ' ' }), 400, 'body.reason');
    await refused(supervisor.post(`/api/warnings/${w.id}/accept`, { version: 'x' }), 400, 'body.version');
    const stale = await refused(supervisor.post(`/api/warnings/${w.id}/accept`, { version: 0 }), 409);
    expect(stale.reason).toBe('warning_changed');
    expect(await warningCount()).toBe(before + 1);
  });

  it('when the same warning is sent twice with its Idempotency-Key, then it is issued once and answered the same', async () => {
    const headers = { 'Idempotency-Key': `warn-${Date.now()}` };
    const body = { departmentCode: 'EEB', reason: '环评审批积压，请说明。', replyWorkdays: 10 };
    const before = await warningCount();
    const once = await supervisor.post('/api/warnings', body, headers);
    expect(once.status).toBe(201);
    const again = await supervisor.post('/api/warnings', body, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(once.body.id);
    expect(await warningCount()).toBe(before + 1);
    await reported(once.body.id, eeb);
    const key = { 'Idempotency-Key': `reply-${Date.now()}` };
    const r1 = await eeb.post(`/api/warnings/${once.body.id}/reply`, { reply: '已清理积压。' }, key);
    const r2 = await eeb.post(`/api/warnings/${once.body.id}/reply`, { reply: '已清理积压。' }, key);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    const events = (await supervisor.get(`/api/warnings/${once.body.id}`)).body.events;
    expect(events.filter((e: any) => e.type === 'warning_replied')).toHaveLength(1);
  });
});

describe('two actions at once', () => {
  const ROUNDS = 8;

  it('when two replies, or an acceptance and a return, arrive together, then one wins and the other gets 409', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const w = await issue({ departmentCode: 'DRC', replyWorkdays: 10 });
      const [a, b] = await Promise.all([
        drc.post(`/api/warnings/${w.id}/reply`, { reply: `答复甲 ${i}` }),
        drc.post(`/api/warnings/${w.id}/reply`, { reply: `答复乙 ${i}` }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expect((a.status === 409 ? a : b).body.error.reason).toBe('warning_already_replied');
      const replied = a.status === 200 ? a.body : b.body;

      const [accept, ret] = await Promise.all([
        supervisor.post(`/api/warnings/${w.id}/accept`, { version: replied.version }),
        supervisor.post(`/api/warnings/${w.id}/return`, { reason: `退回 ${i}`, version: replied.version }),
      ]);
      expect([accept.status, ret.status].sort()).toEqual([200, 409]);
      const loser = accept.status === 409 ? accept : ret;
      expect(['warning_closed', 'warning_not_replied', 'warning_changed']).toContain(loser.body.error.reason);
      const final = (await supervisor.get(`/api/warnings/${w.id}`)).body;
      if (accept.status === 200) {
        expect(final).toMatchObject({ status: 'closed', round: 1 });
        expect(final.rounds[0].returnReason).toBeNull();
        outcomes.push('accept');
      } else {
        expect(final).toMatchObject({ status: 'awaiting_reply', round: 2 });
        expect(final.rounds[0].returnReason).toBe(`退回 ${i}`);
        outcomes.push('return');
      }
      const types = final.events.map((e: any) => e.type);
      expect(types.filter((t: string) => t === 'warning_replied')).toHaveLength(1);
      expect(types.filter((t: string) => t === 'warning_accepted' || t === 'warning_returned')).toHaveLength(1);
    }
    console.log(`accept vs return winners: ${outcomes.join(', ')}`);
  });
});
