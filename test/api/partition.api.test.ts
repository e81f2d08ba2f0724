// A hung engine is not a hung API: with the Temporal server frozen (SIGSTOP, as in a network
// partition) a step action answers 503 with Retry-After within the RPC deadline, and once the
// server is back the same request, retried under its Idempotency-Key, is applied exactly once.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { createApp } from '../../api/app';
import { prepareDatabase } from '../../api/bootstrap';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { dataConverterFor } from '../../lib/payload-codec';
import { createWorker } from '../../workers/worker';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startDevServerProcess, type DevServerProcess } from '../helpers/dev-server-process';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually } from '../helpers/stack';

const RPC_TIMEOUT_MS = 10_000;

let db: TestDatabase;
let temporal: DevServerProcess;
let worker: Worker;
let workerRun: Promise<void>;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const taskQueue = `test-${Math.random().toString(36).slice(2)}`;
  db = await createTestDatabase();
  temporal = await startDevServerProcess();
  const config = loadConfig(
    { DATA_DIR: '/tmp/joint-approval-test', DEMO_SEED: '1', LOG_LEVEL: 'silent' },
    { jwtSecret: 'partition-secret-0123456789abcdef', taskQueue, temporalRpcTimeoutMs: RPC_TIMEOUT_MS },
  );
  const log = createLogger(config.logLevel);
  await prepareDatabase(db.db, config, log);
  worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    db: db.db,
    workdaySeconds: undefined,
    payloadKeys: config.payloadKeys,
  });
  workerRun = worker.run();
  const client = new Client({
    connection: temporal.client.connection,
    namespace: temporal.namespace,
    dataConverter: dataConverterFor(config.payloadKeys),
  });
  const app = createApp({ config, db: db.db, temporal: client, log });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  temporal?.thaw();
  if (server) await new Promise((r) => server.close(r));
  if (worker) {
    worker.shutdown();
    await workerRun;
  }
  await temporal?.stop();
  await db?.drop();
});

describe('when the Temporal server freezes (a network partition)', () => {
  it('then a step action answers 503 with Retry-After within 15 s, and its retry under the same Idempotency-Key is applied exactly once', async () => {
    const officer = await ApiClient.login(baseUrl, 'officer');
    const drc = await ApiClient.login(baseUrl, 'staff.drc');
    const launched = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']), {
      'Idempotency-Key': 'partition-launch',
    });
    expect(launched.status).toBe(201);
    const stepId = `${launched.body.id}-PROJECT-FILING`;
    await eventually(async () => (await drc.get(`/api/steps/${stepId}`)).body.status === 'submitted');
    const key = { 'Idempotency-Key': 'partition-accept-1' };

    temporal.freeze();
    try {
      const started = Date.now();
      const refused = await drc.post(`/api/steps/${stepId}/accept`, {}, key);
      const elapsed = Date.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('unavailable');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS - 500);
      expect(elapsed).toBeLessThan(15_000);

      const healthStarted = Date.now();
      const health = await new ApiClient(baseUrl).get('/healthz');
      expect(health.status).toBe(503);
      expect(Date.now() - healthStarted).toBeLessThan(5_000);
      // The step did not move while the engine was away.
      expect((await drc.get(`/api/steps/${stepId}`)).body.status).toBe('submitted');
    } finally {
      temporal.thaw();
    }

    // Back: the same request under the same key, retried as a client would, succeeds once.
    const accepted = await eventually(async () => {
      const r = await drc.post(`/api/steps/${stepId}/accept`, {}, key);
      if (r.status === 503 || (r.status === 409 && /still running/.test(r.body.error.message))) return false;
      return r;
    }, 60_000);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('in_review');
    expect((await new ApiClient(baseUrl).get('/healthz')).status).toBe(200);

    // Replayed once more: the stored answer, not a second acceptance.
    const replay = await drc.post(`/api/steps/${stepId}/accept`, {}, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const timeline = (await officer.get(`/api/applications/${launched.body.id}/timeline`)).body as Array<{
      type: string;
      stepId?: string;
    }>;
    expect(timeline.filter((e) => e.type === 'step_accepted' && e.stepId === stepId)).toHaveLength(1);
    const rows = await sql<{ n: number }>`
      select count(*)::int as n from events where step_id = ${stepId} and type = 'step_accepted'`.execute(db.db);
    expect(rows.rows[0]!.n).toBe(1);
  });
});
