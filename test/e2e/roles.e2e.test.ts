// Each role at its window, in Debian's Chromium against the real stack (training clock: one
// working day = 6 s; the browser's own time zone is London, the pages show Beijing time):
// guarded actions (a cancelled confirmation changes nothing, a double click acts once), errors in
// Chinese next to their field, a result message after every action, names instead of codes, the
// urge banner at the window, a phone-sized application page. Screenshots of each role's main
// page before and after its action go to test-artifacts/screenshots/ (git-ignored).
import type { Browser, Page } from 'playwright-core';
import { dialog, launchBrowser, PHONE, resultText, shot, signIn as signInAs } from '../helpers/browser';
import { DEFAULT_CLOCK_POLICY } from '../../workflows/shared';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;
let officerApi: ApiClient;
let adminApi: ApiClient;

/** A matter of the water bureau with a catalog fee and no prerequisite (the cashier's part). */
const WATER_INTAKE = {
  name: '取水许可',
  departmentCode: 'WRB',
  caseType: 'promised',
  legalBasis: '《取水许可和水资源费征收管理条例》',
  conditions: '符合水资源规划',
  procedure: '受理 → 审查 → 决定',
  materials: ['取水许可申请书', '水资源论证报告'],
  statutoryLimitDays: 20,
  promisedLimitDays: 10,
  fee: { amountFen: 20000, basis: '工本费（示例）' },
  prerequisites: [],
  stage: 1,
};

beforeAll(async () => {
  browser = await launchBrowser();
  // A supervision case waits 30 working days for its answer here, so it does not escalate under the test's feet.
  stack = await startStack({ workdaySeconds: 6, clockPolicy: { ...DEFAULT_CLOCK_POLICY, caseResponseDays: 30 } });
  [officerApi, adminApi] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'admin'),
  ]);
  expect((await adminApi.request('PUT', '/api/matters/WATER-INTAKE', WATER_INTAKE)).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signIn = (username: string, viewport?: { width: number; height: number }): Promise<Page> =>
  signInAs(browser, stack.baseUrl, username, viewport);

const launch = async (name: string, matters: string[]) => {
  const r = await officerApi.post('/api/applications', {
    project: { name, investmentWanYuan: 3000, location: '根河市', industry: '水务' },
    investor: { name: '根河水务有限公司', creditCode: creditCode(), contactName: '孙', phone: '13600000000' },
    matters,
  });
  expect(r.status).toBe(201);
  return r.body as { id: string; caseNo: string; steps: Array<{ id: string; matterCode: string }> };
};

/** How many times an event of `type` is in the step's timeline. */
const eventsOf = async (api: ApiClient, appId: string, stepId: string, type: string) =>
  ((await api.get(`/api/applications/${appId}/timeline`)).body as any[]).filter(
    (e) => e.stepId === stepId && e.type === type,
  ).length;

/** The Beijing wall-clock time of an instant, as the pages write it. */
const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('the officer', () => {
  it('when the credit code and the phone are wrong, then Chinese messages stand next to them, nothing is lost, and a phone with spaces and dashes is accepted', async () => {
    const officer = await signIn('officer');
    await shot(officer, 'officer-1-applications-before');
    await officer.goto(`${stack.baseUrl}/applications/new`);
    await officer.fill('input[name="investor.name"]', '根河水务有限公司');
    await officer.fill('input[name="investor.creditCode"]', '91150785MA0N2XY410');
    await officer.fill('input[name="investor.contactName"]', '孙');
    await officer.fill('input[name="investor.phone"]', '1360000');
    await officer.click('button:has-text("下一步")');
    const errorOf = (name: string) => officer.locator(`label:has(input[name="${name}"]) .field-error`);
    expect(await errorOf('investor.creditCode').textContent()).toBe('统一社会信用代码校验位不符，请核对');
    expect(await errorOf('investor.phone').textContent()).toBe('请填写手机号或带区号的固定电话（可含空格或短横线）');
    expect(await officer.getAttribute('input[name="investor.creditCode"]', 'aria-invalid')).toBe('true');
    // Still on the first page, with everything typed.
    expect(await officer.inputValue('input[name="investor.name"]')).toBe('根河水务有限公司');
    await shot(officer, 'officer-2-wizard-errors');

    await officer.fill('input[name="investor.creditCode"]', creditCode());
    await officer.fill('input[name="investor.phone"]', '136 0000-0000');
    await officer.click('button:has-text("下一步")');
    await officer.fill('input[name="project.name"]', '根河水厂扩建项目');
    await officer.fill('input[name="project.code"]', '2611-1507');
    await officer.fill('input[name="project.investmentWanYuan"]', '3000');
    await officer.fill('input[name="project.location"]', '根河市');
    await officer.fill('input[name="project.industry"]', '水务');
    await officer.click('button:has-text("下一步")');
    expect(await errorOf('project.code').textContent()).toContain('项目代码格式应为');
    await officer.fill('input[name="project.code"]', '');
    await officer.click('button:has-text("下一步")');
    await officer.check('input[name="matter-WATER-INTAKE"]');
    await officer.click('button:has-text("下一步")');
    await officer.click('button:has-text("发起联合审批")');
    await (await dialog(officer)).locator('button.confirm').click();
    await officer.waitForURL(/\/applications\/JA\d+/);
    expect(await resultText(officer, '已发起联合审批')).toMatch(/已发起联合审批 GH-\d{4}-\d{6}，1 个环节已送达窗口/);
    const appId = officer.url().split('/').pop()!;
    expect((await officerApi.get(`/api/applications/${appId}`)).body.investor.phone).toBe('13600000000');
    await shot(officer, 'officer-3-application-launched');

    // Withdrawing asks for its reason in its own dialog; cancelled, the application stays.
    await officer.click('button:has-text("撤回申请")');
    const d = await dialog(officer);
    await d.locator('button.confirm').click();
    expect(await d.locator('.field-error').textContent()).toBe('请填写此项');
    await officer.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    expect((await officerApi.get(`/api/applications/${appId}`)).body.status).toBe('in_progress');
  });
});

describe('the window, the officer and the cashier on one fee-bearing step', () => {
  it('when the window accepts, asks for a correction, the officer supplies it, the cashier records the fee and the window approves, then each says what happened; cancelled dialogs change nothing and double clicks act once', async () => {
    const app = await launch('根河取水工程', ['WATER-INTAKE']);
    const stepId = app.steps[0]!.id;
    const wrbApi = await ApiClient.login(stack.baseUrl, 'staff.wrb');

    // The window: inbox by project and investor, then accept.
    const wrb = await signIn('staff.wrb');
    const row = wrb.locator('tr[data-step="WATER-INTAKE"]', { hasText: '根河取水工程' });
    await row.waitFor();
    expect(await row.textContent()).toContain('根河水务有限公司');
    expect(await row.textContent()).toContain(app.caseNo);
    await shot(wrb, 'staff-1-inbox-before');
    await wrb.goto(`${stack.baseUrl}/steps/${stepId}`);
    await wrb.click('[data-form=accept] button');
    const accepted = await resultText(wrb, '已受理');
    const deadline = (await wrbApi.get(`/api/steps/${stepId}`)).body.deadline as string;
    expect(accepted).toBe(`✓ 已受理「取水许可」，承诺办结时限 ${beijing(deadline)}`);
    // Focus moved to the message for screen readers.
    expect(await wrb.evaluate("document.activeElement?.getAttribute('role')")).toBe('status');

    // A rejection cancelled in its dialog changes nothing.
    await wrb.fill('[data-form=reject] textarea[name=reason]', '不符合水资源规划');
    await wrb.click('[data-form=reject] button');
    const rejectDialog = await dialog(wrb);
    expect(await rejectDialog.textContent()).toContain('不予许可 · 取水许可');
    expect(await rejectDialog.textContent()).toContain('理由：不符合水资源规划');
    await wrb.keyboard.press('Escape');
    await rejectDialog.waitFor({ state: 'detached' });
    expect((await wrbApi.get(`/api/steps/${stepId}`)).body.status).toBe('in_review');

    // The correction: the checklist reads as what is missing, plus one more item typed.
    expect(await wrb.textContent('[data-form=request_supplement] legend')).toBe('缺少的材料（勾选缺少的项）');
    await wrb.check('[data-form=request_supplement] label:has-text("缺少：水资源论证报告") input');
    await wrb.fill('[data-form=request_supplement] textarea[name=items]', '取水口位置图');
    await wrb.fill('[data-form=request_supplement] input[name=reason]', '材料不全');
    await wrb.click('[data-form=request_supplement] button');
    const correction = await dialog(wrb);
    expect(await correction.textContent()).toContain('缺少 2 项材料');
    await correction.locator('button.confirm').click();
    expect(await resultText(wrb, '补正')).toBe('✓ 已一次性告知补正 2 项，计时暂停');
    // Its own fields were sent, not the rejection's reasons typed beside them.
    const paused = (await wrbApi.get(`/api/steps/${stepId}`)).body;
    expect(paused.supplementItems).toEqual(['水资源论证报告', '取水口位置图']);
    expect(paused.pause.reason).toBe('材料不全');

    // The officer sees what is missing and supplies it on the step itself.
    const officer = await signIn('officer');
    await officer.goto(`${stack.baseUrl}/applications/${app.id}`);
    await officer.waitForSelector('.attention');
    const card = officer.locator('.step-card[data-step="WATER-INTAKE"]');
    expect(await card.locator('.requested').textContent()).toContain('水资源论证报告');
    expect(await card.locator('.requested').textContent()).toContain('取水口位置图');
    await card.locator('button:has-text("提交补正材料")').click();
    await card.locator('[data-form=supplement] textarea[name=note]').fill('已补交论证报告和位置图');
    await card.locator('[data-form=supplement] button').click();
    expect(await resultText(officer, '补正材料已提交')).toContain('「取水许可」补正材料已提交，计时恢复');

    // The cashier: payer and project on the fee; a cancelled payment records nothing; a double click records once.
    const cashier = await signIn('cashier');
    const fee = cashier.locator('tr[data-step="WATER-INTAKE"]', { hasText: '根河取水工程' });
    await fee.waitFor();
    expect(await fee.textContent()).toContain('根河水务有限公司');
    expect(await fee.textContent()).toContain('¥200.00');
    await shot(cashier, 'cashier-1-fees-before');
    await fee.locator('input[name=receiptNo]').fill('SF-2026-0042');
    await fee.locator('button:has-text("登记缴费")').click();
    const pay = await dialog(cashier);
    expect(await pay.textContent()).toContain('付款人：根河水务有限公司 · 项目：根河取水工程');
    await pay.locator('button:has-text("取消")').click();
    await pay.waitFor({ state: 'detached' });
    expect((await wrbApi.get(`/api/steps/${stepId}`)).body.fee.paidAt).toBeNull();
    await fee.locator('button:has-text("登记缴费")').click();
    await (await dialog(cashier)).locator('button.confirm').dblclick();
    expect(await resultText(cashier, '已登记缴费')).toBe('✓ 已登记缴费 ¥200.00（取水许可），收据号 SF-2026-0042');
    await cashier.waitForSelector('tr[data-receipt="SF-2026-0042"]');
    expect(await cashier.textContent('.summary')).toMatch(/共收费 1 笔，合计 ¥200\.00/);
    expect(await eventsOf(officerApi, app.id, stepId, 'fee_paid')).toBe(1);
    await shot(cashier, 'cashier-2-fees-after');

    // The window approves without a certificate number: the dialog asks whether the certificate follows.
    await wrb.reload();
    await wrb.click('[data-form=approve] button');
    const approve = await dialog(wrb);
    expect(await approve.textContent()).toContain('证照是否随后发放');
    await approve.locator('button.confirm').dblclick();
    expect(await resultText(wrb, '已准予许可')).toBe('✓ 「取水许可」已准予许可，证照随后发放');
    expect(await eventsOf(officerApi, app.id, stepId, 'step_approved')).toBe(1);
    await shot(wrb, 'staff-2-step-after');
    // 已办 lists it.
    await wrb.goto(`${stack.baseUrl}/inbox/done`);
    await wrb.waitForSelector(`tr[data-step="WATER-INTAKE"]:has-text("根河取水工程")`);
  });
});

describe('names, the board, the urge banner and the phone', () => {
  it('when a step is overdue and urged, then the board names its project and department with the days overdue and why it cannot be extended, and the window sees the urge on its inbox row and step page', async () => {
    const app = await launch('根河木材加工项目', ['PROJECT-FILING']);
    const stepId = app.steps[0]!.id;
    const drcApi = await ApiClient.login(stack.baseUrl, 'staff.drc');
    expect((await drcApi.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
    const supervisorApi = await ApiClient.login(stack.baseUrl, 'supervisor');
    await eventually(async () => {
      const board = (await supervisorApi.get('/api/supervision/board')).body as any[];
      return board.find((s) => s.id === stepId && s.light === 'red' && s.openCase);
    }, 40_000);

    const supervisor = await signIn('supervisor');
    const row = supervisor.locator('tr[data-step="PROJECT-FILING"]', { hasText: '根河木材加工项目' });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('企业投资项目备案');
    expect(text).toContain('发展和改革委员会');
    expect(text).toMatch(/已超期 \d+ 个工作日/);
    expect(text).toContain('延期：已过承诺时限，不能延期');
    expect(text).not.toMatch(/\bDRC\b/);
    await shot(supervisor, 'supervisor-1-board-before');

    // Urging: cancelled, nothing is recorded; then a message of the supervisor's own, confirmed by a double click, once.
    await row.locator('button:has-text("催办")').click();
    await (await dialog(supervisor)).locator('button:has-text("取消")').click();
    expect((await drcApi.get(`/api/steps/${stepId}`)).body.lastUrgedAt).toBeNull();
    await row.locator('button:has-text("催办")').click();
    const urge = await dialog(supervisor);
    await urge.locator('input[name=message]').fill('请今日内办结并回复督办件');
    await urge.locator('button.confirm').dblclick();
    expect(await resultText(supervisor, '已催办')).toBe('✓ 已催办「企业投资项目备案」：请今日内办结并回复督办件');
    expect(await eventsOf(officerApi, app.id, stepId, 'step_urged')).toBe(1);
    await row.locator('.last-urge').waitFor();
    await shot(supervisor, 'supervisor-2-board-after');

    // The window: the banner on the inbox row and on the step page, with the message and the open case.
    const drc = await signIn('staff.drc');
    const inboxRow = drc.locator('tr[data-step="PROJECT-FILING"]', { hasText: '根河木材加工项目' });
    await inboxRow.locator('[data-banner=urge]').waitFor();
    expect(await inboxRow.locator('[data-banner=urge]').textContent()).toContain('请今日内办结并回复督办件');
    expect(await inboxRow.locator('[data-banner=case]').textContent()).toMatch(/督办中：第 1 级督办件/);
    await shot(drc, 'staff-3-inbox-urged');
    await inboxRow.locator('a', { hasText: '企业投资项目备案' }).click();
    await drc.waitForSelector('.step-page [data-banner=urge]');
    expect(await drc.textContent('.step-page [data-banner=urge]')).toContain('督查协调室');

    // The case: the window answers on the case page; the supervisor reads the answer there.
    await drc.click('.step-page [data-banner=case] a');
    await drc.fill('textarea[name=answer]', '材料已齐，今日办结');
    await drc.click('button:has-text("提交回复")');
    expect(await resultText(drc, '已回复')).toBe('✓ 已回复第 1 级督办件');
    const caseUrl = new URL(drc.url()).pathname;
    await supervisor.goto(`${stack.baseUrl}${caseUrl}`);
    await supervisor.waitForSelector('.case-answer[data-answer=given]');
    expect(await supervisor.textContent('.case-answer')).toContain('材料已齐，今日办结');
  });

  it('when the officer opens an application on a phone, then it fits the screen and names every step, department and status in Chinese', async () => {
    const app = await launch('根河光伏电站二期', ['SOIL-WATER']);
    // The step's workflow records its arrival at the window a moment after the launch answers.
    const filingId = app.steps.find((s) => s.matterCode === 'PROJECT-FILING')!.id;
    await eventually(async () => (await eventsOf(officerApi, app.id, filingId, 'step_submitted')) === 1);
    const officer = await signIn('officer', PHONE);
    await officer.goto(`${stack.baseUrl}/applications/${app.id}`);
    await officer.waitForSelector('.step-card[data-step="SOIL-WATER"]');
    expect(await officer.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const filing = officer.locator('.step-card[data-step="PROJECT-FILING"]');
    expect(await filing.locator('.step-name').textContent()).toMatch(/^企业投资项目备案/);
    expect(await filing.textContent()).toContain('发展和改革委员会');
    expect(await filing.textContent()).toMatch(/待受理/);
    const soil = officer.locator('.step-card[data-step="SOIL-WATER"]');
    expect(await soil.textContent()).toContain('水利局');
    expect(await soil.textContent()).toContain('等待前置');
    expect(await soil.textContent()).toContain('前置：企业投资项目备案（待受理）');
    expect(await officer.textContent('.stage h2')).toBe('第 1 阶段 · 立项用地规划许可');
    const page = (await officer.textContent('main')) ?? '';
    for (const code of ['submitted', 'blocked', 'in_progress', 'WRB', 'DRC']) expect(page).not.toContain(code);
    await shot(officer, 'officer-4-application-phone');
    // The timeline names the matter of each entry.
    expect(await officer.textContent('.timeline')).toContain('送达窗口 · 企业投资项目备案');
  });
});

describe('the general office', () => {
  it('when the admin saves a holiday, then a cancelled dialog saves nothing, the saved entry says how many open steps recompute, and the published holidays stand beside it', async () => {
    const admin = await signIn('admin');
    await admin.waitForSelector('table.published');
    expect(await admin.textContent('table.published')).toContain('国庆节');
    await shot(admin, 'admin-1-calendar-before');
    await admin.fill('input[name=date]', '2027-01-01');
    await admin.fill('input[name=note]', '2027 年元旦');
    await admin.click('.calendar-form button:has-text("保存")');
    const d = await dialog(admin);
    expect(await d.textContent()).toContain('2027-01-01（周五）设为休息日：2027 年元旦');
    await admin.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    expect((await adminApi.get('/api/calendar')).body.adminEntries).toEqual([]);
    await admin.click('.calendar-form button:has-text("保存")');
    await (await dialog(admin)).locator('button.confirm').dblclick();
    expect(await resultText(admin, '已保存')).toMatch(
      /^✓ 已保存 2027-01-01（休息日），已通知 \d+ 个在办环节重新计算时限$/,
    );
    await admin.waitForSelector('table.admin-entries td:has-text("2027 年元旦")');
    expect((await adminApi.get('/api/calendar')).body.adminEntries).toHaveLength(1);
    await shot(admin, 'admin-2-calendar-after');
  });

  it('when a user switches to English and signs out, then the shared PC is Chinese for the next user and the choice returns with its owner', async () => {
    const drc = await signIn('staff.drc');
    await drc.click('button:has-text("English")');
    await drc.waitForSelector('h1:has-text("Inbox")');
    await drc.click('button:has-text("Sign out")');
    await drc.waitForSelector('h1:has-text("登录")');
    await drc.fill('input[name=username]', 'staff.drc');
    await drc.fill('input[name=password]', 'demo1234');
    await drc.click('button[type=submit]');
    await drc.waitForSelector('h1:has-text("Inbox")');
    await drc.click('button:has-text("Sign out")');
    await drc.fill('input[name=username]', 'staff.eeb');
    await drc.fill('input[name=password]', 'demo1234');
    await drc.click('button[type=submit]');
    await drc.waitForSelector('h1:has-text("待办事项")');
  });
});
