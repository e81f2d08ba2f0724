// The public progress lookup (办件查询) on the real stack: by case number and query password, no
// sign-in, no personal data; a wrong password answers exactly as an unknown case; failed lookups
// are limited per address and per case number, with the count in PostgreSQL shared by two API
// replicas; the query password never reaches the logs.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import { createLogger } from '../../lib/logger';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
/** A second API replica on the same database and Temporal, with its logs captured. */
let replica: { baseUrl: string; server: Server; logs: string[] };
let officer: ApiClient;
let drc: ApiClient;

const LIMIT = 3;

beforeAll(async () => {
  stack = await startStack({ publicLookupLimit: { maxFailures: LIMIT, windowSeconds: 600 } });
  officer = await ApiClient.login(stack.baseUrl, 'officer');
  drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
  const logs: string[] = [];
  const app = createApp({
    config: stack.config,
    db: stack.db.db,
    temporal: stack.client,
    log: createLogger('info', { write: (line: string) => logs.push(line) }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  replica = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, logs };
});

afterAll(async () => {
  await new Promise((r) => replica?.server.close(r));
  await stack?.stop();
});

let addressSerial = 0;
/** A caller at a fresh address (the API trusts X-Forwarded-For from loopback, as behind the center's proxy). */
const newAddress = () => `203.0.113.${++addressSerial}`;

async function lookup(caseNo: string, password: string, from = newAddress(), baseUrl = stack.baseUrl) {
  const q = new URLSearchParams({ caseNo, password });
  const res = await fetch(`${baseUrl}/api/public/progress?${q}`, { headers: { 'X-Forwarded-For': from } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers, text };
}

async function launch(matters: string[], overrides: Record<string, unknown> = {}) {
  const r = await officer.post('/api/applications', applicationBody(matters, overrides));
  expect(r.status).toBe(201);
  return r.body as { id: string; caseNo: string; queryPassword: string };
}

/** Another valid password of the same alphabet: certainly not this case's. */
const otherPassword = (p: string) => (p === '222222' ? '333333' : '222222');

describe('the public progress lookup', () => {
  it('when the investor looks up the case with its password, then each step shows its matter, department, status, light and dates, and nothing personal', async () => {
    const investor = { name: '呼伦贝尔森工新材料有限公司', contactName: '赵建国', phone: '13912345678' };
    const app = await launch(['LAND-PREREVIEW'], {
      investor: { ...applicationBody([]).investor, ...investor },
    });
    const filing = `${app.id}-PROJECT-FILING`;
    expect((await drc.post(`/api/steps/${filing}/accept`)).status).toBe(200);
    // A correction whose reason names the contact person: free text stays private.
    const asked = await drc.post(`/api/steps/${filing}/supplement-request`, {
      items: ['赵建国的身份证复印件'],
      reason: '联系人赵建国（13912345678）未签字',
    });
    expect(asked.status).toBe(200);

    const found = await lookup(app.caseNo, app.queryPassword);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      caseNo: app.caseNo,
      projectName: '根河光伏电站项目',
      status: 'in_progress',
      steps: [
        {
          matterName: '企业投资项目备案',
          departmentName: '发展和改革委员会',
          status: 'awaiting_supplement',
          light: 'none',
          acceptedAt: expect.any(String),
          deadline: expect.any(String),
          decidedAt: null,
        },
        {
          matterName: '建设项目用地预审与选址意见书',
          departmentName: '自然资源局',
          status: 'blocked',
          light: 'none',
          acceptedAt: null,
          deadline: null,
          decidedAt: null,
        },
      ],
    });
    const full = (await officer.get(`/api/applications/${app.id}`)).body;
    for (const secret of [
      investor.name,
      investor.contactName,
      investor.phone,
      full.investor.creditCode,
      app.queryPassword,
      app.id,
      '王代办',
      '身份证',
    ]) {
      expect(found.text).not.toContain(secret);
    }

    // As people type it: lower case, spaces, without dashes, full width.
    const typed = app.caseNo.toLowerCase().replaceAll('-', '');
    expect((await lookup(` ${typed} `, app.queryPassword.toLowerCase())).status).toBe(200);
    const fullWidth = [...app.caseNo].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    expect((await lookup(fullWidth, app.queryPassword)).status).toBe(200);
  });

  it('when the password is wrong or the case unknown, then both get the same 404, and malformed input a 400 naming the field', async () => {
    const app = await launch(['PROJECT-FILING']);
    const wrong = await lookup(app.caseNo, otherPassword(app.queryPassword));
    const [year, serial] = app.caseNo.split('-').slice(1);
    const unknown = await lookup(`GH-${year}-${String(Number(serial) + 5000).padStart(6, '0')}`, app.queryPassword);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({
      error: { code: 'not_found', message: 'no case with this case number and query password' },
    });
    expect(wrong.headers.get('content-length')).toBe(unknown.headers.get('content-length'));

    const malformed = await lookup('GH-2026-12', 'AB');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'query.caseNo',
      'query.password',
    ]);
    const missing = await fetch(`${stack.baseUrl}/api/public/progress`);
    expect(missing.status).toBe(400);
  });

  it('when one case is guessed at from many addresses on two API replicas, then the case is locked after the limit, the right password included', async () => {
    const app = await launch(['PROJECT-FILING']);
    const bad = otherPassword(app.queryPassword);
    // Failures alternate between the replicas: the count is one, in PostgreSQL.
    for (let i = 0; i < LIMIT; i++) {
      const r = await lookup(app.caseNo, bad, newAddress(), i % 2 === 0 ? stack.baseUrl : replica.baseUrl);
      expect(r.status).toBe(404);
    }
    for (const baseUrl of [stack.baseUrl, replica.baseUrl]) {
      const locked = await lookup(app.caseNo, app.queryPassword, newAddress(), baseUrl);
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Another case is not affected.
    const other = await launch(['PROJECT-FILING']);
    expect((await lookup(other.caseNo, other.queryPassword)).status).toBe(200);
  });

  it('when one address guesses at many case numbers, then it is locked after the limit, on every replica', async () => {
    const guesser = newAddress();
    const app = await launch(['PROJECT-FILING']);
    for (let i = 0; i < LIMIT; i++) {
      const r = await lookup(`GH-2026-9${String(i).padStart(5, '0')}`, '222222', guesser, replica.baseUrl);
      expect(r.status).toBe(404);
    }
    const locked = await lookup(app.caseNo, app.queryPassword, guesser, stack.baseUrl);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The investor at another address still gets in.
    expect((await lookup(app.caseNo, app.queryPassword)).status).toBe(200);
  });

  it('when a lookup is logged, then its query password is not', async () => {
    const app = await launch(['PROJECT-FILING']);
    expect((await lookup(app.caseNo, app.queryPassword, newAddress(), replica.baseUrl)).status).toBe(200);
    const line = replica.logs.find((l) => l.includes('/api/public/progress') && l.includes(app.caseNo));
    expect(line).toBeDefined();
    expect(line).toContain('[redacted]');
    expect(replica.logs.join('\n')).not.toContain(app.queryPassword);
  });
});
