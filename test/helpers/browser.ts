// Debian's Chromium for the browser tests, signed-in pages, screenshots and the confirmation dialog.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from '../../lib/paths';

const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(projectRoot(), 'test-artifacts', 'screenshots');

/** Chromium (installed if missing) and a built web UI. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    execFileSync('bash', [path.join(projectRoot(), 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(projectRoot(), 'web', 'dist', 'index.html'))) {
    execFileSync('npm', ['run', 'build:web'], { cwd: projectRoot(), stdio: 'inherit' });
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A fresh browser context (its own session storage) signed in as `username`. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

/**
 * The dialog a guarded action opened: waits for it, lets the click guard pass (a dialog ignores
 * clicks in its first 400 ms, so the second click of a double click cannot confirm it), and
 * returns it.
 */
export async function dialog(page: Page) {
  const d = page.locator('[role=dialog]');
  await d.waitFor();
  await page.waitForTimeout(450);
  return d;
}

/** The text of the latest result message (role=status), once it contains `expected`. */
export async function resultText(page: Page, expected: string): Promise<string> {
  const status = page.locator('[role=status]', { hasText: expected });
  await status.waitFor({ timeout: 20_000 });
  return (await status.textContent()) ?? '';
}
