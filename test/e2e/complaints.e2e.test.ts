// The public's complaint and rating pages, and the complaint desks of the supervision office and a
// department, in Debian's Chromium on a phone-sized viewport (375 px) against the real stack: a
// complaint filed (its number and password shown), assigned and closed after confirmations, replied
// by the department, followed by the public; a bad rating turned into a rectification task.
// Screenshots go to test-artifacts/ (git-ignored).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../lib/paths';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const ARTIFACTS = path.join(projectRoot(), 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';
const PHONE = { width: 375, height: 812 };

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    execFileSync('bash', [path.join(projectRoot(), 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(projectRoot(), 'web', 'dist', 'index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: projectRoot(), stdio: 'inherit' });
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({ workdaySeconds: 2 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const phonePage = async () => (await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage();

async function signIn(username: string): Promise<Page> {
  const page = await phonePage();
  await page.goto(`${stack.baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const fitsThePhone = (page: Page) => page.evaluate(`document.documentElement.scrollWidth <= ${PHONE.width}`);

describe('complaints and ratings on a phone', () => {
  it('when the public files a complaint and the office and the department handle it, then each sees its part and the public follows it to the conclusion', async () => {
    const pub = await phonePage();
    await pub.goto(`${stack.baseUrl}/public/complaint`);
    await pub.fill('textarea[name=content]', '窗口要求重复提交营业执照复印件，三次往返仍未受理。');
    await pub.fill('input[name=contactName]', '王小红');
    await pub.fill('input[name=phone]', '123');
    await pub.click('button[type=submit]');
    // A clear message in Chinese next to the phone field; nothing filed.
    await pub.waitForSelector('.field-error');
    expect(await pub.textContent('.field-invalid')).toContain('请填写手机号码或带区号的固定电话');
    await pub.fill('input[name=phone]', '139 1234 5678');
    await pub.selectOption('select[name=departmentCode]', 'DRC');
    await pub.click('button[type=submit]');
    await pub.waitForSelector('[data-complaint-no]');
    const [no, password] = await pub.$$eval('.secret', (e) => e.map((x) => x.textContent ?? ''));
    expect(no).toMatch(/^TS-\d{4}-\d{6}$/);
    expect(password).toMatch(/^[2-9A-Z]{6}$/);
    expect(await fitsThePhone(pub)).toBe(true);
    await shot(pub, 'public-complaint-filed-phone');

    // The supervision office registers it to the DRC, after a confirmation.
    const sup = await signIn('supervisor');
    await sup.goto(`${stack.baseUrl}/complaints/${no}`);
    const card = `article[data-complaint="${no}"]`;
    await sup.waitForSelector(`${card} select[name=departmentCode]`);
    expect(await sup.textContent(card)).toContain('13912345678');
    await sup.click(`${card} form:has(select[name=departmentCode]) button[type=submit]`);
    await sup.waitForSelector('.confirm');
    expect(await sup.textContent('.confirm')).toContain('发展和改革委员会');
    await sup.click('.confirm button:not(.secondary)');
    await sup.waitForSelector(`${card}[data-status=assigned]`);
    expect(await fitsThePhone(sup)).toBe(true);

    // The department reads it without the complainant's contact and replies.
    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/complaints/${no}`);
    await drc.waitForSelector(`${card} textarea[name=reply]`);
    expect(await drc.textContent(card)).not.toContain('13912345678');
    await drc.fill('textarea[name=reply]', '经核实，已一次性告知所需材料并当日受理。');
    await drc.click('form:has(textarea[name=reply]) button[type=submit]');
    await drc.waitForSelector(`${card}[data-status=replied]`);
    await shot(drc, 'department-complaint-replied-phone');

    // The office closes it as upheld, after a confirmation.
    await sup.reload();
    await sup.waitForSelector(`${card}[data-status=replied] textarea[name=conclusion]`);
    await sup.check('input[name=upheld] >> nth=0');
    await sup.fill('textarea[name=conclusion]', '投诉属实，已责令整改并通报。');
    await sup.click('form:has(textarea[name=conclusion]) button[type=submit]');
    await sup.waitForSelector('.confirm');
    await sup.click('.confirm button:not(.secondary)');
    await sup.waitForSelector(`${card}[data-status=closed]`);
    await shot(sup, 'supervisor-complaint-closed-phone');

    // The public follows it with the number and password.
    await pub.goto(`${stack.baseUrl}/public/complaint/follow?no=${no}`);
    await pub.fill('input[name=password]', 'WRONG2');
    await pub.click('button[type=submit]');
    await pub.waitForSelector('.error');
    expect(await pub.textContent('.error')).toContain('投诉编号或查询密码不正确');
    await pub.fill('input[name=password]', password!);
    await pub.click('button[type=submit]');
    await pub.waitForSelector('article[data-status=closed]');
    const shown = await pub.textContent('article[data-status=closed]');
    expect(shown).toContain('经核实，已一次性告知所需材料并当日受理。');
    expect(shown).toContain('投诉属实，已责令整改并通报。');
    expect(await fitsThePhone(pub)).toBe(true);
    await shot(pub, 'public-complaint-followed-phone');
  });

  it('when the investor gives a decided step a bad rating, then a comment is asked for and the department gets a rectification task', async () => {
    const officer = await ApiClient.login(stack.baseUrl, 'officer');
    const drcApi = await ApiClient.login(stack.baseUrl, 'staff.drc');
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const stepId = created.body.steps[0].id as string;
    await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
    expect((await drcApi.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
    expect((await drcApi.post(`/api/steps/${stepId}/decision`, { outcome: 'approved' })).status).toBe(200);

    const pub = await phonePage();
    await pub.goto(`${stack.baseUrl}/public/rate`);
    await pub.fill('input[name=caseNo]', created.body.caseNo);
    await pub.fill('input[name=password]', created.body.queryPassword);
    await pub.click('button[type=submit]');
    const step = `article[data-step="${stepId}"]`;
    await pub.waitForSelector(`${step} .stars`);
    await pub.click(`${step} .stars label >> nth=1`);
    // Two stars: the comment is required before the button works.
    expect(await pub.textContent(step)).toContain('请说明不满意的原因（必填）');
    expect(await pub.isDisabled(`${step} button[type=submit]`)).toBe(true);
    await pub.fill(`${step} textarea[name=comment]`, '窗口人员态度冷淡，材料清单前后不一。');
    await pub.click(`${step} button[type=submit]`);
    await pub.waitForSelector('p.notice');
    const notice = await pub.textContent('p.notice');
    const task = /ZG-\d{4}-\d{6}/.exec(notice ?? '')?.[0];
    expect(task).toBeDefined();
    await pub.waitForSelector(`${step} [data-rated="2"]`);
    expect(await fitsThePhone(pub)).toBe(true);
    await shot(pub, 'public-rating-phone');

    const drc = await signIn('staff.drc');
    await drc.goto(`${stack.baseUrl}/complaints`);
    await drc.waitForSelector(`article[data-complaint="${task}"][data-status=assigned]`);
    expect(await drc.textContent(`article[data-complaint="${task}"]`)).toContain('材料清单前后不一');
    await shot(drc, 'department-rectification-phone');
  });
});
