// The whole-project clock in Debian's Chromium against the real stack on the working-day calendar,
// with a target of 12 working days: the supervisor's project board lists three projects red,
// yellow, green with their chart; the red one's page shows its clock and the critical path drawn
// as a Gantt chart (Apache ECharts) and listed; English is a click away; the browser refuses
// nothing under the page's Content-Security-Policy. Screenshots go to test-artifacts/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, shot, signIn } from '../helpers/browser';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack({ projectTargetWorkdays: 12 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Everything the browser refused under the Content-Security-Policy while the page was open. */
function cspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  return refused;
}

describe('the project clock in the web UI', () => {
  it('when the supervisor opens the project board and a red project, then projects are by risk and the critical path is drawn on working days', async () => {
    const officer = await ApiClient.login(stack.baseUrl, 'officer');
    const launch = async (matters: string[], name: string) => {
      const r = await officer.post(
        '/api/applications',
        applicationBody(matters, { project: { ...applicationBody([]).project, name } }),
      );
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const green = await launch(['PROJECT-FILING'], '根河游客服务中心项目');
    const yellow = await launch(['LAND-PREREVIEW'], '根河冷链物流园项目');
    const red = await launch(['WORKS-PLANNING'], '根河光伏电站项目');

    const page = await signIn(browser, stack.baseUrl, 'supervisor');
    const refused = cspViolations(page);
    await page.click('nav >> text=项目看板');
    await page.waitForSelector('table.projects tbody tr');
    const order = await page.$$eval('table.projects tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-application'), tr.getAttribute('data-light')]),
    );
    expect(order).toEqual([
      [red, 'red'],
      [yellow, 'yellow'],
      [green, 'green'],
    ]);
    const redRow = page.locator(`tr[data-application="${red}"]`);
    expect(await redRow.textContent()).toContain('预计超时');
    expect(await redRow.textContent()).toContain('超出目标 13 个工作日');
    expect(await redRow.textContent()).toContain('企业投资项目备案');
    await page.waitForSelector('[data-chart=projects] .echart-canvas[data-rendered] svg path', { state: 'attached' });
    // One light at a time.
    await page.click('[data-filter=red]');
    await page.locator('table.projects tbody tr').nth(1).waitFor({ state: 'detached' });
    expect(await page.getAttribute('table.projects tbody tr', 'data-application')).toBe(red);
    await page.click('[data-filter=all]');
    await page.locator('table.projects tbody tr').nth(2).waitFor();
    await shot(page, 'project-board');

    // The red project's page: its clock, the Gantt chart and the critical path as text.
    await redRow.locator('a').click();
    // The Gantt chart is SVG: its marker lines are named in the page's language.
    await page.waitForSelector('[data-chart=gantt] .echart-canvas[data-rendered] svg text:has-text("今天")', {
      state: 'attached',
    });
    expect(await page.textContent('[data-clock=used]')).toContain('目标 12 个工作日');
    expect(await page.textContent('[data-clock=projected]')).toContain('全流程共 25 个工作日');
    expect(await page.getAttribute('[data-project-light]', 'data-project-light')).toBe('red');
    const path = await page.$$eval('[data-critical-path] li', (lis) => lis.map((li) => li.getAttribute('data-step')));
    expect(path).toEqual(['PROJECT-FILING', 'LAND-PREREVIEW', 'LAND-USE-PLANNING', 'WORKS-PLANNING']);
    await shot(page, 'project-clock-application');

    // In English, the chart is drawn again in the new language.
    await page.click('header >> text=English');
    await page.waitForSelector('text=Whole-project time');
    await page.waitForSelector('[data-chart=gantt] .echart-canvas[data-rendered] svg text:has-text("Today")', {
      state: 'attached',
    });
    expect(await page.textContent('[data-chart=gantt] svg')).not.toContain('今天');
    expect(await page.textContent('[data-clock=projected]')).toContain('25 working days in all');
    await shot(page, 'project-clock-application-en');
    expect(refused).toEqual([]);
  });
});
