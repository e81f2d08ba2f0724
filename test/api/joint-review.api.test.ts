// The foundation slice through the real stack: PostgreSQL, a Temporal dev server, the
// worker and the HTTP API on a random port, driven as the people at the windows would.
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';
import { applicationBody } from '../helpers/fixtures';

let stack: Stack;
let officer: ApiClient;
let drc: ApiClient;
let nrb: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  [officer, drc, nrb] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'staff.nrb'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

const countRows = async () => {
  const [apps, steps, events] = await Promise.all(
    (['applications', 'steps', 'events'] as const).map((t) =>
      stack.db.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  return { applications: Number(apps!.n), steps: Number(steps!.n), events: Number(events!.n) };
};

describe('a joint review through the API', () => {
  it('when the officer launches a review and both departments approve, then the application completes', async () => {
    const created = await officer.post('/api/applications', applicationBody(['LAND-PREREVIEW']));
    expect(created.status).toBe(201);
    const app = created.body;
    expect(app.id).toMatch(/^JA\d{13}$/);
    expect(app.status).toBe('in_progress');
    // The forgotten prerequisite (project filing) is part of the plan.
    const byMatter = Object.fromEntries(app.steps.map((s: any) => [s.matterCode, s]));
    expect(byMatter['PROJECT-FILING'].status).toBe('submitted');
    expect(byMatter['LAND-PREREVIEW'].status).toBe('blocked');
    const filingId = byMatter['PROJECT-FILING'].id;
    const landId = byMatter['LAND-PREREVIEW'].id;

    // The dependent step cannot be accepted while it is blocked.
    expect((await nrb.post(`/api/steps/${landId}/accept`)).status).toBe(409);
    // Another department's staff may not act.
    const foreign = await nrb.post(`/api/steps/${filingId}/accept`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');

    // The DRC window sees the step in its inbox and accepts it: the deadline is set.
    const inbox = await drc.get('/api/inbox');
    expect(inbox.body.map((s: any) => s.id)).toContain(filingId);
    const accepted = await drc.post(`/api/steps/${filingId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('in_review');
    expect(Date.parse(accepted.body.deadline)).toBeGreaterThan(Date.parse(accepted.body.acceptedAt));
    // A 1-working-day limit has one day left from the start: yellow at once.
    expect(accepted.body.light).toBe('yellow');
    // Accepting twice does not fit the state.
    const again = await drc.post(`/api/steps/${filingId}/accept`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/in_review/);

    const approved = await drc.post(`/api/steps/${filingId}/decision`, {
      outcome: 'approved',
      certificateNo: 'BA-2026-001',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', outcome: 'approved', light: 'none', overdue: false });

    // Its dependent starts once the filing is approved.
    await eventually(async () => {
      const a = await officer.get(`/api/applications/${app.id}`);
      return a.body.steps.find((s: any) => s.id === landId).status === 'submitted';
    });
    expect((await nrb.post(`/api/steps/${landId}/accept`)).status).toBe(200);
    expect((await nrb.post(`/api/steps/${landId}/decision`, { outcome: 'approved' })).status).toBe(200);

    const done = await eventually(async () => {
      const a = await officer.get(`/api/applications/${app.id}`);
      return a.body.status === 'completed' && a.body;
    });
    expect(done.steps.every((s: any) => s.status === 'approved')).toBe(true);

    // The timeline tells the whole story, oldest first, with the people who acted.
    const timeline = await officer.get(`/api/applications/${app.id}/timeline`);
    expect(timeline.body.map((e: any) => e.type)).toEqual([
      'application_created',
      'step_submitted',
      'step_accepted',
      'step_approved',
      'step_submitted',
      'step_accepted',
      'step_approved',
      'application_completed',
    ]);
    expect(timeline.body[2].actor.displayName).toBe('发展和改革委员会窗口');
    expect(timeline.body[0].detail.addedPrerequisites).toEqual(['PROJECT-FILING']);

    // Staff of a department with a step read the application; their own steps in full.
    const seenByNrb = await nrb.get(`/api/applications/${app.id}`);
    expect(seenByNrb.status).toBe(200);
    expect(seenByNrb.body.steps.find((s: any) => s.id === filingId).deadline).toBeUndefined();
    expect(seenByNrb.body.steps.find((s: any) => s.id === landId).deadline).toEqual(expect.any(String));
    // Staff of a department without a step may not.
    const eeb = await ApiClient.login(stack.baseUrl, 'staff.eeb');
    expect((await eeb.get(`/api/applications/${app.id}`)).status).toBe(403);

    // The application workflow is visible in Temporal under its business id.
    const described = await stack.client.workflow.getHandle(`application-${app.id}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it('when the same Idempotency-Key is sent twice, then one application exists; with another body, 409', async () => {
    const body = applicationBody(['PROJECT-FILING']);
    const first = await officer.post('/api/applications', body, { 'Idempotency-Key': 'launch-1' });
    const second = await officer.post('/api/applications', body, { 'Idempotency-Key': 'launch-1' });
    expect(first.status).toBe(201);
    // The first answer again, replayed; nothing was launched twice.
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const other = await officer.post('/api/applications', applicationBody(['EIA-FORM']), {
      'Idempotency-Key': 'launch-1',
    });
    expect(other.status).toBe(409);
  });

  it('when the first request under a key was lost with its process, then the key is freed instead of blocking forever', async () => {
    const me = (await officer.get('/api/me')).body;
    const body = applicationBody(['PROJECT-FILING']);
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256')
      .update(`POST /api/applications\n${JSON.stringify(body)}`)
      .digest('hex');
    // A pending record ten minutes old: its request died before answering.
    await stack.db.db
      .insertInto('idempotency_keys')
      .values({
        user_id: me.id,
        key: 'lost-2',
        request_hash: hash,
        status_code: null,
        response: null,
        created_at: new Date(Date.now() - 600_000),
      })
      .execute();
    const lost = await officer.post('/api/applications', body, { 'Idempotency-Key': 'lost-2' });
    expect(lost.status).toBe(409);
    expect(lost.body.error.message).toMatch(/lost/);
    const again = await officer.post('/api/applications', body, { 'Idempotency-Key': 'lost-2' });
    expect(again.status).toBe(201);
  });

  it('when a rejection has no reasons, then it is refused naming the field', async () => {
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const stepId = created.body.steps[0].id;
    await drc.post(`/api/steps/${stepId}/accept`);
    const r = await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'rejected' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    const rejected = await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'rejected', reason: '不符合产业政策' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '不符合产业政策' });
    await eventually(
      async () => (await officer.get(`/api/applications/${created.body.id}`)).body.status === 'needs_attention',
    );
  });
});

describe('bad input', () => {
  it('when the body is malformed, then 400 and nothing is written', async () => {
    const before = await countRows();
    const cases: Array<[unknown, string[]]> = [
      ['{"project": ', ['body']],
      [{ ...applicationBody(['PROJECT-FILING']), extra: 1 }, ['body.extra']],
      [{ ...applicationBody(['PROJECT-FILING']), matters: undefined }, ['body.matters']],
      [applicationBody(['NO-SUCH-MATTER']), ['body.matters']],
      [
        applicationBody(['PROJECT-FILING'], {
          investor: { name: '某公司', creditCode: '91150785MA0N2XY41A', contactName: '李明', phone: '12345' },
        }),
        ['body.investor.creditCode', 'body.investor.phone'],
      ],
      [
        applicationBody(['PROJECT-FILING'], {
          project: { name: '', code: '26-1', investmentWanYuan: -1, location: 'x', industry: 'y' },
        }),
        ['body.project.name', 'body.project.code', 'body.project.investmentWanYuan'],
      ],
    ];
    for (const [body, fields] of cases) {
      const r = await officer.post('/api/applications', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.details.map((d: any) => d.field).sort()).toEqual([...fields].sort());
    }
    expect(await countRows()).toEqual(before);
  });

  it('when the body is over 1 MB, then 413', async () => {
    const r = await officer.post('/api/applications', { padding: 'x'.repeat(1_100_000) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
  });

  it('when a role may not launch reviews, then 403; without a token, 401', async () => {
    expect((await drc.post('/api/applications', applicationBody(['PROJECT-FILING']))).status).toBe(403);
    expect(
      (await new ApiClient(stack.baseUrl).post('/api/applications', applicationBody(['PROJECT-FILING']))).status,
    ).toBe(401);
    expect((await new ApiClient(stack.baseUrl, 'not-a-token').get('/api/me')).status).toBe(401);
  });
});

describe('sign-in', () => {
  it('when the password is wrong, then 401 without saying which part; after repeated failures, 429', async () => {
    const anon = new ApiClient(stack.baseUrl);
    const wrongPassword = await anon.post('/api/auth/login', { username: 'cashier', password: 'nope' });
    const wrongUser = await anon.post('/api/auth/login', { username: 'nobody', password: 'nope' });
    expect(wrongPassword.status).toBe(401);
    expect(wrongUser.body).toEqual(wrongPassword.body);
    for (let i = 0; i < 4; i++) await anon.post('/api/auth/login', { username: 'cashier', password: 'nope' });
    const locked = await anon.post('/api/auth/login', { username: 'cashier', password: 'demo1234' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    // Another account is not locked by it.
    expect((await anon.post('/api/auth/login', { username: 'supervisor', password: 'demo1234' })).status).toBe(200);
  });

  it('when signed in, then /api/me names the user and role', async () => {
    const me = await drc.get('/api/me');
    expect(me.body).toMatchObject({ username: 'staff.drc', role: 'staff', departmentCode: 'DRC' });
  });
});

describe('health', () => {
  it('when the database and Temporal answer, then ok', async () => {
    const r = await new ApiClient(stack.baseUrl).get('/healthz');
    expect(r).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
