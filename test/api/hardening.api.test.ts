// Hardening: the Content-Security-Policy fits the web UI and Swagger UI (Chromium renders both and
// reports no violation), HSTS only behind TLS, and the anonymous endpoints' rate limit is shared by
// two API replicas on one database.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { prepareDatabase } from '../../api/bootstrap';
import { HSTS_HEADER } from '../../api/security-headers';
import { loadConfig, type Config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { launchBrowser } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ApiClient } from '../helpers/stack';

const LIMIT = 5;
let db: TestDatabase;
const servers: Server[] = [];
const config = (overrides: Partial<Config> = {}) =>
  loadConfig(
    { DATA_DIR: '/tmp/joint-approval-test', LOG_LEVEL: 'silent', DEMO_SEED: '1' },
    {
      jwtSecret: 'hardening-secret-0123456789abcdef',
      anonymousRateLimit: { max: LIMIT, windowSeconds: 60 },
      ...overrides,
    },
  );
// Nothing here needs Temporal: the pages, the catalog and signing in read the database.
const noTemporal = () => new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });

/** One more API replica on the shared database. */
async function replica(overrides: Partial<Config> = {}): Promise<string> {
  const app = createApp({ config: config(overrides), db: db.db, temporal: noTemporal(), log: createLogger('silent') });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let a: string;
let b: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await prepareDatabase(db.db, config(), createLogger('silent'));
  a = await replica();
  b = await replica();
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await db?.drop();
});

/** A request from `address` (the API trusts X-Forwarded-* from its loopback proxy). */
const from = (address: string, headers: Record<string, string> = {}) => ({ 'X-Forwarded-For': address, ...headers });

describe('Content-Security-Policy', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  /** Opens `path` and collects CSP violations (the DOM event) and console errors while it renders. */
  async function open(path: string, ready: (page: Page) => Promise<unknown>) {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    // Runs before the page's own scripts (through the DevTools protocol, which CSP does not govern).
    await page.addInitScript({
      content:
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
    });
    const response = await page.goto(a + path);
    const rendered = await ready(page).then(
      () => true,
      (err: unknown) => String(err),
    );
    await page.waitForLoadState('networkidle');
    const violations = await page.evaluate<string[]>('window.cspViolations');
    const csp = response?.headers()['content-security-policy'];
    await context.close();
    return { rendered, violations, errors, csp };
  }

  it('when the sign-in page, a signed-in page and Swagger UI load in Chromium, then they render and no CSP violation is reported', async () => {
    const login = await open('/login', (page) => page.locator('input[name=username]').waitFor({ timeout: 10_000 }));
    expect(login).toMatchObject({ rendered: true, violations: [] });
    expect(login.csp).toContain("script-src 'self'");
    expect(login.csp).not.toContain('unsafe-inline');
    expect(login.violations).toEqual([]);
    expect(login.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

    const home = await open('/login', async (page) => {
      await page.fill('input[name=username]', 'officer');
      await page.fill('input[name=password]', 'demo1234');
      await page.click('button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      await page.locator('nav, main').first().waitFor();
    });
    expect(home).toMatchObject({ rendered: true, violations: [] });
    expect(home.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);

    const docs = await open('/docs/', (page) =>
      page.locator('.swagger-ui .info .title', { hasText: 'Joint-approval orchestrator API' }).waitFor(),
    );
    expect(docs).toMatchObject({ rendered: true, violations: [] });
    expect(docs.errors).toEqual([]);
  });
});

describe('HSTS', () => {
  it('when a request arrives over plain HTTP, then no Strict-Transport-Security is sent', async () => {
    const r = await fetch(`${a}/openapi.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('strict-transport-security')).toBeNull();
  });

  it('when the trusted proxy reports TLS (X-Forwarded-Proto: https), then Strict-Transport-Security is sent', async () => {
    const r = await fetch(`${a}/openapi.json`, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('strict-transport-security')).toBe(HSTS_HEADER);
  });
});

describe('rate limits on anonymous endpoints', () => {
  it('when one address calls the service guide through two replicas, then they share one count and the request past the limit gets 429 with Retry-After', async () => {
    const address = '203.0.113.10';
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const r = await new ApiClient(i % 2 ? b : a).request('GET', '/api/matters', undefined, from(address));
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    for (const base of [a, b]) {
      const over = await new ApiClient(base).request('GET', '/api/matters', undefined, from(address));
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('rate_limited');
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Per address and per route: another address, and another route from the same address, pass.
    expect((await new ApiClient(a).request('GET', '/api/matters', undefined, from('203.0.113.11'))).status).toBe(200);
    expect((await new ApiClient(b).request('GET', '/openapi.json', undefined, from(address))).status).toBe(200);
  });

  it('when many anonymous requests arrive at both replicas at once, then exactly the limit is answered', async () => {
    const address = '203.0.113.20';
    const results = await Promise.all(
      Array.from({ length: 4 * LIMIT }, (_, i) =>
        new ApiClient(i % 2 ? b : a).request('GET', '/api/public/ratings', undefined, from(address)),
      ),
    );
    const limited = results.filter((r) => r.status === 429).length;
    expect(limited).toBe(3 * LIMIT);
    expect(results.filter((r) => r.status !== 429).every((r) => r.status < 500)).toBe(true);
  });

  it('when sign-ins, public filings and codec calls come anonymously, then they are limited too; a signed-in user is not counted', async () => {
    const address = '203.0.113.30';
    const attempts = [];
    for (let i = 0; i <= LIMIT; i++)
      attempts.push(
        (
          await new ApiClient(i % 2 ? b : a).request(
            'POST',
            '/api/auth/login',
            { username: 'nobody', password: 'x' },
            from(address),
          )
        ).status,
      );
    expect(attempts.at(-1)).toBe(429);

    const codec = [];
    for (let i = 0; i <= LIMIT; i++)
      codec.push(
        (await new ApiClient(i % 2 ? b : a).request('POST', '/codec/decode', { payloads: [] }, from(address))).status,
      );
    expect(codec.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(codec.at(-1)).toBe(429);

    const filings = [];
    for (let i = 0; i <= LIMIT; i++)
      filings.push((await new ApiClient(a).request('POST', '/api/public/complaints', {}, from(address))).status);
    expect(filings.slice(0, LIMIT).every((s) => s === 400)).toBe(true);
    expect(filings.at(-1)).toBe(429);

    // Signed in (from another address), the same person browses the guide past the anonymous limit.
    const token = (
      await new ApiClient(a).request(
        'POST',
        '/api/auth/login',
        { username: 'officer', password: 'demo1234' },
        from('203.0.113.31'),
      )
    ).body.token as string;
    for (let i = 0; i <= 2 * LIMIT; i++) {
      const r = await new ApiClient(i % 2 ? b : a, token).request('GET', '/api/departments', undefined, from(address));
      expect(r.status).toBe(200);
    }
    // A forged token is anonymous.
    const forged = [];
    for (let i = 0; i <= LIMIT; i++)
      forged.push(
        (await new ApiClient(a, 'not-a-token').request('GET', '/api/departments', undefined, from('203.0.113.32')))
          .status,
      );
    expect(forged.at(-1)).toBe(429);

    // A well-signed token of a session signed out, and a codec cookie of any value, are anonymous too.
    const signedOut = (
      await new ApiClient(a).request(
        'POST',
        '/api/auth/login',
        { username: 'officer', password: 'demo1234' },
        from('203.0.113.33'),
      )
    ).body.token as string;
    expect(
      (await new ApiClient(a, signedOut).request('POST', '/api/auth/logout', {}, from('203.0.113.33'))).status,
    ).toBe(200);
    const revoked = [];
    for (let i = 0; i <= LIMIT; i++)
      revoked.push(
        (await new ApiClient(a, signedOut).request('GET', '/api/departments', undefined, from('203.0.113.34'))).status,
      );
    expect(revoked.at(-1)).toBe(429);
    const cookies = [];
    for (let i = 0; i <= LIMIT; i++)
      cookies.push(
        (
          await new ApiClient(b).request(
            'POST',
            '/codec/decode',
            { payloads: [] },
            { ...from('203.0.113.35'), cookie: 'ja_codec=anything' },
          )
        ).status,
      );
    expect(cookies.at(-1)).toBe(429);
  });
});
