// The launch button in the browser: it asks first in a dialog; a cancelled dialog launches
// nothing; a double click on the button and then on the confirmation launches once; and a launch
// whose answer was lost, confirmed again, sends the same Idempotency-Key and opens the
// application the first confirmation recorded instead of launching a second one.
import type { Browser, Page } from 'playwright-core';
import { dialog, launchBrowser, resultText } from '../helpers/browser';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

const LAUNCH = 'button:has-text("发起联合审批")';

let stack: Stack;
let browser: Browser;
let officerApi: ApiClient;

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack();
  officerApi = await ApiClient.login(stack.baseUrl, 'officer');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The officer signed in, the wizard filled for `projectName` up to the plan, ready to launch. */
async function wizardAtPlan(projectName: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name=username]', 'officer');
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.goto(`${stack.baseUrl}/applications/new`);
  await page.fill('input[name="investor.name"]', '根河新能源有限公司');
  await page.fill('input[name="investor.creditCode"]', creditCode());
  await page.fill('input[name="investor.contactName"]', '李明');
  await page.fill('input[name="investor.phone"]', '13800000000');
  await page.click('text=下一步');
  await page.fill('input[name="project.name"]', projectName);
  await page.fill('input[name="project.investmentWanYuan"]', '12000');
  await page.fill('input[name="project.location"]', '根河市');
  await page.fill('input[name="project.industry"]', '新能源');
  await page.click('text=下一步');
  await page.check('input[name="matter-PROJECT-FILING"]');
  await page.click('text=下一步');
  await page.waitForSelector(LAUNCH);
  return page;
}

/** The Idempotency-Key of every launch the page sends. */
function launchKeys(page: Page): Array<string | undefined> {
  const keys: Array<string | undefined> = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/applications') {
      keys.push(r.headers()['idempotency-key']);
    }
  });
  return keys;
}

const applicationsNamed = async (name: string) =>
  (await officerApi.get(`/api/applications?q=${encodeURIComponent(name)}`)).body.items as Array<{ id: string }>;

describe('launching from the wizard', () => {
  it('when the officer cancels the confirmation, by Esc or by the cancel button, then nothing is launched and focus returns to the button', async () => {
    const name = `取消申报-${Date.now()}`;
    const page = await wizardAtPlan(name);
    const keys = launchKeys(page);
    await page.click(LAUNCH);
    const d = await dialog(page);
    // The dialog says what will happen, holds the focus and is announced as a modal dialog.
    expect(await d.getAttribute('aria-modal')).toBe('true');
    expect(await d.textContent()).toContain(name);
    expect(await d.textContent()).toContain('发起后不能修改申请内容');
    expect(await page.evaluate("!!document.activeElement?.closest('[role=dialog]')")).toBe(true);
    // Tab stays inside the dialog.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate("!!document.activeElement?.closest('[role=dialog]')")).toBe(true);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('发起联合审批');
    await page.click(LAUNCH);
    await (await dialog(page)).locator('button:has-text("取消")').click();
    await d.waitFor({ state: 'detached' });
    expect(keys).toHaveLength(0);
    expect(await applicationsNamed(name)).toHaveLength(0);
  });

  it('when the officer double-clicks launch and then the confirmation, then one request goes out and one application exists', async () => {
    const name = `双击申报-${Date.now()}`;
    const page = await wizardAtPlan(name);
    const keys = launchKeys(page);
    // The second click of the double click lands on the dialog that the first one opened: it confirms nothing.
    await page.dblclick(LAUNCH);
    const d = await dialog(page);
    expect(keys).toHaveLength(0);
    await d.locator('button.confirm').dblclick();
    await page.waitForURL(/\/applications\/JA\d+/);
    expect(await resultText(page, '已发起联合审批')).toMatch(/已发起联合审批 GH-\d{4}-\d{6}，1 个环节已送达窗口/);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect((await applicationsNamed(name)).map((a) => a.id)).toEqual([page.url().split('/').pop()]);
  });

  it('when the answer to a launch is lost and the officer clicks again, then the same key is sent and the recorded application opens', async () => {
    const name = `重试申报-${Date.now()}`;
    const page = await wizardAtPlan(name);
    const keys = launchKeys(page);
    // The first launch reaches the server, but its answer is lost on the way back (a gateway's 503).
    let lost = false;
    await page.route('**/api/applications', async (route) => {
      if (lost || route.request().method() !== 'POST') return route.continue();
      lost = true;
      await route.fetch();
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'Retry-After': '5' },
        body: JSON.stringify({ error: { code: 'unavailable', message: 'gateway timeout' } }),
      });
    });
    await page.click(LAUNCH);
    await (await dialog(page)).locator('button.confirm').click();
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toContain('服务暂时不可用，请稍后重试');
    expect(await applicationsNamed(name)).toHaveLength(1);

    await page.click(LAUNCH);
    await (await dialog(page)).locator('button.confirm').click();
    await page.waitForURL(/\/applications\/JA\d+/);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await applicationsNamed(name)).map((a) => a.id)).toEqual([page.url().split('/').pop()]);
  });
});
