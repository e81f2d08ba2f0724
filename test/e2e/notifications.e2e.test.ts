// Notifications in the browser (Debian's Chromium) against the real stack: the unread count in the
// navigation follows what the officer reads, the officer chooses email on their own settings
// page, and the general office sees a failed SMS delivery with its attempts and sends it again.
// Screenshots go to test-artifacts/ (git-ignored).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBackgroundJobs, type BackgroundJobs } from '../../api/background';
import { createLogger } from '../../lib/logger';
import { projectRoot } from '../../lib/paths';
import { startSmsGateway, type LocalSmsGateway } from '../helpers/channels';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const ARTIFACTS = path.join(projectRoot(), 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;
let gateway: LocalSmsGateway;
let jobs: BackgroundJobs;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    execFileSync('bash', [path.join(projectRoot(), 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(projectRoot(), 'web', 'dist', 'index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: projectRoot(), stdio: 'inherit' });
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  gateway = await startSmsGateway();
  // SMS on, email off: the settings page and the deliveries page say so.
  stack = await startStack({
    smsGatewayUrl: gateway.url,
    delivery: {
      pollMs: 50,
      maxAttempts: 2,
      backoffBaseMs: 100,
      backoffMaxMs: 500,
      sendTimeoutMs: 3000,
      leaseMs: 8000,
      batchSize: 20,
    },
  });
  jobs = startBackgroundJobs({
    config: stack.config,
    db: stack.db.db,
    temporal: stack.client,
    log: createLogger('silent'),
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await jobs?.stop();
  await stack?.stop();
  await gateway?.close();
});

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('notifications in the web UI', () => {
  it('when a correction is asked for, then the officer sees the unread count, reads the notice, and the count goes', async () => {
    const officer = await ApiClient.login(stack.baseUrl, 'officer');
    const drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const stepId = created.body.steps[0].id;
    expect(
      (await drc.post(`/api/steps/${stepId}/supplement-request`, { items: ['项目备案申请表'], reason: '缺件' })).status,
    ).toBe(200);
    await eventually(async () => (await officer.get('/api/notifications/unread-count')).body.unread >= 1);
    const unread = (await officer.get('/api/notifications/unread-count')).body.unread as number;

    const page = await signIn('officer');
    const badge = page.locator('nav .unread-badge');
    await badge.waitFor();
    expect(await badge.textContent()).toBe(String(unread));
    expect(await badge.getAttribute('aria-label')).toBe(`${unread} 条未读`);
    await page.click('nav >> text=消息');
    const row = page.locator('tr[data-code="supplement_requested"]');
    await row.waitFor();
    expect(await row.getAttribute('data-read')).toBe('false');
    expect(await row.textContent()).toContain('需一次性补正：项目备案申请表');
    await shot(page, 'notifications-unread');
    await row.locator('button:has-text("标为已读")').click();
    await page.waitForSelector('tr[data-code="supplement_requested"][data-read="true"]');
    if (unread === 1) await badge.waitFor({ state: 'detached' });
    else await page.waitForFunction(`document.querySelector('nav .unread-badge')?.textContent === '${unread - 1}'`);
    await page.click('button:has-text("全部标为已读")');
    await badge.waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-read="false"]').count()).toBe(0);
    expect((await officer.get('/api/notifications/unread-count')).body.unread).toBe(0);

    // The officer's own settings: email, with the warning that this center has no mail server yet.
    await page.click('text=通知方式');
    await page.fill('input[name=email]', 'not-an-address');
    await page.selectOption('select[name=notifyBy]', 'email');
    await page.click('button:has-text("保存")');
    await page.waitForSelector('text=请填写有效的邮箱地址');
    await page.fill('input[name=email]', 'daiban@center.example.cn');
    await page.click('button:has-text("保存")');
    await page.waitForSelector('text=已保存');
    expect(await page.textContent('body')).toContain('本中心尚未配置邮件服务器');
    expect((await officer.get('/api/me/notification-settings')).body).toMatchObject({
      email: 'daiban@center.example.cn',
      notifyBy: 'email',
    });
    await shot(page, 'notification-settings');
  });

  it('when an SMS cannot be delivered, then the general office sees it failed with its attempts and sends it again', async () => {
    const officer = await ApiClient.login(stack.baseUrl, 'officer');
    const drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
    const admin = await ApiClient.login(stack.baseUrl, 'admin');
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const appId = created.body.id as string;
    const caseNo = created.body.caseNo as string;
    gateway.failAll(true);
    expect((await drc.post(`/api/steps/${created.body.steps[0].id}/accept`)).status).toBe(200);
    const failed = await eventually(async () => {
      const items = (await admin.get('/api/deliveries?status=failed')).body.items as any[];
      return items.find((d) => d.applicationId === appId && d.channel === 'sms');
    });
    gateway.failAll(false);

    const page = await signIn('admin');
    await page.click('nav >> text=消息投递');
    const row = page.locator(`tr[data-delivery="${failed.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('failed');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('短信');
    expect(text).toContain('受理');
    expect(text).toContain('失败');
    expect(text).toContain('138****0000');
    expect(text).toContain('SMS gateway answered 500');
    expect(await row.locator('td').nth(6).textContent()).toBe('2');
    // Email is off here: the page says its deliveries are skipped.
    expect(await page.textContent('body')).toContain('邮件渠道未配置');
    await shot(page, 'admin-deliveries');
    await row.locator('button:has-text("重新投递")').click();
    await page.waitForSelector(`tr[data-delivery="${failed.id}"][data-status="sent"]`, { timeout: 20_000 });
    expect([...gateway.sent.values()].filter((m) => m.text.includes(caseNo))).toHaveLength(1);
  });
});
