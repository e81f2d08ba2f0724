// Launch exactly once: the rows commit first, the workflow starts after; the answer to the
// Idempotency-Key commits with the rows, so a retry always finds the one application; a launch
// whose workflow did not start is started by launch recovery; old keys are purged.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { createApp } from '../../api/app';
import { purgeIdempotencyKeys, recoverLaunches, startBackgroundJobs } from '../../api/background';
import type { AppDeps } from '../../api/deps';
import { createLogger } from '../../lib/logger';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let deps: AppDeps;
let officer: ApiClient;
let drc: ApiClient;
const servers: Server[] = [];

beforeAll(async () => {
  stack = await startStack();
  deps = { config: stack.config, db: stack.db.db, temporal: stack.env.client, log: createLogger('silent') };
  [officer, drc] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
  ]);
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await stack?.stop();
});

/** The same API on the same database, but speaking to Temporal through `temporal`. */
async function apiWith(temporal: Client): Promise<ApiClient> {
  const app = createApp({ ...deps, config: { ...deps.config, temporalRpcTimeoutMs: 2_000 }, temporal });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, officer.token);
}

const deadTemporal = () => new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });

const bodyNamed = (name: string) => {
  const body = applicationBody(['PROJECT-FILING']);
  return { ...body, project: { ...body.project, name } };
};

/** The applications the officer sees under a project name. */
const applicationsNamed = async (name: string) =>
  (await officer.get(`/api/applications?q=${encodeURIComponent(name)}&pageSize=100`)).body.items as Array<{
    id: string;
    status: string;
  }>;

const workflowExists = async (applicationId: string) => {
  try {
    await stack.env.client.workflow.getHandle(`application-${applicationId}`).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
};

/** The department accepts the application's first step, as its window would; the answer the user sees. */
const acceptFirstStep = (applicationId: string) =>
  eventually(async () => {
    const r = await drc.post(`/api/steps/${applicationId}-PROJECT-FILING/accept`, {});
    return r.status === 200 ? r : undefined;
  });

/** Sends a launch until it has a definite answer: a 409 with Retry-After means "the first is still running". */
const launchUntilAnswered = (client: ApiClient, body: unknown, key: string) =>
  eventually(async () => {
    const r = await client.post('/api/applications', body, { 'Idempotency-Key': key });
    return r.status === 409 && r.headers.get('retry-after') ? undefined : r;
  });

describe('launching with an Idempotency-Key', () => {
  it('when two launches with one key arrive at once, then one application exists and both answers name it (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const name = `并发申报-${round}-${Date.now()}`;
      const key = `twice-${round}-${Date.now()}`;
      const body = bodyNamed(name);
      const answers = await Promise.all([
        officer.post('/api/applications', body, { 'Idempotency-Key': key }),
        officer.post('/api/applications', body, { 'Idempotency-Key': key }),
      ]);
      const settled = await Promise.all(
        answers.map((a) => (a.status === 409 ? launchUntilAnswered(officer, body, key) : Promise.resolve(a))),
      );
      for (const a of settled) expect(a.status).toBe(201);
      expect(settled[0]!.body.id).toBe(settled[1]!.body.id);
      expect(settled.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
      expect(await applicationsNamed(name)).toEqual([expect.objectContaining({ id: settled[0]!.body.id })]);
    }
  });

  it('when the same key comes with another body, then 409 and nothing is launched', async () => {
    const key = `other-body-${Date.now()}`;
    const first = await officer.post('/api/applications', bodyNamed('同键申报甲'), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const other = await officer.post('/api/applications', bodyNamed('同键申报乙'), { 'Idempotency-Key': key });
    expect(other.status).toBe(409);
    expect(await applicationsNamed('同键申报乙')).toEqual([]);
  });
});

describe('when the workflow cannot be started at launch', () => {
  it('then the officer gets a 503, the application is kept, a retry returns it, and recovery starts its review', async () => {
    const name = `停机申报-${Date.now()}`;
    const key = `down-${Date.now()}`;
    const down = await apiWith(deadTemporal());

    const refused = await down.post('/api/applications', bodyNamed(name), { 'Idempotency-Key': key });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const kept = await applicationsNamed(name);
    expect(kept).toEqual([expect.objectContaining({ status: 'in_progress' })]);
    const id = kept[0]!.id;
    // The retry, even while Temporal is still down, returns the application the launch recorded.
    const retried = await down.post('/api/applications', bodyNamed(name), { 'Idempotency-Key': key });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(id);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await applicationsNamed(name)).toHaveLength(1);
    expect(await workflowExists(id)).toBe(false);

    const recovered = await recoverLaunches(deps, { olderThanMs: 0 });
    expect(recovered.started).toContain(id);
    expect(await workflowExists(id)).toBe(true);
    const accepted = await acceptFirstStep(id);
    expect(accepted.body.status).toBe('in_review');
    // Started once: the next run has nothing left to start.
    expect((await recoverLaunches(deps, { olderThanMs: 0 })).started).not.toContain(id);
  });

  it('when the process dies between the commit and the answer, then a retry minutes later finds the same application and the background jobs start it', async () => {
    const name = `中断申报-${Date.now()}`;
    const key = `died-${Date.now()}`;
    // A Temporal whose start never answers: the request hangs after its commit, as if its process died there.
    const hanging = new Client({ connection: stack.env.connection, namespace: stack.env.namespace ?? 'default' });
    let release!: (err: Error) => void;
    const never = new Promise<never>((_resolve, reject) => (release = reject));
    void never.catch(() => undefined);
    hanging.workflow.start = (() => never) as typeof hanging.workflow.start;
    const dying = await apiWith(hanging);

    const abandoned = new AbortController();
    const lost = fetch(`${dying.baseUrl}/api/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${officer.token}`,
        'Idempotency-Key': key,
      },
      body: JSON.stringify(bodyNamed(name)),
      signal: abandoned.signal,
    }).catch(() => undefined);
    const [kept] = await eventually(async () => {
      const found = await applicationsNamed(name);
      return found.length > 0 ? found : undefined;
    });
    abandoned.abort();
    await lost;
    // Long past the 30 s after which an unanswered first request counts as lost.
    await sql`update idempotency_keys set created_at = now() - interval '10 minutes' where key = ${key}`.execute(
      stack.db.db,
    );

    const retried = await officer.post('/api/applications', bodyNamed(name), { 'Idempotency-Key': key });
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(kept!.id);
    expect(await applicationsNamed(name)).toHaveLength(1);
    release(new Error('the process is gone'));

    // At the next boot the background jobs find the launch (older than their grace period) and start it.
    await sql`update applications set created_at = now() - interval '1 minute' where id = ${kept!.id}`.execute(
      stack.db.db,
    );
    const jobs = startBackgroundJobs(deps);
    try {
      await eventually(() => workflowExists(kept!.id));
    } finally {
      await jobs.stop();
    }
    expect((await acceptFirstStep(kept!.id)).body.status).toBe('in_review');
  });
});

describe('purging idempotency keys', () => {
  it('when a key is older than the retention, then it is forgotten; a newer key still answers as before', async () => {
    const oldKey = `purge-old-${Date.now()}`;
    const newKey = `purge-new-${Date.now()}`;
    const plan = (matters: string[], key: string) => officer.post('/api/plan', { matters }, { 'Idempotency-Key': key });
    expect((await plan(['PROJECT-FILING'], oldKey)).status).toBe(200);
    expect((await plan(['PROJECT-FILING'], newKey)).status).toBe(200);
    const aged = new Date(Date.now() - stack.config.idempotencyRetentionMs - 60_000);
    await sql`update idempotency_keys set created_at = ${aged} where key = ${oldKey}`.execute(stack.db.db);

    expect(await purgeIdempotencyKeys(deps)).toBeGreaterThanOrEqual(1);

    // The old key is free again: another request under it is answered afresh, not refused.
    const reused = await plan(['EIA-FORM'], oldKey);
    expect(reused.status).toBe(200);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    // The newer key is kept: the same request is replayed, another one refused.
    expect((await plan(['PROJECT-FILING'], newKey)).headers.get('idempotent-replayed')).toBe('true');
    expect((await plan(['EIA-FORM'], newKey)).status).toBe(409);
  });
});

describe('case numbers and query passwords', () => {
  it('when launches arrive at once, then each gets the next number of the year, none twice, and only readers who hand it out see the password', async () => {
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const launched = await Promise.all(
      Array.from({ length: 8 }, (_, i) => officer.post('/api/applications', bodyNamed(`编号测试-${i}`))),
    );
    for (const r of launched) expect(r.status).toBe(201);
    const numbers = launched.map((r) => r.body.caseNo as string);
    for (const no of numbers) expect(no).toMatch(new RegExp(`^GH-${year}-\\d{6}$`));
    const serials = numbers.map((no) => Number(no.slice(-6))).sort((a, b) => a - b);
    // Consecutive: none skipped, none given twice.
    expect(serials).toEqual(serials.map((_, i) => serials[0]! + i));

    const first = launched[0]!.body as { id: string; caseNo: string; queryPassword: string };
    expect(first.queryPassword).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    const asOfficer = await officer.get(`/api/applications/${first.id}`);
    expect(asOfficer.body).toMatchObject({ caseNo: first.caseNo, queryPassword: first.queryPassword });
    const asStaff = await drc.get(`/api/applications/${first.id}`);
    expect(asStaff.status).toBe(200);
    expect(asStaff.body.caseNo).toBe(first.caseNo);
    expect(asStaff.body).not.toHaveProperty('queryPassword');

    // The number finds the application in the officer's search, and the timeline records it.
    expect((await applicationsNamed(first.caseNo)).map((a) => a.id)).toEqual([first.id]);
    const timeline = (await officer.get(`/api/applications/${first.id}/timeline`)).body as Array<{
      type: string;
      detail: { caseNo?: string };
    }>;
    expect(timeline.find((e) => e.type === 'application_created')?.detail.caseNo).toBe(first.caseNo);
  });
});
