// Efficiency complaints (效能投诉), ratings (好差评) and rectification tasks (整改) on the real stack,
// on the training clock (one working day = 2 s): filing, registration, the department's reply, the
// conclusion, the public follow-up at each stage; a late reply escalated like an overdue step; a bad
// rating opening a rectification task; bad input refused with nothing written; two windows acting at
// once giving one winner.
import { sql } from 'kysely';
import { applicationBody, COMPLAINT_CONTENT, complaintBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';
import { decryptedText } from '../helpers/history';

const WORKDAY_SECONDS = 2;

let stack: Stack;
let anonymous: ApiClient;
let officer: ApiClient;
let drc: ApiClient;
let eeb: ApiClient;
let supervisor: ApiClient;

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: WORKDAY_SECONDS });
  anonymous = new ApiClient(stack.baseUrl);
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

const CONTENT = COMPLAINT_CONTENT;

async function file(overrides: Record<string, unknown> = {}) {
  const r = await anonymous.post('/api/public/complaints', complaintBody(overrides));
  expect(r.status).toBe(201);
  return r.body as { complaintNo: string; password: string };
}

const follow = (no: string, password: string) =>
  anonymous.get(`/api/public/complaints/${no}?password=${encodeURIComponent(password)}`);

/** The complaint as the supervisor reads it, once its workflow has reported (filed: its registration deadline). */
async function registered(no: string) {
  return eventually(async () => {
    const r = await supervisor.get(`/api/complaints/${no}`);
    return r.status === 200 && r.body.registerDueAt && r.body;
  });
}

const counts = async () =>
  (
    await sql<{
      complaints: string;
      ratings: string;
    }>`select (select count(*) from complaints) as complaints, (select count(*) from ratings) as ratings`.execute(
      stack.db.db,
    )
  ).rows[0]!;

/** An application whose project filing is approved: the step and the application are closed. */
async function completedApplication() {
  const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
  expect(created.status).toBe(201);
  const stepId = created.body.steps[0].id as string;
  await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
  expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
  const decided = await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-1' });
  expect(decided.status).toBe(200);
  await eventually(async () => (await officer.get(`/api/applications/${created.body.id}`)).body.status === 'completed');
  return {
    id: created.body.id as string,
    caseNo: created.body.caseNo as string,
    stepId,
    password: created.body.queryPassword as string,
  };
}

describe('an efficiency complaint', () => {
  it('when a complaint is filed, assigned, answered on time and closed upheld, then the public follow-up shows each stage', async () => {
    const { complaintNo, password } = await file();
    expect(complaintNo).toMatch(/^TS-\d{4}-\d{6}$/);
    expect(password).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    const second = await file({ category: 'attitude' });
    expect(Number(second.complaintNo.slice(-6))).toBe(Number(complaintNo.slice(-6)) + 1);

    // Filed: the office sees it with the complainant's contact (the phone as digits), the public its status.
    const filed = await registered(complaintNo);
    expect(filed).toMatchObject({ status: 'filed', kind: 'complaint', contactName: '王小红', phone: '13912345678' });
    expect(filed.allowedActions).toEqual(['assign', 'close']);
    let publicView = await follow(complaintNo, password);
    expect(publicView.status).toBe(200);
    expect(publicView.body).toMatchObject({ complaintNo, status: 'filed' });
    expect(publicView.body.replyDueAt).toBeUndefined();
    expect(JSON.stringify(publicView.body)).not.toContain('王小红');

    // Registered and assigned to the DRC with 10 working days to reply.
    const assigned = await supervisor.post(`/api/complaints/${complaintNo}/assign`, {
      departmentCode: 'DRC',
      replyWorkdays: 10,
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', departmentCode: 'DRC', light: 'green' });
    const due = Date.parse(assigned.body.replyDueAt);
    expect(due - Date.parse(assigned.body.assignedAt)).toBe(10 * WORKDAY_SECONDS * 1000);
    publicView = await follow(complaintNo, password);
    expect(publicView.body).toMatchObject({ status: 'assigned', replyDueAt: assigned.body.replyDueAt });
    // A calendar edit reaches the open complaints too (their deadlines are recomputed like the steps').
    const admin = await ApiClient.login(stack.baseUrl, 'admin');
    const edited = await admin.post('/api/calendar/days', { date: '2030-01-02', workday: false, note: '测试' });
    expect(edited.status).toBe(201);
    expect(edited.body.openComplaintsRecomputed).toBeGreaterThanOrEqual(1);

    // The department reads it without the complainant's contact; another department does not see it.
    const inbox = await drc.get('/api/complaints');
    const mine = inbox.body.items.find((c: any) => c.id === complaintNo);
    expect(mine).toMatchObject({ content: CONTENT, allowedActions: ['reply'] });
    expect(mine).not.toHaveProperty('contactName');
    expect(mine).not.toHaveProperty('phone');
    expect((await eeb.get('/api/complaints')).body.items.map((c: any) => c.id)).not.toContain(complaintNo);
    expect((await eeb.get(`/api/complaints/${complaintNo}`)).status).toBe(403);
    expect((await eeb.post(`/api/complaints/${complaintNo}/reply`, { reply: '不是我们' })).status).toBe(403);
    // The DRC's notice of the assignment.
    const notices = (await drc.get('/api/notifications')).body;
    expect(notices.some((n: any) => n.code === 'complaint_assigned' && n.params.complaintId === complaintNo)).toBe(
      true,
    );

    const replied = await drc.post(`/api/complaints/${complaintNo}/reply`, {
      reply: '已核实，窗口已一次性告知所需材料并于当日受理。',
      version: mine.version,
    });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ status: 'replied', replyLate: false, repliedBy: expect.any(String) });
    publicView = await follow(complaintNo, password);
    expect(publicView.body).toMatchObject({
      status: 'replied',
      reply: '已核实，窗口已一次性告知所需材料并于当日受理。',
    });
    expect(publicView.body.conclusion).toBeUndefined();

    const closed = await supervisor.post(`/api/complaints/${complaintNo}/close`, {
      upheld: true,
      conclusion: '投诉属实，已责令窗口整改并通报。',
      version: replied.body.version,
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', upheld: true, allowedActions: [] });
    publicView = await follow(complaintNo, password);
    expect(publicView.body).toMatchObject({
      status: 'closed',
      upheld: true,
      conclusion: '投诉属实，已责令窗口整改并通报。',
      reply: '已核实，窗口已一次性告知所需材料并于当日受理。',
    });

    // The permanent record, in order.
    const detail = await supervisor.get(`/api/complaints/${complaintNo}`);
    expect(detail.body.events.map((e: any) => e.type)).toEqual([
      'complaint_filed',
      'complaint_received',
      'complaint_assigned',
      'complaint_replied',
      'complaint_closed',
    ]);
    // Personal data stays out of the workflow's history (payloads decoded; the office's words are there).
    const decoded = await decryptedText(
      await stack.client.workflow.getHandle(`complaint-${complaintNo}`).fetchHistory(),
      stack.config.payloadKeys,
    );
    expect(decoded).toContain('已核实，窗口已一次性告知所需材料并于当日受理。');
    for (const secret of ['王小红', '13912345678', CONTENT, password]) expect(decoded).not.toContain(secret);
    // The record is append-only.
    await expect(
      sql`update complaint_events set type = 'x' where complaint_id = ${complaintNo}`.execute(stack.db.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from complaint_events where complaint_id = ${complaintNo}`.execute(stack.db.db),
    ).rejects.toThrow(/append-only/);
  });

  it('when the department replies late, then a supervision case opens and escalates on the training clock, and the late reply closes it', async () => {
    const { complaintNo } = await file({ category: 'delay' });
    await registered(complaintNo);
    const assigned = await supervisor.post(`/api/complaints/${complaintNo}/assign`, {
      departmentCode: 'DRC',
      replyWorkdays: 1,
    });
    expect(assigned.status).toBe(200);
    // Red after 1 working day: a case for the DRC, seen by the supervision office; unanswered, level 2.
    const escalated = await eventually(async () => {
      const cases = (await supervisor.get('/api/supervision/cases?status=open&pageSize=200')).body.filter(
        (c: any) => c.complaintId === complaintNo,
      );
      return cases.some((c: any) => c.level === 2) && cases;
    }, 30_000);
    expect(escalated[0]).toMatchObject({ departmentCode: 'DRC', stepId: null, applicationId: null, status: 'open' });
    // The case row is written a moment before the complaint's own report of the new level.
    const view = await eventually(async () => {
      const v = (await supervisor.get(`/api/complaints/${complaintNo}`)).body;
      return v.escalationLevel >= 2 && v;
    });
    expect(view).toMatchObject({ status: 'assigned', overdue: true, light: 'red' });
    expect(view.escalationLevel).toBeGreaterThanOrEqual(2);
    expect(view.cases.map((c: any) => c.level)).toEqual(expect.arrayContaining([1, 2]));
    const seen = (await supervisor.get('/api/notifications')).body;
    expect(seen.some((n: any) => n.code === 'complaint_overdue' && n.params.complaintId === complaintNo)).toBe(true);
    expect(seen.some((n: any) => n.code === 'complaint_case_escalated' && n.params.complaintId === complaintNo)).toBe(
      true,
    );
    // The DRC sees the case among its own.
    const drcCases = (await drc.get('/api/supervision/cases?status=open&pageSize=200')).body;
    expect(drcCases.some((c: any) => c.complaintId === complaintNo)).toBe(true);

    const replied = await drc.post(`/api/complaints/${complaintNo}/reply`, { reply: '因人员不足延误，已补办。' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ status: 'replied', replyLate: true, overdue: true });
    const after = await eventually(async () => {
      const cases = (await supervisor.get('/api/supervision/cases?pageSize=200')).body.filter(
        (c: any) => c.complaintId === complaintNo,
      );
      return cases.every((c: any) => c.status === 'closed') && cases;
    });
    const levels = after.map((c: any) => c.level);
    expect(new Set(levels).size).toBe(levels.length);
    expect(after.sort((a: any, b: any) => b.level - a.level)[0].outcome).toBe('decided');
  });

  it('when a supervision case of a late complaint is answered, then the ladder stops and the reply is still due', async () => {
    const { complaintNo } = await file({ category: 'shirking' });
    await registered(complaintNo);
    await supervisor.post(`/api/complaints/${complaintNo}/assign`, { departmentCode: 'DRC', replyWorkdays: 1 });
    const opened = await eventually(async () => {
      const c = (await drc.get('/api/supervision/cases?status=open&pageSize=200')).body.find(
        (x: any) => x.complaintId === complaintNo,
      );
      return c;
    }, 20_000);
    const answered = await drc.post(`/api/supervision/cases/${opened.id}/answer`, { answer: '正在核实，三日内答复。' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'closed', outcome: 'answered' });
    await new Promise((r) => setTimeout(r, 3 * WORKDAY_SECONDS * 1000));
    const view = (await drc.get(`/api/complaints/${complaintNo}`)).body;
    expect(view).toMatchObject({ status: 'assigned', overdue: true, allowedActions: ['reply'] });
    expect(view.cases.every((c: any) => c.status === 'closed')).toBe(true);
    expect(view.cases.length).toBe(opened.level);
  });
});

describe('a rating', () => {
  it('when a decided step gets a bad rating, then a rectification task opens for its department with a reply deadline', async () => {
    const app = await completedApplication();
    const lookup = await anonymous.get(`/api/public/ratings?caseNo=${app.caseNo}&password=${app.password}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ caseNo: app.caseNo, status: 'completed', application: { rateable: true } });
    expect(lookup.body.steps[0]).toMatchObject({ stepId: app.stepId, rateable: true, rating: null });
    expect(JSON.stringify(lookup.body)).not.toContain('李明');

    const bad = await anonymous.post('/api/public/ratings', {
      caseNo: app.caseNo.toLowerCase(),
      password: app.password,
      stepId: app.stepId,
      score: 2,
      comment: '窗口态度冷淡，材料清单前后不一。',
    });
    expect(bad.status).toBe(201);
    expect(bad.body).toMatchObject({ stepId: app.stepId, departmentCode: 'DRC', score: 2 });
    const taskNo = bad.body.rectificationNo as string;
    expect(taskNo).toMatch(/^ZG-\d{4}-\d{6}$/);

    // The DRC has the task with its deadline (5 working days by default), the rating's words with it.
    const task = await eventually(async () => {
      const r = await drc.get('/api/complaints?kind=rectification');
      return r.body.items.find((c: any) => c.id === taskNo && c.status === 'assigned');
    });
    expect(task).toMatchObject({ departmentCode: 'DRC', replyWorkdays: 5, rating: { score: 2 } });
    expect(Date.parse(task.replyDueAt) - Date.parse(task.assignedAt)).toBe(5 * WORKDAY_SECONDS * 1000);
    const drcNotices = (await drc.get('/api/notifications')).body;
    expect(drcNotices.some((n: any) => n.code === 'rectification_opened' && n.params.complaintId === taskNo)).toBe(
      true,
    );
    // The supervision office follows it.
    const all = (await supervisor.get('/api/complaints?kind=rectification')).body.items;
    expect(all.find((c: any) => c.id === taskNo)).toMatchObject({ allowedActions: ['close'] });
    const rows = (await supervisor.get('/api/ratings')).body;
    expect(rows.find((r: any) => r.stepId === app.stepId)).toMatchObject({ rectificationNo: taskNo, score: 2 });

    // The department answers the task; the office closes it.
    const answered = await drc.post(`/api/complaints/${taskNo}/reply`, { reply: '已组织窗口培训，统一材料清单。' });
    expect(answered.status).toBe(200);
    expect(
      (await supervisor.post(`/api/complaints/${taskNo}/close`, { upheld: true, conclusion: '整改到位。' })).status,
    ).toBe(200);

    // A good rating of the whole application opens nothing.
    const good = await anonymous.post('/api/public/ratings', { caseNo: app.caseNo, password: app.password, score: 5 });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({ stepId: null, score: 5, rectificationNo: null });
    const again = await anonymous.get(`/api/public/ratings?caseNo=${app.caseNo}&password=${app.password}`);
    expect(again.body.application.rating).toMatchObject({ score: 5 });
    expect(again.body.steps[0].rating).toMatchObject({ score: 2 });
  });
});

describe('bad input', () => {
  it('when a complaint or a rating is wrong, then a 4xx names the problem and nothing is written', async () => {
    const app = await completedApplication();
    const open = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const openStep = open.body.steps[0].id as string;
    const before = await counts();

    const refused = async (r: Promise<{ status: number; body: any }>, status: number, field?: string) => {
      const answer = await r;
      expect(answer.status).toBe(status);
      if (field) expect(answer.body.error.details.map((d: any) => d.field)).toContain(field);
      return answer.body.error;
    };
    const { content: _content, ...noContent } = complaintBody();
    await refused(anonymous.post('/api/public/complaints', noContent), 400, 'body.content');
    await refused(anonymous.post('/api/public/complaints', complaintBody({ content: '   ' })), 400, 'body.content');
    await refused(
      anonymous.post('/api/public/complaints', complaintBody({ contactName: '' })),
      400,
      'body.contactName',
    );
    await refused(anonymous.post('/api/public/complaints', complaintBody({ phone: '12345' })), 400, 'body.phone');
    await refused(
      anonymous.post('/api/public/complaints', complaintBody({ category: 'weather' })),
      400,
      'body.category',
    );
    await refused(
      anonymous.post('/api/public/complaints', complaintBody({ caseNo: 'GH-2026-999999' })),
      400,
      'body.caseNo',
    );
    await refused(
      anonymous.post('/api/public/complaints', complaintBody({ departmentCode: 'NOPE' })),
      400,
      'body.departmentCode',
    );

    const rate = (body: Record<string, unknown>) =>
      anonymous.post('/api/public/ratings', { caseNo: app.caseNo, password: app.password, ...body });
    const notClosed = await refused(
      anonymous.post('/api/public/ratings', {
        caseNo: open.body.caseNo,
        password: open.body.queryPassword,
        stepId: openStep,
        score: 4,
      }),
      409,
    );
    expect(notClosed.reason).toBe('step_not_closed');
    const appNotClosed = await refused(
      anonymous.post('/api/public/ratings', { caseNo: open.body.caseNo, password: open.body.queryPassword, score: 4 }),
      409,
    );
    expect(appNotClosed.reason).toBe('application_not_closed');
    await refused(rate({ stepId: app.stepId, score: 1 }), 400, 'body.comment');
    await refused(rate({ stepId: app.stepId, score: 2, comment: '  ' }), 400, 'body.comment');
    await refused(rate({ stepId: app.stepId, score: 6 }), 400, 'body.score');
    await refused(rate({ stepId: openStep, score: 4 }), 400, 'body.stepId');
    expect(await counts()).toEqual(before);

    // A wrong password answers exactly like an unknown case; the same for complaints.
    const wrong = await rate({ password: 'ZZZZZZ', stepId: app.stepId, score: 4 });
    const unknown = await anonymous.post('/api/public/ratings', {
      caseNo: 'GH-2026-999999',
      password: app.password,
      score: 4,
    });
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    const { complaintNo, password } = await file();
    const wrongFollow = await follow(complaintNo, password === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ');
    const unknownFollow = await follow('TS-2026-999999', password);
    expect(wrongFollow.status).toBe(404);
    expect(wrongFollow.body).toEqual(unknownFollow.body);
    await refused(follow('not-a-number', password), 400, 'params.no');

    // A second rating of the same step.
    expect((await rate({ stepId: app.stepId, score: 4 })).status).toBe(201);
    const second = await refused(rate({ stepId: app.stepId, score: 3 }), 409);
    expect(second.reason).toBe('already_rated');
    const after = await counts();
    expect(Number(after.ratings)).toBe(Number(before.ratings) + 1);
  });
});

describe('two windows at once', () => {
  const ROUNDS = 8;

  it('when a complaint is assigned twice at once, or replied and closed at once, then one wins and the other gets 409', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const { complaintNo } = await file({ category: 'other' });
      const filed = await registered(complaintNo);
      const [a, b] = await Promise.all([
        supervisor.post(`/api/complaints/${complaintNo}/assign`, { departmentCode: 'DRC', replyWorkdays: 10 }),
        supervisor.post(`/api/complaints/${complaintNo}/assign`, {
          departmentCode: 'DRC',
          replyWorkdays: 9,
          version: filed.version,
        }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(['complaint_already_assigned', 'complaint_changed']).toContain(loser.body.error.reason);
      const winner = a.status === 200 ? a : b;

      const [reply, close] = await Promise.all([
        drc.post(`/api/complaints/${complaintNo}/reply`, { reply: `答复 ${i}`, version: winner.body.version }),
        supervisor.post(`/api/complaints/${complaintNo}/close`, {
          upheld: false,
          conclusion: `不属实 ${i}`,
          version: winner.body.version,
        }),
      ]);
      expect([reply.status, close.status].sort()).toEqual([200, 409]);
      const final = (await supervisor.get(`/api/complaints/${complaintNo}`)).body;
      if (reply.status === 200) {
        expect(final).toMatchObject({ status: 'replied', reply: `答复 ${i}`, conclusion: null });
        outcomes.push('reply');
      } else {
        expect(final).toMatchObject({ status: 'closed', reply: null, conclusion: `不属实 ${i}` });
        outcomes.push('close');
      }
      // Exactly one assignment and one of the two in the record.
      const types = final.events.map((e: any) => e.type);
      expect(types.filter((t: string) => t === 'complaint_assigned')).toHaveLength(1);
      expect(types.filter((t: string) => t === 'complaint_replied' || t === 'complaint_closed')).toHaveLength(1);
    }
    console.log(`reply vs close winners: ${outcomes.join(', ')}`);
  });

  it('when the same submission is sent twice with its Idempotency-Key, then it is done once and answered the same', async () => {
    const headers = { 'Idempotency-Key': `file-${Date.now()}` };
    const [first, second] = await Promise.all([
      anonymous.post('/api/public/complaints', complaintBody(), headers),
      anonymous.post('/api/public/complaints', complaintBody(), headers),
    ]);
    const statuses = [first.status, second.status].sort();
    // Both at once: one files, the other is told to retry (409 with Retry-After) or gets the same answer.
    expect(statuses[0]).toBe(201);
    const retried = await anonymous.post('/api/public/complaints', complaintBody(), headers);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const created = first.status === 201 ? first.body : second.body;
    expect(retried.body).toEqual(created);
    await registered(created.complaintNo);

    const key = { 'Idempotency-Key': `assign-${Date.now()}` };
    const body = { departmentCode: 'EEB', replyWorkdays: 10 };
    const once = await supervisor.post(`/api/complaints/${created.complaintNo}/assign`, body, key);
    const twice = await supervisor.post(`/api/complaints/${created.complaintNo}/assign`, body, key);
    expect(once.status).toBe(200);
    expect(twice.status).toBe(200);
    expect(twice.headers.get('idempotent-replayed')).toBe('true');
    const events = (await supervisor.get(`/api/complaints/${created.complaintNo}`)).body.events;
    expect(events.filter((e: any) => e.type === 'complaint_assigned')).toHaveLength(1);
  });
});

describe('guessing passwords', () => {
  // Last in the file: it exhausts this address's budget of failed lookups.
  it('when a complaint password is guessed repeatedly, then the lookups are refused with 429', async () => {
    const { complaintNo, password } = await file();
    const statuses: number[] = [];
    for (let i = 0; i < stack.config.publicLookupLimit.maxFailures + 2; i++) {
      statuses.push((await follow(complaintNo, `WRONG${i}`)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
    expect(statuses.at(-1)).toBe(429);
    // Even the right password waits now.
    expect((await follow(complaintNo, password)).status).toBe(429);
  });
});
