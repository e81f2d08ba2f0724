// A busy window: more open steps than one page of the inbox. The inbox shows a page at a time
// (50 rows, the soonest deadline first) and the pager reaches the rest, so no step is out of sight.
import type { Browser } from 'playwright-core';
import { launchBrowser, signIn } from '../helpers/browser';
import { applicationBody } from '../helpers/fixtures';
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

describe('pages of the work lists', () => {
  it('when a department has 51 open steps, then its inbox shows 50, and the next page shows the last one', async () => {
    const officer = await ApiClient.login(stack.baseUrl, 'officer');
    for (let i = 0; i < 51; i++) {
      const r = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
      expect(r.status).toBe(201);
    }
    const drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
    await eventually(async () => ((await drc.get('/api/inbox?page=2&pageSize=50')).body as unknown[]).length === 1);

    const page = await signIn(browser, stack.baseUrl, 'staff.drc');
    await page.goto(`${stack.baseUrl}/inbox`);
    await page.waitForSelector('table.inbox tbody tr');
    expect(await page.locator('table.inbox tbody tr').count()).toBe(50);
    const pager = page.locator('nav.pager');
    expect(await pager.textContent()).toContain('第 1 页');
    expect(await pager.locator('button', { hasText: '上一页' }).isDisabled()).toBe(true);
    await pager.locator('button', { hasText: '下一页' }).click();
    await eventually(async () => (await page.locator('table.inbox tbody tr').count()) === 1);
    expect(await pager.textContent()).toContain('第 2 页');
    expect(await pager.locator('button', { hasText: '下一页' }).isDisabled()).toBe(true);
    await pager.locator('button', { hasText: '上一页' }).click();
    await eventually(async () => (await page.locator('table.inbox tbody tr').count()) === 50);
  });
});
