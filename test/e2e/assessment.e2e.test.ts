// The assessment in Debian's Chromium against the real stack (training clock: one working day =
// 2 s): the supervision office reads the month by department and by staff member with its ECharts
// charts and exports the spreadsheet; the admin publishes new weights after a confirmation; the
// supervisor records accountability on a closed case and finds it in the log; the public reads the
// monthly ranking without any staff member's name; the statistics page draws its chart with ECharts.
// Screenshots go to test-artifacts/screenshots/ (git-ignored).
import type { Browser, Page } from 'playwright-core';
import { dialog, launchBrowser, resultText, shot, signIn as signInAs } from '../helpers/browser';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;
/** The case of the step that ran red, closed by its (late) decision. */
let closedCaseId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack({ workdaySeconds: 2 });
  const [officer, drc, eeb] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'staff.eeb'),
  ]);
  const launch = async (matters: string[]) => {
    const r = await officer.post('/api/applications', applicationBody(matters));
    expect(r.status).toBe(201);
    return r.body as { id: string; steps: Array<{ id: string; matterCode: string }> };
  };
  const ready = (stepId: string) =>
    eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
  const decide = async (client: ApiClient, stepId: string, outcome = 'approved') => {
    await ready(stepId);
    expect((await client.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
    const body = outcome === 'approved' ? { outcome } : { outcome, reason: '不符合条件' };
    expect((await client.post(`/api/steps/${stepId}/decision`, body)).status).toBe(200);
  };
  // Two filings approved at once by the DRC; an EIA rejected by the EEB after its filing.
  await decide(drc, (await launch(['PROJECT-FILING'])).steps[0]!.id);
  const eia = await launch(['EIA-FORM']);
  await decide(drc, eia.steps.find((s) => s.matterCode === 'PROJECT-FILING')!.id);
  await decide(eeb, eia.steps.find((s) => s.matterCode === 'EIA-FORM')!.id, 'rejected');
  // A filing left to run red: its supervision case closes when it is approved late.
  const late = (await launch(['PROJECT-FILING'])).steps[0]!.id;
  await ready(late);
  expect((await drc.post(`/api/steps/${late}/accept`)).status).toBe(200);
  closedCaseId = `${late}-A1-L1`;
  await eventually(async () => (await drc.get(`/api/supervision/cases/${closedCaseId}`)).status === 200, 30_000);
  expect((await drc.post(`/api/steps/${late}/decision`, { outcome: 'approved' })).status).toBe(200);
  await eventually(async () => (await drc.get(`/api/supervision/cases/${closedCaseId}`)).body.status === 'closed');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signIn = (username: string): Promise<Page> => signInAs(browser, stack.baseUrl, username);

/** Waits until an ECharts chart of `selector` has drawn its SVG; answers how many marks (paths) it drew. */
async function drawn(page: Page, selector: string): Promise<number> {
  const paths = page.locator(`${selector} .echart-canvas[data-rendered] svg path`);
  // A chart given a new option in between is drawn (and marked) again: then wait once more.
  for (;;) {
    await paths.first().waitFor({ state: 'attached' });
    const count = await paths.count();
    if (count > 0) return count;
  }
}

describe('the assessment page', () => {
  it('when the supervisor opens the month, then the departments are ranked beside the weights with the ECharts charts, by staff too, and the spreadsheet downloads', async () => {
    const page = await signIn('supervisor');
    await page.click('nav a:has-text("量化考核")');
    await page.waitForSelector('table.assessment tr[data-key="DRC"]');
    const drc = await page.textContent('table.assessment tr[data-key="DRC"]');
    expect(drc).toContain('发展和改革委员会');
    expect(await page.textContent('table.assessment tr[data-key="HUD"]')).toContain('未参评');
    expect(await page.textContent('.weights-panel')).toContain('系统默认权重');
    expect(await drawn(page, '.chart-on-time')).toBeGreaterThan(3);
    expect(await drawn(page, '.chart-ranking')).toBeGreaterThan(3);
    // The ranking chart names the scored departments.
    expect(await page.textContent('.chart-ranking svg')).toContain('发展和改革委员会');
    await shot(page, 'assessment-supervisor');

    await page.click('button:has-text("按人员")');
    await page.waitForSelector('table.assessment td:has-text("发展和改革委员会窗口")');
    await shot(page, 'assessment-by-staff');

    const download = page.waitForEvent('download');
    await page.click('button[data-export="xlsx"]');
    expect((await download).suggestedFilename()).toMatch(/^assessment-\d{4}-\d{2}\.xlsx$/);
  });

  it('when the admin publishes new weights, then a confirmation tells what changes and the panel shows the new version', async () => {
    const page = await signIn('admin');
    await page.goto(`${stack.baseUrl}/assessment`);
    await page.waitForSelector('table.assessment tr[data-key="DRC"]');
    await page.click('button:has-text("修改权重")');
    await page.fill('input[name=overdue]', '-1');
    expect(await page.isDisabled('button:has-text("发布新权重")')).toBe(true);
    await page.fill('input[name=overdue]', '15');
    await page.click('button:has-text("发布新权重")');
    const d = await dialog(page);
    expect(await d.textContent()).toContain('每件超期办结：2 → 15');
    await d.locator('button:has-text("发布新权重")').click();
    await resultText(page, '已发布第 1 版考核权重');
    await page.waitForSelector('.weights-version:has-text("第 1 版")');
    expect(await page.textContent('[data-weight="overdue"] dd')).toBe('15');
    await shot(page, 'assessment-admin-weights');
  });
});

describe('accountability', () => {
  it('when the supervisor records accountability on a closed case, then it shows on the case and in the log', async () => {
    const page = await signIn('supervisor');
    await page.goto(`${stack.baseUrl}/cases/${closedCaseId}`);
    await page.waitForSelector('.accountability-form');
    await page.selectOption('.accountability-form select[name=personId]', { label: '发展和改革委员会窗口' });
    await page.fill('.accountability-form textarea[name=what]', '承诺时限内未办结');
    await page.selectOption('.accountability-form select[name=measure]', 'admonishing_talk');
    await page.fill('.accountability-form textarea[name=decision]', '诫勉谈话一次');
    await page.click('.accountability-form button[type=submit]');
    const d = await dialog(page);
    expect(await d.textContent()).toContain('诫勉谈话');
    await d.locator('button:has-text("记录问责")').click();
    await resultText(page, '已记录问责：发展和改革委员会窗口（诫勉谈话）');
    await page.waitForSelector('.accountability-panel tr[data-accountability]');
    await shot(page, 'accountability-case');

    await page.click('nav a:has-text("问责记录")');
    await page.waitForSelector('table.accountability tr[data-accountability]');
    expect(await page.textContent('table.accountability')).toContain('诫勉谈话一次');
    await shot(page, 'accountability-log');
  });
});

describe('the public ranking (公示)', () => {
  it('when anyone opens the ranking from the public menu, then departments are ranked with a chart and no staff member is named', async () => {
    const page = await (
      await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
    ).newPage();
    // The charts render under the page's Content-Security-Policy (no inline script or style).
    await page.addInitScript({
      content:
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
    });
    await page.goto(`${stack.baseUrl}/guide`);
    await page.click('nav a:has-text("考核公示")');
    await page.waitForSelector('table.ranking tr[data-department="DRC"]');
    expect(await drawn(page, '.chart-ranking')).toBeGreaterThan(3);
    const table = (await page.textContent('table.ranking')) ?? '';
    expect(table).toContain('生态环境局');
    expect(table).not.toContain('窗口');
    expect(await page.textContent('main')).toContain('本月尚未结束');
    // Pointing at a bar shows its tooltip, drawn inside the chart (no styled HTML the CSP refuses).
    await page.hover('.chart-ranking .echart-canvas');
    await page.waitForSelector('.chart-ranking svg text:has-text("得分")', { state: 'attached' });
    expect(await page.evaluate<string[]>('window.cspViolations')).toEqual([]);
    await shot(page, 'assessment-public-ranking');
  });
});

describe('the statistics page', () => {
  it('when the supervisor opens the statistics, then the on-time chart is drawn by ECharts', async () => {
    const page = await signIn('supervisor');
    await page.goto(`${stack.baseUrl}/stats`);
    await page.waitForSelector('td:has-text("发展和改革委员会")');
    expect(await drawn(page, '.chart-on-time')).toBeGreaterThan(3);
    await shot(page, 'supervisor-stats-echarts');
  });
});
