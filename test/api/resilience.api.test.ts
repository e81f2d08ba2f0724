// Outages and security headers: Temporal or PostgreSQL down → 503 with Retry-After and nothing
// written; request ids, helmet headers, CORS closed unless configured; admin actions audited.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { createApp } from '../../api/app';
import { prepareDatabase } from '../../api/bootstrap';
import { openDatabase } from '../../db/database';
import { loadConfig, type Config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient } from '../helpers/stack';

let db: TestDatabase;
const servers: Server[] = [];
const config = (overrides: Partial<Config> = {}) =>
  loadConfig(
    { DATA_DIR: '/tmp/joint-approval-test', LOG_LEVEL: 'silent' },
    { jwtSecret: 'resilience-secret-0123456789', temporalRpcTimeoutMs: 3_000, ...overrides },
  );
const deadTemporal = () => new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });

async function serve(app: ReturnType<typeof createApp>): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await prepareDatabase(db.db, config({ demoSeed: true }), createLogger('silent'));
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await db?.drop();
});

describe('when Temporal does not answer', () => {
  it('then launching is a 503 with Retry-After, the application is kept for recovery to start, and health says so', async () => {
    const base = await serve(
      createApp({ config: config(), db: db.db, temporal: deadTemporal(), log: createLogger('silent') }),
    );
    const officer = await ApiClient.login(base, 'officer');
    const before = await sql<{ n: number }>`select count(*)::int as n from applications`.execute(db.db);
    const key = { 'Idempotency-Key': 'launch-while-temporal-is-down' };
    const r = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']), key);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('unavailable');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // One application is kept, its workflow not yet started (launch recovery starts it later).
    const after = await sql<{ n: number; unstarted: number }>`
      select count(*)::int as n, count(*) filter (where workflow_started_at is null)::int as unstarted
      from applications`.execute(db.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
    expect(after.rows[0]!.unstarted).toBe(1);
    // The retry under the same key finds that application instead of launching a second.
    const retried = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']), key);
    const again = await sql<{ n: number }>`select count(*)::int as n from applications`.execute(db.db);
    expect(again.rows[0]!.n).toBe(before.rows[0]!.n + 1);
    expect([201, 503]).toContain(retried.status);
    const health = await new ApiClient(base).get('/healthz');
    expect(health.status).toBe(503);
  });
});

describe('when PostgreSQL does not answer', () => {
  it('then reads are a 503 with Retry-After, never a 500', async () => {
    const dead = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    const base = await serve(
      createApp({ config: config(), db: dead.db, temporal: deadTemporal(), log: createLogger('silent') }),
    );
    const r = await new ApiClient(base).get('/api/matters');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect(
      (await new ApiClient(base).post('/api/auth/login', { username: 'officer', password: 'demo1234' })).status,
    ).toBe(503);
    await dead.close();
  });
});

describe('headers and CORS', () => {
  it('when any request is answered, then it carries a request id and helmet headers; CORS is closed unless configured', async () => {
    const closed = await serve(
      createApp({ config: config(), db: db.db, temporal: deadTemporal(), log: createLogger('silent') }),
    );
    const r = await fetch(`${closed}/api/matters`, {
      headers: { origin: 'https://evil.example', 'x-request-id': 'req-123' },
    });
    expect(r.headers.get('x-request-id')).toBe('req-123');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const open = await serve(
      createApp({
        config: config({ corsOrigins: ['https://window.genhe.gov.cn'] }),
        db: db.db,
        temporal: deadTemporal(),
        log: createLogger('silent'),
      }),
    );
    const allowed = await fetch(`${open}/api/matters`, { headers: { origin: 'https://window.genhe.gov.cn' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://window.genhe.gov.cn');
    const other = await fetch(`${open}/api/matters`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('audit log', () => {
  it('when an admin changes the catalog or departments, then the audit log records who and what, and cannot be rewritten', async () => {
    const base = await serve(
      createApp({ config: config(), db: db.db, temporal: deadTemporal(), log: createLogger('silent') }),
    );
    const admin = await ApiClient.login(base, 'admin');
    expect((await admin.post('/api/departments', { code: 'TAX', name: '税务局' })).status).toBe(201);
    const audit = await admin.get('/api/audit');
    expect(audit.body[0]).toMatchObject({
      action: 'department_saved',
      target: 'TAX',
      actor: { displayName: '综合室管理员' },
    });
    await expect(sql`delete from audit_log`.execute(db.db)).rejects.toThrow(/append-only/);
    expect((await (await ApiClient.login(base, 'supervisor')).get('/api/audit')).status).toBe(403);
  });
});
