// The sign-in lockout lives in PostgreSQL: two API replicas on one database share it, it counts
// per address and username, successes do not count, and concurrent guesses cannot pass the limit.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { prepareDatabase } from '../../api/bootstrap';
import { loadConfig, type Config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ApiClient } from '../helpers/stack';

const MAX_FAILURES = 3;
let db: TestDatabase;
const servers: Server[] = [];
const config = (overrides: Partial<Config> = {}) =>
  loadConfig(
    { DATA_DIR: '/tmp/joint-approval-test', LOG_LEVEL: 'silent' },
    { jwtSecret: 'lockout-secret-0123456789abcdef', loginMaxFailures: MAX_FAILURES, ...overrides },
  );
// Signing in never needs Temporal.
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

/** Signs in from `address` (the API trusts X-Forwarded-For from the loopback proxy). */
const login = (base: string, username: string, password: string, address = '198.51.100.1') =>
  new ApiClient(base).post('/api/auth/login', { username, password }, { 'X-Forwarded-For': address });

let a: string;
let b: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await prepareDatabase(db.db, config({ demoSeed: true }), createLogger('silent'));
  a = await replica();
  b = await replica();
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await db?.drop();
});

describe('when sign-ins fail on two API replicas', () => {
  it('then the failures add up across both and the pair is locked on both, with Retry-After', async () => {
    expect((await login(a, 'cashier', 'wrong-1')).status).toBe(401);
    expect((await login(b, 'cashier', 'wrong-2')).status).toBe(401);
    expect((await login(a, 'Cashier', 'wrong-3')).status).toBe(401);
    for (const base of [b, a]) {
      const locked = await login(base, 'cashier', 'demo1234');
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(config().loginLockoutSeconds);
    }
    // Per address and username: another address, or another user from the same address, may sign in.
    expect((await login(b, 'cashier', 'demo1234', '203.0.113.9')).status).toBe(200);
    expect((await login(a, 'supervisor', 'demo1234')).status).toBe(200);
  });

  it('then successful sign-ins do not count', async () => {
    expect((await login(a, 'admin', 'wrong', '198.51.100.2')).status).toBe(401);
    expect((await login(b, 'admin', 'wrong', '198.51.100.2')).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await login(i % 2 ? a : b, 'admin', 'demo1234', '198.51.100.2')).status).toBe(200);
    expect((await login(a, 'admin', 'wrong', '198.51.100.2')).status).toBe(401);
    expect((await login(b, 'admin', 'demo1234', '198.51.100.2')).status).toBe(429);
  });

  it('then concurrent guesses on both replicas get exactly the allowed number of tries', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(i % 2 ? a : b, 'officer', `guess-${i}`, '198.51.100.3')),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - MAX_FAILURES);
  });

  it('then the lock lifts when its window is over', async () => {
    const shortA = await replica({ loginLockoutSeconds: 1 });
    const shortB = await replica({ loginLockoutSeconds: 1 });
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect((await login(i % 2 ? shortA : shortB, 'staff.drc', 'wrong', '198.51.100.4')).status).toBe(401);
    }
    expect((await login(shortA, 'staff.drc', 'demo1234', '198.51.100.4')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await login(shortB, 'staff.drc', 'demo1234', '198.51.100.4')).status).toBe(200);
  });
});
