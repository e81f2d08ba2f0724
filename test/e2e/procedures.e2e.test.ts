// Special procedures, the extension form and the catalog's versions in Debian's Chromium against
// the real stack on the training clock (one working day = 5 s): the admin saves a new version of a
// matter with deemed consent and reads its history; the window starts a special procedure with its
// approver, sees its limit and end, and ends it; the supervisor extends the step in a form that
// shows the days still allowed by law and asks for the approver. Screenshots go to
// test-artifacts/screenshots/ (git-ignored).
import type { Browser, Page } from 'playwright-core';
import { dialog, launchBrowser, resultText, shot, signIn as signInAs } from '../helpers/browser';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;
let adminApi: ApiClient;
let officerApi: ApiClient;

const REVIEW = {
  name: '草原征占用审核',
  departmentCode: 'DRC',
  caseType: 'promised',
  legalBasis: '《中华人民共和国草原法》',
  conditions: '符合草原保护规划',
  procedure: '受理 → 审查 → 决定',
  materials: ['草原征占用申请表'],
  statutoryLimitDays: 20,
  promisedLimitDays: 10,
  fee: null,
  prerequisites: [],
  stage: 1,
};

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack({ workdaySeconds: 5 });
  [adminApi, officerApi] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'admin'),
    ApiClient.login(stack.baseUrl, 'officer'),
  ]);
  expect((await adminApi.request('PUT', '/api/matters/GRASS-REVIEW', REVIEW)).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signIn = (username: string): Promise<Page> => signInAs(browser, stack.baseUrl, username);

describe('special procedures, extensions and catalog versions in the web UI', () => {
  it('when the admin saves a new version with deemed consent, then the history lists both versions with what changed, and a new step runs on it', async () => {
    const admin = await signIn('admin');
    await admin.goto(`${stack.baseUrl}/admin/catalog`);
    await admin.click('tr[data-matter="GRASS-REVIEW"] button:has-text("编辑")');
    await admin.fill('.catalog-form input[name=promisedLimitDays]', '12');
    await admin.check('.catalog-form input[name=deemedConsent]');
    await admin.click('.catalog-form button:has-text("保存")');
    const save = await dialog(admin);
    expect(await save.textContent()).toContain('超时默许（视为同意）');
    await save.locator('button.confirm').click();
    expect(await resultText(admin, '已保存')).toContain('草原征占用审核');
    await admin.click('tr[data-matter="GRASS-REVIEW"] button:has-text("历史版本")');
    const history = admin.locator('[data-history="GRASS-REVIEW"]');
    await history.locator('tr[data-version="2"]').waitFor();
    const v2 = (await history.locator('tr[data-version="2"]').textContent()) ?? '';
    expect(v2).toContain('第 2 版');
    expect(v2).toContain('承诺时限');
    expect(v2).toContain('超时默许');
    expect(await history.locator('tr[data-version="1"]').textContent()).toContain('首次发布');
    await shot(admin, 'admin-catalog-history');

    const app = await officerApi.post('/api/applications', applicationBody(['GRASS-REVIEW']));
    expect(app.status).toBe(201);
    const stepId = app.body.steps[0].id as string;
    expect(app.body.steps[0]).toMatchObject({ matterVersion: 2, promisedLimitDays: 12, deemedConsentPolicy: true });
    await eventually(async () => (await officerApi.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
    const drcApi = await ApiClient.login(stack.baseUrl, 'staff.drc');
    expect((await drcApi.post(`/api/steps/${stepId}/accept`)).status).toBe(200);

    // The window: the step's version and policy, then a special procedure with its approver.
    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/steps/${stepId}`);
    await drc.waitForSelector('[data-matter-version="2"]');
    expect(await drc.textContent('[data-deemed-consent-policy]')).toContain('到期未答复视为同意');
    const form = drc.locator('[data-form=start_special_procedure]');
    await form.locator('select[name=procedure]').selectOption('inspection');
    expect(await form.textContent()).toContain('至多 10 个工作日');
    await form.locator('input[name=reason]').fill('需对施工设备进行检验');
    await form.locator('button').click();
    // Without the approver nothing is sent; the field says what is missing.
    expect(await form.textContent()).toContain('请填写批准人');
    await form.locator('input[name=approvedBy]').fill('周主任');
    await form.locator('button').click();
    const start = await dialog(drc);
    expect(await start.textContent()).toContain('批准人：周主任');
    await start.locator('button.confirm').click();
    expect(await resultText(drc, '已进入特别程序')).toContain('检验');
    const running = drc.locator('dd [data-running-procedure="inspection"]');
    await running.waitFor();
    expect(await running.textContent()).toMatch(/批准人 周主任 · 时限 10 个工作日 · 至迟 .+ 自动结束/);
    await shot(drc, 'staff-special-procedure');
    await drc.locator('[data-form=end_special_procedure] input[name=note]').fill('检验合格');
    await drc.locator('[data-form=end_special_procedure] button').click();
    expect(await resultText(drc, '特别程序已结束')).toContain('计时恢复');
    await drc.waitForSelector('.procedure-records li[data-ended-by="department"]');
    expect(await drc.textContent('.procedure-records')).toContain('部门结束');

    // The supervisor: the extension form with the days still allowed and the approver.
    const supervisor = await signIn('supervisor');
    await supervisor.goto(`${stack.baseUrl}/applications/${app.body.id}`);
    await supervisor.click('button:has-text("批准延期")');
    const extend = await dialog(supervisor);
    // Promised 12, statutory 20: 18 more working days at most.
    expect(await extend.textContent()).toContain('最多还可延长 18 个工作日');
    expect(await extend.locator('input[name=workdays]').getAttribute('max')).toBe('18');
    await extend.locator('input[name=workdays]').fill('10');
    await extend.locator('textarea[name=reason]').fill('需补充现场核查');
    await extend.locator('input[name=approvedBy]').fill('吴局长');
    await shot(supervisor, 'supervisor-extension-form');
    await extend.locator('button.confirm').click();
    expect(await resultText(supervisor, '已批准延期')).toContain('10 个工作日');
    const extended = (await officerApi.get(`/api/steps/${stepId}`)).body;
    expect(extended.extension).toMatchObject({ workdays: 10, reason: '需补充现场核查', approvedBy: '吴局长' });
    expect(extended.specialProcedures).toEqual([
      expect.objectContaining({ procedure: 'inspection', approvedBy: '周主任', endedBy: 'department' }),
    ]);
  });
});
