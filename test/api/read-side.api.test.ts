// What the web UI reads beside each step, on the real stack with the training clock (one working
// day = 2 s): names instead of codes on every list, the urge and the open supervision case on the
// window's inbox, the board's reasons, one case with its answer, the department's finished steps,
// the cashier's day, the published holidays, the engine's links for the supervision office, and
// phone numbers typed with spaces and dashes.
import { creditCode, applicationBody } from '../helpers/fixtures';
import { DEFAULT_CLOCK_POLICY } from '../../workflows/shared';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let officer: ApiClient;
let drc: ApiClient;
let eeb: ApiClient;
let supervisor: ApiClient;
let cashier: ApiClient;
let admin: ApiClient;

beforeAll(async () => {
  // A case's answer is due in 10 working days (20 s), not 1: the test answers the first level, and a
  // busy machine must not let it escalate first.
  stack = await startStack({ workdaySeconds: 2, clockPolicy: { ...DEFAULT_CLOCK_POLICY, caseResponseDays: 10 } });
  [officer, drc, eeb, supervisor, cashier, admin] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'staff.eeb'),
    ApiClient.login(stack.baseUrl, 'supervisor'),
    ApiClient.login(stack.baseUrl, 'cashier'),
    ApiClient.login(stack.baseUrl, 'admin'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('phone numbers and credit codes as people type them', () => {
  it('when the phone is typed with spaces and dashes, then the launch is accepted and the number is stored plain', async () => {
    const created = await officer.post(
      '/api/applications',
      applicationBody(['PROJECT-FILING'], {
        investor: { name: '根河某公司', creditCode: creditCode(), contactName: '李明', phone: ' 138 0000-0000 ' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.investor.phone).toBe('13800000000');
    const withLandline = await officer.post(
      '/api/applications',
      applicationBody(['PROJECT-FILING'], {
        investor: { name: '根河某公司', creditCode: creditCode(), contactName: '李明', phone: '(0470) 123－4567' },
      }),
    );
    expect(withLandline.status).toBe(201);
    expect(withLandline.body.investor.phone).toBe('04701234567');
  });

  it('when the phone or the credit code is wrong, then the 400 names the field with a stable code the UI can word', async () => {
    const r = await officer.post(
      '/api/applications',
      applicationBody(['PROJECT-FILING'], {
        investor: { name: '根河某公司', creditCode: '91150785MA0N2XY410', contactName: '李明', phone: '1380000' },
      }),
    );
    expect(r.status).toBe(400);
    const byField = Object.fromEntries(r.body.error.details.map((d: any) => [d.field, d]));
    expect(byField['body.investor.phone']).toMatchObject({ code: 'invalid_format' });
    expect(byField['body.investor.creditCode']).toMatchObject({ code: 'custom', params: { problem: 'check' } });
    // Nothing was launched.
    expect((await officer.get('/api/applications?q=根河某公司')).body.total).toBe(2);
  });
});

describe('the window, the board and the case', () => {
  it('when a step is urged and overdue, then the inbox row, the board and the case name the project and show the urge, the case and why no extension is offered', async () => {
    const created = await officer.post(
      '/api/applications',
      applicationBody(['PROJECT-FILING'], {
        project: { name: '读侧测试项目', investmentWanYuan: 10, location: '根河市', industry: '制造业' },
      }),
    );
    expect(created.status).toBe(201);
    const stepId = created.body.steps[0].id as string;
    expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);

    // The one-day filing turns red on the training clock: a supervision case opens.
    const red = await eventually(async () => {
      const board = (await supervisor.get('/api/supervision/board')).body as any[];
      const row = board.find((s) => s.id === stepId);
      return row?.light === 'red' && row.openCase ? row : undefined;
    }, 30_000);
    expect(red.projectName).toBe('读侧测试项目');
    expect(red.investorName).toBe('根河新能源有限公司');
    expect(red.overdueWorkdays).toBeGreaterThanOrEqual(0);
    expect(red.extensionRefusal).toEqual({ reason: 'deadline_passed', params: {} });
    expect(red.urgeRefusal).toBeNull();
    expect(red.openCase.id).toBe(`${stepId}-A1-L1`);

    expect((await supervisor.post(`/api/steps/${stepId}/urge`, { message: '请今日办结' })).status).toBe(202);
    const row = await eventually(async () => {
      const inbox = (await drc.get('/api/inbox')).body as any[];
      const r = inbox.find((s) => s.id === stepId);
      return r?.lastUrge ? r : undefined;
    });
    expect(row.projectName).toBe('读侧测试项目');
    expect(row.lastUrge).toMatchObject({ message: '请今日办结', by: '督查协调室' });
    expect(row.openCase).toMatchObject({ id: `${stepId}-A1-L1`, level: 1 });
    const board = ((await supervisor.get('/api/supervision/board')).body as any[]).find((s) => s.id === stepId);
    expect(board.lastUrge.message).toBe('请今日办结');
    expect(board.urgeRefusal.reason).toBe('urge_too_soon');
    const step = (await drc.get(`/api/steps/${stepId}`)).body;
    expect(step.lastUrge.message).toBe('请今日办结');
    expect(step.openCase.level).toBe(1);

    // The department answers; the case, read by the supervisor, shows the answer and the step's history.
    const caseId = row.openCase.id as string;
    expect((await drc.post(`/api/supervision/cases/${caseId}/answer`, { answer: '已加快办理' })).status).toBe(200);
    const detail = await eventually(async () => {
      const r = await supervisor.get(`/api/supervision/cases/${caseId}`);
      return r.body.answer ? r : undefined;
    });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: caseId,
      matterName: '企业投资项目备案',
      projectName: '读侧测试项目',
      answer: '已加快办理',
      status: 'closed',
      outcome: 'answered',
    });
    expect(detail.body.step.id).toBe(stepId);
    expect(detail.body.ladder.map((c: any) => c.id)).toEqual([caseId]);
    expect(detail.body.events.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['step_accepted', 'step_overdue', 'step_urged', 'supervision_case_answered']),
    );
    // Another department's window may not read it; the case list names matter and project.
    expect((await eeb.get(`/api/supervision/cases/${caseId}`)).status).toBe(403);
    const listed = ((await supervisor.get('/api/supervision/cases?status=closed')).body as any[]).find(
      (c) => c.id === caseId,
    );
    expect(listed).toMatchObject({ matterName: '企业投资项目备案', projectName: '读侧测试项目' });

    // Approved, the step leaves the inbox for the department's finished list (已办).
    expect(
      (await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-1' })).status,
    ).toBe(200);
    const done = await eventually(async () => {
      const list = (await drc.get('/api/inbox/done')).body as any[];
      return list.find((s) => s.id === stepId);
    });
    expect(done).toMatchObject({ status: 'approved', certificateNo: 'BA-1', projectName: '读侧测试项目' });
    expect(((await eeb.get('/api/inbox/done')).body as any[]).some((s) => s.id === stepId)).toBe(false);
    expect((await officer.get('/api/inbox/done')).status).toBe(403);
  }, 90_000);

  it('when a window reassigns, then its colleagues are listed by name', async () => {
    const colleagues = (await drc.get('/api/users/colleagues')).body as any[];
    expect(colleagues.map((c) => c.displayName)).toContain('发展和改革委员会窗口');
    expect((await supervisor.get('/api/users/colleagues')).status).toBe(403);
  });

  it('when the supervisor opens the technical details, then every workflow is linked in the Temporal Web UI', async () => {
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const id = created.body.id as string;
    const tech = await supervisor.get(`/api/applications/${id}/technical`);
    expect(tech.status).toBe(200);
    expect(tech.body.temporalUiUrl).toBe(stack.config.temporalUiUrl);
    expect(tech.body.application.workflowId).toBe(`application-${id}`);
    expect(tech.body.application.url).toBe(
      `${stack.config.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(`application-${id}`)}`,
    );
    expect(tech.body.steps[0]).toMatchObject({ matterName: '企业投资项目备案' });
    expect((await officer.get(`/api/applications/${id}/technical`)).status).toBe(403);
  });
});

describe('the cashier and the calendar', () => {
  it("when a fee is paid, then the due list named its payer and project and today's payments total it", async () => {
    const matter = {
      name: '取水许可',
      departmentCode: 'WRB',
      caseType: 'promised',
      legalBasis: '《取水许可和水资源费征收管理条例》',
      conditions: '符合水资源规划',
      procedure: '受理 → 审查 → 决定',
      materials: ['取水许可申请书'],
      statutoryLimitDays: 20,
      promisedLimitDays: 10,
      fee: { amountFen: 20000, basis: '工本费（示例）' },
      prerequisites: [],
      stage: 1,
    };
    expect((await admin.request('PUT', '/api/matters/WATER-INTAKE', matter)).status).toBe(200);
    const created = await officer.post(
      '/api/applications',
      applicationBody(['WATER-INTAKE'], {
        project: { name: '水厂扩建项目', investmentWanYuan: 3000, location: '根河市', industry: '水务' },
        investor: { name: '根河水务有限公司', creditCode: creditCode(), contactName: '孙', phone: '13600000000' },
      }),
    );
    const stepId = created.body.steps[0].id as string;
    const due = ((await cashier.get('/api/fees/due')).body as any[]).find((s) => s.id === stepId);
    expect(due).toMatchObject({ projectName: '水厂扩建项目', payerName: '根河水务有限公司' });
    const before = (await cashier.get('/api/fees/paid')).body;
    expect((await cashier.post(`/api/steps/${stepId}/payment`, { amountFen: 20000, receiptNo: 'SF-1' })).status).toBe(
      200,
    );
    const today = (await cashier.get('/api/fees/paid')).body;
    expect(today.date).toBe(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
    expect(today.count).toBe(before.count + 1);
    expect(today.totalFen).toBe(before.totalFen + 20000);
    expect(today.items.find((i: any) => i.stepId === stepId)).toMatchObject({
      projectName: '水厂扩建项目',
      payerName: '根河水务有限公司',
      matterName: '取水许可',
      amountFen: 20000,
      receiptNo: 'SF-1',
      recordedBy: expect.any(String),
    });
    expect((await cashier.get('/api/fees/paid?date=2020-01-01')).body).toMatchObject({ count: 0, totalFen: 0 });
    expect((await cashier.get('/api/fees/paid?date=yesterday')).status).toBe(400);
  });

  it('when the admin reads the calendar, then the published holidays of the year are listed by name beside the admin entries', async () => {
    const cal = (await admin.get('/api/calendar?year=2026')).body;
    expect(cal.published).toEqual(
      expect.arrayContaining([
        { date: '2026-10-01', workday: false, name: '国庆节', nameEn: 'National Day' },
        { date: '2026-09-20', workday: true, name: '国庆节', nameEn: 'National Day' },
      ]),
    );
    expect(cal.published.every((d: any) => d.date.startsWith('2026-'))).toBe(true);
    const saved = await admin.post('/api/calendar/days', { date: '2030-01-02', workday: false, note: '测试' });
    expect(saved.status).toBe(201);
    expect(typeof saved.body.openStepsRecomputed).toBe('number');
  });
});
