// The versioned catalog, deemed consent (超时默许), special procedures on the record and the
// extension's legal cap, through the HTTP API on the training clock (one working day = 2 s):
// a catalog change leaves a running step on its version (limit, fee, the red light at its own
// deadline) while a new application takes the new one; an opinion under deemed consent is approved
// as deemed at its deadline; a special procedure issues its written notice and ends by itself at
// its limit; an extension past the statutory limit plus 10 working days is refused naming the days left.
import { startBackgroundJobs, type BackgroundJobs } from '../../api/background';
import { createLogger } from '../../lib/logger';
import { DEFAULT_CLOCK_POLICY } from '../../workflows/shared';
import { applicationBody } from '../helpers/fixtures';
import { pdfText, squash } from '../helpers/pdf';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const WORKDAY_MS = 2000;

let stack: Stack;
let jobs: BackgroundJobs | undefined;
const as: Record<string, ApiClient> = {};

beforeAll(async () => {
  stack = await startStack({
    workdaySeconds: WORKDAY_MS / 1000,
    // A short inspection, so that the test sees it end by itself.
    clockPolicy: { ...DEFAULT_CLOCK_POLICY, specialProcedureLimits: { inspection: 2 } },
  });
  jobs = startBackgroundJobs({
    config: stack.config,
    db: stack.db.db,
    temporal: stack.client,
    log: createLogger('silent'),
  });
  for (const u of ['admin', 'officer', 'supervisor', 'staff.drc', 'staff.eeb']) {
    as[u] = await ApiClient.login(stack.baseUrl, u);
  }
});

afterAll(async () => {
  await jobs?.stop();
  await stack?.stop();
});

const matter = (overrides: Record<string, unknown> = {}) => ({
  name: '临时占用草原审核',
  departmentCode: 'DRC',
  caseType: 'promised',
  legalBasis: '《中华人民共和国草原法》',
  conditions: '符合草原保护规划',
  procedure: '受理 → 审查 → 决定',
  materials: ['临时占用草原申请书'],
  statutoryLimitDays: 10,
  promisedLimitDays: 3,
  fee: { amountFen: 10_000, basis: '工本费（测试）' },
  prerequisites: [],
  stage: 1,
  ...overrides,
});

const ok = async <T = any>(r: Promise<{ status: number; body: T }>): Promise<T> => {
  const res = await r;
  if (res.status >= 300) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Launches an application of one matter and answers its step once the workflow has reported it. */
async function launch(code: string) {
  const created = await ok(as.officer!.post('/api/applications', applicationBody([code])));
  const step = created.steps.find((s: any) => s.matterCode === code);
  await eventually(async () => (await as.officer!.get(`/api/steps/${step.id}`)).body.acceptanceDeadline);
  return { appId: created.id as string, stepId: step.id as string, launched: step };
}

const stepView = async (id: string, client = as.supervisor!) => (await client.get(`/api/steps/${id}`)).body;

describe('a versioned catalog', () => {
  it('when an admin changes a matter, then a running step keeps its version (limit, fee, deadline) and a new application runs on the new one', async () => {
    const v1 = await ok(as.admin!.request('PUT', '/api/matters/GRASS-USE', matter()));
    expect(v1).toMatchObject({ code: 'GRASS-USE', version: 1, promisedLimitDays: 3, deemedConsent: false });

    const running = await launch('GRASS-USE');
    expect(running.launched).toMatchObject({ matterVersion: 1, promisedLimitDays: 3, statutoryLimitDays: 10 });
    const accepted = await ok(as['staff.drc']!.post(`/api/steps/${running.stepId}/accept`));
    expect(Date.parse(accepted.deadline) - Date.parse(accepted.acceptedAt)).toBe(3 * WORKDAY_MS);

    // Read, edit, write back: a new version, effective now.
    const read = (await new ApiClient(stack.baseUrl).get('/api/matters/GRASS-USE')).body;
    const edited = {
      ...read,
      promisedLimitDays: 8,
      fee: { amountFen: 20_000, basis: '工本费（调整后）' },
      materials: [...read.materials, '草原植被恢复方案'],
    };
    const v2 = await as.admin!.request('PUT', '/api/matters/GRASS-USE', edited, { 'If-Match': '1' });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, promisedLimitDays: 8, fee: { amountFen: 20_000 } });
    // Another admin who read version 1 too: one winner, a clear 409 for the other.
    const stale = await as.admin!.request(
      'PUT',
      '/api/matters/GRASS-USE',
      { ...read, promisedLimitDays: 2 },
      {
        'If-Match': '1',
      },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ reason: 'matter_changed', params: { version: 2 } });
    // Writing the same again changes nothing: no version 3.
    expect((await ok(as.admin!.request('PUT', '/api/matters/GRASS-USE', edited))).version).toBe(2);

    const history = await ok(new ApiClient(stack.baseUrl).get('/api/matters/GRASS-USE/versions'));
    expect(history.map((v: any) => [v.version, v.promisedLimitDays, v.fee.amountFen, v.materials.length])).toEqual([
      [2, 8, 20_000, 2],
      [1, 3, 10_000, 1],
    ]);
    expect(Date.parse(history[0].effectiveFrom)).toBeGreaterThanOrEqual(Date.parse(history[1].effectiveFrom));
    expect(history[0].createdBy).toMatchObject({ displayName: expect.any(String) });
    expect((await new ApiClient(stack.baseUrl).get('/api/matters/NO-SUCH/versions')).status).toBe(404);
    // The service guide shows the current version.
    expect((await new ApiClient(stack.baseUrl).get('/api/matters/GRASS-USE')).body).toMatchObject({
      version: 2,
      promisedLimitDays: 8,
    });

    // The running step is untouched: its version, limit, fee and deadline, and it turns red at that deadline.
    const kept = await stepView(running.stepId);
    expect(kept).toMatchObject({
      matterVersion: 1,
      promisedLimitDays: 3,
      fee: { amountFen: 10_000 },
      deadline: accepted.deadline,
    });
    const red = await eventually(async () => {
      const s = await stepView(running.stepId);
      return s.light === 'red' && s;
    }, 30_000);
    expect(red.deadline).toBe(accepted.deadline);

    // A new application runs on version 2.
    const fresh = await launch('GRASS-USE');
    expect(fresh.launched).toMatchObject({ matterVersion: 2, promisedLimitDays: 8, fee: { amountFen: 20_000 } });
    const freshAccepted = await ok(as['staff.drc']!.post(`/api/steps/${fresh.stepId}/accept`));
    expect(Date.parse(freshAccepted.deadline) - Date.parse(freshAccepted.acceptedAt)).toBe(8 * WORKDAY_MS);
    // Each step answers what its caller may do now, by the same rules the workflow keeps.
    expect((await stepView(fresh.stepId)).allowedActions).toEqual(['extend', 'urge']);
    expect((await stepView(fresh.stepId, as['staff.drc']!)).allowedActions).toEqual(
      expect.arrayContaining(['request_supplement', 'start_special_procedure', 'reject', 'reassign']),
    );
  });
});

describe('two admins saving one matter at once', () => {
  it('when both saves carry the version they read, then one makes the next version and the other gets 409, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const read = (await new ApiClient(stack.baseUrl).get('/api/matters/GRASS-USE')).body;
      const save = (materials: string[]) =>
        as.admin!.request(
          'PUT',
          '/api/matters/GRASS-USE',
          { ...read, materials },
          { 'If-Match': String(read.version) },
        );
      const answers = await Promise.all([
        save([...read.materials, `甲 ${round}`]),
        save([...read.materials, `乙 ${round}`]),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(answers.find((a) => a.status === 409)!.body.error.reason).toBe('matter_changed');
      const versions = await ok(new ApiClient(stack.baseUrl).get('/api/matters/GRASS-USE/versions'));
      expect(versions[0].version).toBe(read.version + 1);
    }
  });
});

describe('deemed consent (超时默许)', () => {
  it('when an opinion under deemed consent is not answered by its deadline, then it is recorded as consent and the department and the supervisors are told', async () => {
    const refused = await as.admin!.request(
      'PUT',
      '/api/matters/EIA-OPINION',
      matter({ name: '环保部门联审意见', departmentCode: 'EEB', deemedConsent: true }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'body.deemedConsent' })]);
    await ok(
      as.admin!.request(
        'PUT',
        '/api/matters/EIA-OPINION',
        matter({
          name: '环保部门联审意见',
          departmentCode: 'EEB',
          fee: null,
          promisedLimitDays: 1,
          deemedConsent: true,
        }),
      ),
    );
    const { appId, stepId, launched } = await launch('EIA-OPINION');
    expect(launched.deemedConsentPolicy).toBe(true);
    await ok(as['staff.eeb']!.post(`/api/steps/${stepId}/accept`));
    const deemed = await eventually(async () => {
      const s = await stepView(stepId);
      return s.status === 'approved' && s;
    }, 30_000);
    expect(deemed).toMatchObject({ outcome: 'approved', deemedConsent: true, overdue: false, light: 'none' });
    const timeline = await ok(as.supervisor!.get(`/api/applications/${appId}/timeline`));
    const types = timeline.filter((e: any) => e.stepId === stepId).map((e: any) => e.type);
    expect(types).toContain('step_deemed_consent');
    expect(types).not.toContain('step_overdue');
    const cases = await ok(as.supervisor!.get('/api/supervision/cases?pageSize=200'));
    expect(cases.filter((c: any) => c.stepId === stepId)).toEqual([]);
    for (const reader of [as['staff.eeb']!, as.supervisor!]) {
      const notices = await ok(reader.get('/api/notifications?pageSize=200'));
      expect(notices.filter((n: any) => n.stepId === stepId && n.code === 'step_deemed_consent')).toHaveLength(1);
    }
    // The application goes on as after an approval: this was its only step.
    await eventually(async () => (await ok(as.supervisor!.get(`/api/applications/${appId}`))).status === 'completed');
  });
});

describe('special procedures and extensions', () => {
  it('when a special procedure starts, then the applicant gets its written notice, the step shows its limit, and it ends by itself there', async () => {
    await ok(
      as.admin!.request(
        'PUT',
        '/api/matters/REVIEW-X',
        matter({ promisedLimitDays: 10, statutoryLimitDays: 20, fee: null }),
      ),
    );
    const { appId, stepId } = await launch('REVIEW-X');
    await ok(as['staff.drc']!.post(`/api/steps/${stepId}/accept`));

    const noApprover = await as['staff.drc']!.post(`/api/steps/${stepId}/special-procedure`, {
      procedure: 'inspection',
      reason: '需对设备进行检验',
    });
    expect(noApprover.status).toBe(400);
    expect(noApprover.body.error.details).toEqual([expect.objectContaining({ field: 'body.approvedBy' })]);
    const started = await ok(
      as['staff.drc']!.post(`/api/steps/${stepId}/special-procedure`, {
        procedure: 'inspection',
        reason: '需对设备进行检验',
        approvedBy: '赵主任',
      }),
    );
    expect(started.pause).toMatchObject({
      kind: 'special',
      procedure: 'inspection',
      limitDays: 2,
      approvedBy: '赵主任',
    });
    expect(Date.parse(started.pause.endsAt) - Date.parse(started.pause.since)).toBe(2 * WORKDAY_MS);
    expect(started.allowedActions).toContain('end_special_procedure');

    // The written notice (特别程序告知书), issued like the center's other documents.
    const notice = await eventually(async () => {
      const docs = (await as.officer!.get(`/api/applications/${appId}/documents`)).body as any[];
      return docs.find((d) => d.kind === 'special_procedure_notice');
    }, 30_000);
    expect(notice).toMatchObject({ title: '特别程序告知书', stepId });
    const res = await fetch(`${stack.baseUrl}/api/documents/${notice.id}`, {
      headers: { authorization: `Bearer ${as.officer!.token}` },
    });
    const text = await pdfText(Buffer.from(await res.arrayBuffer()));
    for (const s of ['特别程序告知书', '检验', '需对设备进行检验', '2个工作日', '赵主任', '第四十五条']) {
      expect(text).toContain(squash(s));
    }

    const ended = await eventually(async () => {
      const s = await stepView(stepId);
      return s.pause === null && s;
    }, 30_000);
    expect(ended.specialProcedures).toEqual([
      expect.objectContaining({ procedure: 'inspection', endedBy: 'limit', limitDays: 2, pausedWorkdays: 2 }),
    ]);
    expect(ended.pausedWorkdays).toBe(2);
  });

  it('when an extension would pass the statutory limit plus 10 working days, then 400 names the days still allowed; beyond the statutory limit the head is named', async () => {
    const { stepId } = await launch('REVIEW-X');
    await ok(as['staff.drc']!.post(`/api/steps/${stepId}/accept`));
    // Promised 10, statutory 20: 20 more at most, the last 10 with the head's approval.
    expect((await stepView(stepId)).extensionDaysAllowed).toBe(20);
    const tooMany = await as.supervisor!.post(`/api/steps/${stepId}/extension`, {
      workdays: 21,
      reason: '需补充论证',
      approvedBy: '钱局长',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({
      reason: 'extension_exceeds_legal_cap',
      params: { maxWorkdays: 20, statutoryLimitDays: 20, legalExtensionDays: 10 },
      details: [expect.objectContaining({ field: 'body.workdays' })],
    });
    const noHead = await as.supervisor!.post(`/api/steps/${stepId}/extension`, { workdays: 15, reason: '需补充论证' });
    expect(noHead.status).toBe(400);
    expect(noHead.body.error).toMatchObject({
      reason: 'head_approval_required',
      details: [expect.objectContaining({ field: 'body.approvedBy' })],
    });
    const extended = await ok(
      as.supervisor!.post(`/api/steps/${stepId}/extension`, {
        workdays: 15,
        reason: '需补充论证',
        approvedBy: '钱局长',
      }),
    );
    expect(extended).toMatchObject({
      extensionDays: 15,
      extension: { workdays: 15, reason: '需补充论证', approvedBy: '钱局长' },
      extensionDaysAllowed: 5,
    });
    expect(extended.allowedActions).not.toContain('extend');
    expect(Date.parse(extended.deadline) - Date.parse(extended.acceptedAt)).toBe(25 * WORKDAY_MS);
  });
});
