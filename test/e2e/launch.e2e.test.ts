// The launch button in the browser: a double click launches once, and a launch whose answer
// was lost, clicked again, sends the same Idempotency-Key and opens the application the first
// click recorded instead of launching a second one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../lib/paths';
import { creditCode } from '../helpers/fixtures';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

const CHROMIUM = '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;
let officerApi: ApiClient;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    execFileSync('bash', [path.join(projectRoot(), 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(projectRoot(), 'web', 'dist', 'index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: projectRoot(), stdio: 'inherit' });
  }
  stack = await startStack();
  officerApi = await ApiClient.login(stack.baseUrl, 'officer');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
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
  await page.waitForSelector('button:has-text("发起联合审批")');
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
  it('when the officer double-clicks launch, then one request goes out and one application exists', async () => {
    const name = `双击申报-${Date.now()}`;
    const page = await wizardAtPlan(name);
    const keys = launchKeys(page);
    await page.dblclick('button:has-text("发起联合审批")');
    await page.waitForURL(/\/applications\/JA\d+/);
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
    await page.click('button:has-text("发起联合审批")');
    await page.waitForSelector('[role=alert]');
    expect(await applicationsNamed(name)).toHaveLength(1);

    await page.click('button:has-text("发起联合审批")');
    await page.waitForURL(/\/applications\/JA\d+/);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect((await applicationsNamed(name)).map((a) => a.id)).toEqual([page.url().split('/').pop()]);
  });
});
