// The web UI in Debian's Chromium against the real stack on the training clock (one working
// day = 2 s): an officer launches a three-matter review in the wizard, two departments act at
// their windows, the filing turns red and shows on the supervisor's board, the supervisor urges,
// the steps are approved and the application completes. Screenshots of each role's main page
// go to test-artifacts/screenshots/ (git-ignored).
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { dialog, launchBrowser, resultText, shot, signIn as signInAs } from '../helpers/browser';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';
import { issueDocuments } from '../../api/services/documents';
import { createLogger } from '../../lib/logger';
import { applicationBody, creditCode } from '../helpers/fixtures';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack({ workdaySeconds: 2 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signIn = (username: string): Promise<Page> => signInAs(browser, stack.baseUrl, username);

/** Confirms the dialog a guarded action opened. */
const confirm = async (page: Page) => (await dialog(page)).locator('button.confirm').click();

describe('the web UI', () => {
  it('when the public opens the service guide, then every matter shows its five publics in Chinese', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${stack.baseUrl}/guide`);
    await page.waitForSelector('text=建筑工程施工许可证');
    expect(await page.textContent('body')).toContain('承诺时限');
    await page.fill('input.search', '消防');
    await page.waitForFunction("document.querySelectorAll('.guide article').length === 1");
    await shot(page, 'public-guide');
    // A tablet in portrait: one column, nothing cut off.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.fill('input.search', '');
    await page.waitForFunction("document.querySelectorAll('.guide article').length > 5");
    expect(await page.evaluate('document.documentElement.scrollWidth <= 820')).toBe(true);
    await shot(page, 'public-guide-tablet');
  });

  it('when a three-matter review runs through every role, then the overdue step reaches the board, is urged and approved, and the application completes', async () => {
    // Officer: the wizard, with the plan shown before launch.
    const officer = await signIn('officer');
    await officer.goto(`${stack.baseUrl}/applications/new`);
    await officer.fill('input[name="investor.name"]', '根河新能源有限公司');
    await officer.fill('input[name="investor.creditCode"]', creditCode());
    await officer.fill('input[name="investor.contactName"]', '李明');
    await officer.fill('input[name="investor.phone"]', '13800000000');
    await officer.click('text=下一步');
    await officer.fill('input[name="project.name"]', '根河光伏电站项目');
    await officer.fill('input[name="project.investmentWanYuan"]', '12000');
    await officer.fill('input[name="project.location"]', '根河市');
    await officer.fill('input[name="project.industry"]', '新能源');
    await officer.click('text=下一步');
    for (const code of ['PROJECT-FILING', 'EIA-FORM', 'SOIL-WATER'])
      await officer.check(`input[name="matter-${code}"]`);
    await officer.click('text=下一步');
    await officer.waitForSelector('text=第 2 批（并联办理）');
    await shot(officer, 'officer-plan');
    await officer.click('button:has-text("发起联合审批")');
    await confirm(officer);
    await officer.waitForURL(/\/applications\/JA\d+/);
    const appId = officer.url().split('/').pop()!;

    // DRC window: inbox, accept; the 1-day filing goes red on the training clock.
    const drc = await signIn('staff.drc');
    await drc.waitForSelector('tr[data-step="PROJECT-FILING"]');
    await shot(drc, 'staff-inbox');
    await drc.click('tr[data-step="PROJECT-FILING"] a');
    await drc.click('[data-form=accept] button');
    expect(await resultText(drc, '已受理')).toContain('已受理「企业投资项目备案」，承诺办结时限');
    await drc.waitForSelector('[data-light="yellow"], [data-light="red"]');

    // Supervisor: the board shows it red; urge.
    const supervisor = await signIn('supervisor');
    await supervisor.waitForSelector('tr[data-step="PROJECT-FILING"] [data-light="red"]', { timeout: 30_000 });
    await supervisor.click('tr[data-step="PROJECT-FILING"] button:has-text("催办")');
    await confirm(supervisor);
    expect(await resultText(supervisor, '已催办')).toContain('已催办「企业投资项目备案」：请抓紧办理');
    await shot(supervisor, 'supervisor-board');

    // DRC approves (late); EEB at its window accepts and approves; WRB's step goes through the API.
    await drc.click('[data-form=approve] button');
    await confirm(drc);
    expect(await resultText(drc, '已准予许可')).toContain('「企业投资项目备案」已准予许可');
    const eeb = await signIn('staff.eeb');
    await eeb.waitForSelector('tr[data-step="EIA-FORM"]', { timeout: 30_000 });
    await eeb.click('tr[data-step="EIA-FORM"] a');
    await eeb.waitForSelector('[data-form=approve], [data-form=accept]');
    if (await eeb.isVisible('[data-form=accept]')) {
      await eeb.click('[data-form=accept] button');
      await resultText(eeb, '已受理');
    }
    await eeb.click('[data-form=approve] button');
    await confirm(eeb);
    await resultText(eeb, '已准予许可');
    const wrb = await ApiClient.login(stack.baseUrl, 'staff.wrb');
    const soil = `${appId}-SOIL-WATER`;
    await eventually(async () => (await wrb.get(`/api/steps/${soil}`)).body.status !== 'blocked');
    await wrb.post(`/api/steps/${soil}/accept`);
    await wrb.post(`/api/steps/${soil}/decision`, { outcome: 'approved' });

    // Officer: the application completes; its timeline tells the story.
    await officer.goto(`${stack.baseUrl}/applications/${appId}`);
    await officer.waitForSelector('h1 >> text=已办结', { timeout: 30_000 });
    const timeline = await officer.textContent('.timeline');
    expect(timeline).toContain('催办 · 企业投资项目备案');
    expect(timeline).toContain('催办：请抓紧办理');
    expect(timeline).toContain('超期（红灯），立案督办');
    // Approved late: the filing stays marked overdue.
    expect(await officer.textContent('.step-card[data-step="PROJECT-FILING"]')).toContain('超期');
    await shot(officer, 'officer-application');
    await officer.goto(`${stack.baseUrl}/applications`);
    // The list names the application by its case number.
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    await officer.waitForSelector(`text=${(await officerApi.get(`/api/applications/${appId}`)).body.caseNo}`);
    await shot(officer, 'officer-applications');

    // Cashier: a matter with a catalog fee is at its window; the fee is recorded at the catalog amount.
    const adminApi = await ApiClient.login(stack.baseUrl, 'admin');
    const feeMatter = {
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
    expect((await adminApi.request('PUT', '/api/matters/WATER-INTAKE', feeMatter)).status).toBe(200);

    const withFee = await officerApi.post('/api/applications', {
      project: { name: '根河水厂扩建项目', investmentWanYuan: 3000, location: '根河市', industry: '水务' },
      investor: { name: '根河水务有限公司', creditCode: creditCode(), contactName: '孙', phone: '13600000000' },
      matters: ['WATER-INTAKE'],
    });
    expect(withFee.status).toBe(201);
    const cashier = await signIn('cashier');
    await cashier.waitForSelector('td:has-text("取水许可")');
    await shot(cashier, 'cashier-fees');
    await cashier.fill('input[aria-label="收据号"]', 'SF-2026-0001');
    await cashier.click('button:has-text("登记缴费")');
    await confirm(cashier);
    expect(await resultText(cashier, '已登记缴费')).toContain('已登记缴费 ¥200.00（取水许可），收据号 SF-2026-0001');
    await cashier.waitForSelector('text=暂无待缴费用');
    const admin = await signIn('admin');
    await admin.waitForSelector('text=综合室管理员');
    // The published table ends with 2026: the admin is told to enter 2027 before deadlines reach it.
    expect(await admin.textContent('[role=alert]')).toContain('缺少 2027 年节假日安排');
    await shot(admin, 'admin-calendar');
    await admin.click('nav a:has-text("用户")');
    await admin.waitForSelector('td:has-text("officer")');
  }, 180_000);

  it('when a rejection lacks reasons, then the message shows next to its own field; English is one click away', async () => {
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    const created = await officerApi.post('/api/applications', {
      project: { name: '测试项目', investmentWanYuan: 10, location: '根河市', industry: '制造业' },
      investor: { name: '某公司', creditCode: creditCode(), contactName: '王', phone: '13900000000' },
      matters: ['PROJECT-FILING'],
    });
    const stepId = created.body.steps[0].id;
    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/steps/${stepId}`);
    // At the window (not yet accepted) a rejection is a refusal of acceptance (不予受理).
    await drc.click('[data-form=reject] button');
    await drc.waitForSelector('[data-form=reject] .field-error');
    expect(await drc.textContent('[data-form=reject] .field-error')).toBe('请填写不予受理的理由');
    // Nothing was asked or sent: no dialog, the correction form's own fields untouched.
    expect(await drc.isVisible('[role=dialog]')).toBe(false);
    expect(await drc.locator('[data-form=request_supplement] .field-error').count()).toBe(0);
    await drc.click('button:has-text("English")');
    await drc.waitForSelector('button:has-text("Refuse acceptance")');
  });
});

describe('the web UI follows the API', () => {
  it('when a window opens a step, then it shows exactly the actions the API allows the caller', async () => {
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    const created = await officerApi.post('/api/applications', {
      project: { name: '按钮测试项目', investmentWanYuan: 10, location: '根河市', industry: '制造业' },
      investor: { name: '某公司', creditCode: creditCode(), contactName: '王', phone: '13900000000' },
      matters: ['PROJECT-FILING'],
    });
    const stepId = created.body.steps[0].id;
    const drcApi = await ApiClient.login(stack.baseUrl, 'staff.drc');
    const allowed = (await drcApi.get(`/api/steps/${stepId}`)).body.allowedActions as string[];
    expect(allowed).toContain('accept');
    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/steps/${stepId}`);
    await drc.waitForSelector('.step-actions');
    expect((await drc.getAttribute('.step-actions', 'data-actions'))?.split(' ').sort()).toEqual([...allowed].sort());
    expect(await drc.isVisible('button:has-text("准予许可")')).toBe(allowed.includes('approve'));
    // The window was told of the new step, worded from the notice's code and parameters.
    await drc.goto(`${stack.baseUrl}/notifications`);
    await drc.waitForSelector(`tr[data-code="new_step"]:has-text("${stepId}")`, { timeout: 15_000 });
    expect(await drc.textContent(`tr[data-code="new_step"]:has-text("${stepId}")`)).toContain(
      `新的待办：企业投资项目备案（${stepId}）`,
    );
  });

  it("when the API refuses with a reason and parameters, then the page words it in the reader's language", async () => {
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    const created = await officerApi.post('/api/applications', {
      project: { name: '拒绝文字测试', investmentWanYuan: 10, location: '根河市', industry: '制造业' },
      investor: { name: '某公司', creditCode: creditCode(), contactName: '王', phone: '13900000000' },
      matters: ['PROJECT-FILING'],
    });
    const stepId = created.body.steps[0].id;
    const drc = await signIn('staff.drc');
    // The answer a refused acceptance would get, with its stable code and parameters.
    await drc.route(`**/api/steps/${stepId}/accept`, (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'conflict',
            message: 'step is in_review',
            reason: 'step_not_submitted',
            params: { status: 'in_review' },
          },
        }),
      }),
    );
    await drc.goto(`${stack.baseUrl}/steps/${stepId}`);
    await drc.click('[data-form=accept] button');
    await drc.waitForSelector('[role=alert]');
    expect(await drc.textContent('[role=alert]')).toContain('该环节不在待受理状态（当前：审查中）');
    await drc.click('button:has-text("English")');
    await drc.waitForSelector('[data-form=accept] button:has-text("Accept")');
    expect(await drc.textContent('[role=alert]')).toContain('The step is not awaiting acceptance (it is "In review")');
    // Evaluated in the page (a string: the test's own type check has no DOM library).
    expect(await drc.evaluate('document.documentElement.lang')).toBe('en');
  });

  it('when the token stops being valid, then the next request signs the page out', async () => {
    const officer = await signIn('officer');
    await officer.waitForSelector('text=我的申请');
    await officer.evaluate("sessionStorage.setItem('ja.token', 'not-a-token')");
    // The applications list reloads itself: its 401 takes the page to the sign-in form.
    await officer.waitForURL((url) => url.pathname === '/login', { timeout: 15_000 });
    expect(await officer.isVisible('button:has-text("退出")')).toBe(false);
  });
});

describe('the web UI for joint sessions, the catalog and statistics', () => {
  it('when the officer schedules a review meeting, then the invited window gives its opinion and the closed session shows it', async () => {
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    const created = await officerApi.post('/api/applications', {
      project: { name: '联审测试项目', investmentWanYuan: 500, location: '根河市', industry: '旅游' },
      investor: { name: '根河旅游公司', creditCode: creditCode(), contactName: '赵', phone: '13700000000' },
      matters: ['PROJECT-FILING'],
    });
    const appId = created.body.id;
    const officer = await signIn('officer');
    await officer.goto(`${stack.baseUrl}/applications/${appId}`);
    await officer.click('button:has-text("安排会议")');
    await officer.fill('[data-form=schedule] input[name=topic]', '项目选址联审');
    await officer.fill('input[type=datetime-local]', '2026-12-03T10:00');
    await officer.fill('[data-form=schedule] input[name=location]', '中心三楼会议室');
    await officer.check('[data-form=schedule] label:has-text("发展和改革委员会") input');
    await officer.click('[data-form=schedule] button:has-text("安排会议")');
    expect(await resultText(officer, '已安排')).toContain('已安排联审会「项目选址联审」');
    await officer.waitForSelector('article.session');

    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/applications/${appId}`);
    await drc.click('article.session button:has-text("同意但需转报")');
    await drc.waitForSelector('article.session li:has-text("同意但需转报")');

    await officer.fill('input[aria-label="会议纪要"]', '与会部门同意选址');
    await officer.click('button:has-text("结束会议")');
    await officer.waitForSelector('article.session >> text=已结束');
    await shot(officer, 'officer-joint-session');
  });

  it('when the admin makes a prerequisite cycle in the catalog editor, then the cycle is named in Chinese next to the prerequisites and the guide is unchanged', async () => {
    const admin = await signIn('admin');
    await admin.goto(`${stack.baseUrl}/admin/catalog`);
    await admin.click('tr[data-matter="PROJECT-FILING"] button:has-text("编辑")');
    // An existing matter's code cannot be changed.
    expect(await admin.getAttribute('.catalog-form input[name=code]', 'readonly')).not.toBeNull();
    await admin.check('input[name="prerequisite-CONSTRUCTION-PERMIT"]');
    await admin.click('.catalog-form button:has-text("保存")');
    await confirm(admin);
    await admin.waitForSelector('.catalog-form .field-error');
    expect(await admin.textContent('.catalog-form .field-error')).toMatch(
      /^前置事项形成循环：.*PROJECT-FILING.*CONSTRUCTION-PERMIT|^前置事项形成循环：.*CONSTRUCTION-PERMIT.*PROJECT-FILING/,
    );
    const guide = await new ApiClient(stack.baseUrl).get('/api/matters/PROJECT-FILING');
    expect(guide.body.prerequisites).toEqual([]);
  });

  it('when the supervisor opens the statistics, then decided steps show per department with the on-time chart', async () => {
    const supervisor = await signIn('supervisor');
    await supervisor.goto(`${stack.baseUrl}/stats`);
    await supervisor.waitForSelector('td:has-text("发展和改革委员会")');
    await supervisor.waitForSelector('figure .chart-on-time .echart-canvas[data-rendered] svg path', {
      state: 'attached',
    });
    await shot(supervisor, 'supervisor-stats');
  });
});

describe('the public side', () => {
  it('when the investor looks the case up on a phone, then a wrong password is told plainly and the steps show; the officer hands over the password and opens the documents', async () => {
    const officerApi = await ApiClient.login(stack.baseUrl, 'officer');
    const created = (await officerApi.post('/api/applications', applicationBody(['PROJECT-FILING']))).body;
    const drcApi = await ApiClient.login(stack.baseUrl, 'staff.drc');
    expect((await drcApi.post(`/api/steps/${created.id}-PROJECT-FILING/accept`)).status).toBe(200);

    // The QR code of the acceptance notice opens the page with the case number filled in.
    const phone = await (
      await browser.newContext({
        viewport: { width: 375, height: 740 },
        locale: 'zh-CN',
        isMobile: true,
        hasTouch: true,
      })
    ).newPage();
    await phone.goto(`${stack.baseUrl}/progress?caseNo=${created.caseNo}`);
    expect(await phone.inputValue('input[name=caseNo]')).toBe(created.caseNo);
    const wrong = created.queryPassword === '222222' ? '333333' : '222222';
    await phone.fill('input[name=password]', wrong);
    await phone.click('button:has-text("查询")');
    await phone.waitForSelector('[data-failure=notFound]');
    expect(await phone.textContent('[role=alert]')).toContain('办件编号或查询密码不正确');
    await phone.fill('input[name=password]', created.queryPassword.toLowerCase());
    await phone.click('button:has-text("查询")');
    await phone.waitForSelector('.public-steps li[data-status=in_review]');
    const text = (await phone.textContent('.public-result')) ?? '';
    for (const s of [
      '根河光伏电站项目',
      created.caseNo,
      '企业投资项目备案',
      '发展和改革委员会',
      '审查中',
      '受理时间',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('根河新能源有限公司');
    // Nothing wider than the phone; the password never goes into the address.
    expect(await phone.evaluate('document.documentElement.scrollWidth <= 375')).toBe(true);
    expect(phone.url()).not.toContain(created.queryPassword);
    await shot(phone, 'public-progress-phone');

    // The officer: the case number and query password to hand over, and the acceptance notice as a PDF.
    await issueDocuments({ db: stack.db.db, config: stack.config, log: createLogger('silent') });
    const officer = await signIn('officer');
    await officer.goto(`${stack.baseUrl}/applications/${created.id}`);
    expect(await officer.textContent('[data-query-password]')).toBe(created.queryPassword);
    await officer.waitForSelector('tr[data-kind=acceptance_notice]');
    const [download] = await Promise.all([
      officer.waitForEvent('download'),
      officer.click('tr[data-kind=acceptance_notice] button:has-text("下载")'),
    ]);
    expect(download.suggestedFilename()).toBe(`受理通知书-${created.caseNo}-SL-1.pdf`);
    expect(
      fs
        .readFileSync((await download.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await shot(officer, 'officer-documents');
  });
});
