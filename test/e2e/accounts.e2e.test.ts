// Accounts in the web UI (Chromium, real stack): the admin resets a password and sees the
// temporary one once, the user is sent to 修改密码 and nothing else until they change it, the
// user's sessions can be revoked from 我的会话, the admin disables an account after a confirmation,
// reads the sign-in history, and finds each action in the audit log with its filters.
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, dialog, launchBrowser, resultText, shot, signIn } from '../helpers/browser';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const confirm = async (page: Page) => (await dialog(page)).locator('button.confirm').click();

async function signInWith(username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

describe('accounts in the web UI', () => {
  it('when the admin resets a password, then the temporary one shows once and the user must change it before anything else', async () => {
    const admin = await signIn(browser, stack.baseUrl, 'admin');
    await admin.goto(`${stack.baseUrl}/admin/users`);
    const row = admin.locator('[data-user=cashier]');
    await row.locator('button', { hasText: '重置密码' }).click();
    const d = await dialog(admin);
    expect(await d.textContent()).toContain('临时密码');
    await confirm(admin);
    await resultText(admin, '已重置');
    const temporary = (await admin.locator('[data-temporary-password] code.secret').textContent())!;
    expect(temporary).toMatch(/^[A-Za-z0-9]{12}$/);
    await shot(admin, 'admin-users-reset');

    const cashier = await signInWith('cashier', temporary);
    expect(new URL(cashier.url()).pathname).toBe('/me/password');
    await cashier.waitForSelector('text=管理员已为您重置密码');
    // Any other page leads back to the change.
    await cashier.goto(`${stack.baseUrl}/fees`);
    await cashier.waitForURL('**/me/password');
    // The policy is told before sending, in Chinese.
    await cashier.fill('input[name=currentPassword]', temporary);
    await cashier.fill('input[name=newPassword]', 'lettersonly');
    await cashier.fill('input[name=repeat]', 'lettersonly');
    await cashier.click('button[type=submit]');
    await cashier.waitForSelector('text=密码须同时包含字母和数字');
    await cashier.fill('input[name=newPassword]', 'cash-desk-2026');
    await cashier.fill('input[name=repeat]', 'cash-desk-2026');
    await cashier.click('button[type=submit]');
    await resultText(cashier, '密码已修改');
    await cashier.goto(`${stack.baseUrl}/fees`);
    await cashier.waitForURL('**/fees');
    await shot(cashier, 'change-password');
  });

  it('when a user revokes another of their sessions, then that sign-in stops working at once', async () => {
    const first = await signIn(browser, stack.baseUrl, 'supervisor');
    const second = await signIn(browser, stack.baseUrl, 'supervisor');
    await second.goto(`${stack.baseUrl}/me/sessions`);
    const revoke = second.locator('button', { hasText: '撤销' });
    await revoke.first().waitFor();
    expect(await second.textContent('body')).toContain('（当前会话）');
    await revoke.first().click();
    await confirm(second);
    await resultText(second, '会话已撤销');
    await second.locator('td', { hasText: '已撤销' }).waitFor();
    await shot(second, 'my-sessions');
    // The other page is signed out on its next request.
    await first.goto(`${stack.baseUrl}/board`);
    await first.waitForURL('**/login');
  });

  it('when the admin disables an account, then it is marked, its sign-ins are listed, and the audit log filters find it', async () => {
    const admin = await signIn(browser, stack.baseUrl, 'admin');
    expect(
      (await new ApiClient(stack.baseUrl).post('/api/auth/login', { username: 'officer', password: 'nope-1' })).status,
    ).toBe(401);
    await admin.goto(`${stack.baseUrl}/admin/users`);
    const row = admin.locator('tr', { has: admin.locator('[data-user=officer]') });
    await row.locator('button', { hasText: '停用' }).click();
    await confirm(admin);
    await resultText(admin, '已停用');
    await row.locator('text=已停用').waitFor();
    // The disabled user is told so at sign-in (after the right password).
    const officer = await (
      await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Europe/London' })
    ).newPage();
    await officer.goto(`${stack.baseUrl}/login`);
    await officer.fill('input[name=username]', 'officer');
    await officer.fill('input[name=password]', 'demo1234');
    await officer.click('button[type=submit]');
    await officer.waitForSelector('text=该账号已被停用');
    await row.locator('button', { hasText: '登录记录' }).click();
    const history = admin.locator('[data-history=officer]');
    await history.locator('text=密码错误').waitFor();
    await shot(admin, 'admin-users-history');

    await admin.goto(`${stack.baseUrl}/admin/audit`);
    await admin.locator('[data-action=user_disabled]').first().waitFor();
    await admin.selectOption('select[name=action]', 'password_reset');
    await admin.click('form.filters button[type=submit]');
    await eventually(
      async () =>
        (await admin.locator('[data-action=password_reset]').count()) > 0 &&
        (await admin.locator('[data-action]:not([data-action=password_reset])').count()) === 0,
    );
    expect(await admin.locator('[data-action=password_reset]').first().textContent()).toContain('cashier');
    await admin.fill('input[name=target]', 'no-such-target');
    await admin.click('form.filters button[type=submit]');
    await admin.locator('[data-action]').first().waitFor({ state: 'detached' });
    await shot(admin, 'admin-audit');
  });
});
