// Free text and names never sit readable in Temporal: a history read straight from the server holds
// none of them; the Web UI's codec endpoint opens the payloads for supervisors and admins only.
import { temporal } from '@temporalio/proto';
import { stepWorkflowId, applicationWorkflowId } from '../../workflows/shared';
import { applicationBody } from '../helpers/fixtures';
import { decryptedText, payloadsOf } from '../helpers/history';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let officer: ApiClient;
let drc: ApiClient;
let supervisor: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  [officer, drc, supervisor] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'supervisor'),
  ]);
});

afterAll(() => stack?.stop());

const FREE_TEXT = {
  project: '北山秘密矿泉水项目',
  items: '缺少水资源论证报告原件',
  reason: '申报材料与现场踏勘情况不一致',
  note: '已由投资人补齐原件',
  rejection: '选址位于水源保护区内不符合规划',
};

async function rawHistory(workflowId: string) {
  const { history } = await stack.env.client.workflowService.getWorkflowExecutionHistory({
    namespace: stack.env.namespace ?? 'default',
    execution: { workflowId },
  });
  return history!;
}

let stepHistory: temporal.api.history.v1.IHistory;

it('when a review carries reasons, items, notes and names, then none of them is readable in the history Temporal keeps', async () => {
  const body = applicationBody(['PROJECT-FILING']);
  const launched = await officer.post('/api/applications', {
    ...body,
    project: { ...body.project, name: FREE_TEXT.project },
  });
  expect(launched.status).toBe(201);
  const step = launched.body.steps[0];
  expect((await drc.post(`/api/steps/${step.id}/accept`)).status).toBe(200);
  expect(
    (await drc.post(`/api/steps/${step.id}/supplement-request`, { items: [FREE_TEXT.items], reason: FREE_TEXT.reason }))
      .status,
  ).toBe(200);
  expect((await officer.post(`/api/steps/${step.id}/supplement`, { note: FREE_TEXT.note })).status).toBe(200);
  expect(
    (await drc.post(`/api/steps/${step.id}/decision`, { outcome: 'rejected', reason: FREE_TEXT.rejection })).status,
  ).toBe(200);

  // The decision answers once the step's workflow has taken it; its parent records the outcome a
  // moment later (the application then needs attention). Read both histories after that.
  for (let i = 0; i < 100; i++) {
    if ((await officer.get(`/api/applications/${launched.body.id}`)).body.status === 'needs_attention') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await officer.get(`/api/applications/${launched.body.id}`)).body.status).toBe('needs_attention');

  stepHistory = await rawHistory(stepWorkflowId(launched.body.id, 'PROJECT-FILING'));
  const histories = [stepHistory, await rawHistory(applicationWorkflowId(launched.body.id))];
  const secrets = [...Object.values(FREE_TEXT), '李明', '根河新能源有限公司', '13800000000', '王代办', '窗口'];
  for (const history of histories) {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const secret of secrets)
      expect({ secret, found: bytes.includes(Buffer.from(secret)) }).toEqual({ secret, found: false });
    const payloads = payloadsOf(history.events);
    expect(payloads.length).toBeGreaterThan(history === stepHistory ? 10 : 2);
    const plainOnes = history.events!.flatMap((e) =>
      payloadsOf(e)
        .filter((p) => Buffer.from(p.metadata!.encoding!).toString() !== 'binary/encrypted')
        .map((p) => `${e.eventType}: ${Buffer.from(p.data!).toString('utf8').slice(0, 80)}`),
    );
    expect(plainOnes).toEqual([]);
  }
  // And the application reads back whole through the API.
  const step2 = (await officer.get(`/api/steps/${step.id}`)).body;
  expect(step2).toMatchObject({ status: 'rejected' });
});

it('when the payloads are decrypted, then the investor personal data is still not in them (it stays in PostgreSQL)', async () => {
  const opened = await decryptedText(stepHistory, stack.config.payloadKeys);
  // The check sees what the workflow carries: the decision's reason is there …
  expect(opened).toContain(FREE_TEXT.rejection);
  // … the investor is not.
  const { investor } = applicationBody([]);
  for (const value of [investor.name, investor.creditCode, investor.contactName, investor.phone]) {
    expect({ value, found: opened.includes(value) }).toEqual({ value, found: false });
  }
});

describe('the codec endpoint of the Temporal Web UI', () => {
  const wire = (p: temporal.api.common.v1.IPayload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });
  const decodedText = (body: { payloads: Array<{ data: string }> }) =>
    body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');

  it('opens the payloads for a supervisor (token or the cookie set at sign-in), and for nobody else', async () => {
    const payloads = payloadsOf(stepHistory.events).map(wire);
    const asSupervisor = await supervisor.post('/codec/decode', { payloads });
    expect(asSupervisor.status).toBe(200);
    expect(decodedText(asSupervisor.body)).toContain(FREE_TEXT.rejection);

    const login = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: 'demo1234' }),
    });
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/ja_codec=.+; Max-Age=\d+; Path=\/codec; .*HttpOnly; SameSite=Strict/);
    const viaCookie = await new ApiClient(stack.baseUrl).post(
      '/codec/decode',
      { payloads },
      { cookie: setCookie.split(';')[0]! },
    );
    expect(viaCookie.status).toBe(200);
    expect(decodedText(viaCookie.body)).toContain(FREE_TEXT.items);

    expect((await officer.post('/codec/decode', { payloads })).status).toBe(403);
    expect((await drc.post('/codec/decode', { payloads })).status).toBe(403);
    expect((await new ApiClient(stack.baseUrl).post('/codec/decode', { payloads })).status).toBe(401);
    // An officer signing in gets no cookie.
    const officerLogin = await fetch(`${stack.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer', password: 'demo1234' }),
    });
    expect(officerLogin.headers.get('set-cookie') ?? '').not.toMatch(/ja_codec=[^;]+;/);
  });

  it('answers the Web UI origin with CORS and credentials, and names an unknown key id', async () => {
    const uiOrigin = new URL(stack.config.temporalUiUrl).origin;
    const preflight = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: uiOrigin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const [sealed] = payloadsOf(stepHistory.events).map(wire);
    const foreign = {
      ...sealed!,
      metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('k9').toString('base64') },
    };
    const r = await supervisor.post('/codec/decode', { payloads: [foreign] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("unknown key id 'k9'");
    expect((await supervisor.post('/codec/decode', { payloads: 'x' })).status).toBe(400);
  });
});
