// The matter catalog (service guide) and its administration; steps reassigned within a department;
// special procedures that stop the clock.
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let admin: ApiClient;
let officer: ApiClient;

beforeAll(async () => {
  stack = await startStack();
  admin = await ApiClient.login(stack.baseUrl, 'admin');
  officer = await ApiClient.login(stack.baseUrl, 'officer');
});

afterAll(async () => {
  await stack?.stop();
});

const matter = (overrides: Record<string, unknown> = {}) => ({
  name: '取水许可',
  departmentCode: 'WRB',
  caseType: 'promised',
  legalBasis: '《取水许可和水资源费征收管理条例》',
  conditions: '符合水资源规划',
  procedure: '受理 → 审查 → 决定',
  materials: ['取水许可申请书', '建设项目水资源论证报告'],
  statutoryLimitDays: 20,
  promisedLimitDays: 10,
  fee: null,
  prerequisites: ['PROJECT-FILING'],
  stage: 1,
  ...overrides,
});

describe('matter catalog', () => {
  it('when anyone reads the service guide, then every matter shows its five publics', async () => {
    const guide = await new ApiClient(stack.baseUrl).get('/api/matters');
    expect(guide.status).toBe(200);
    const permit = guide.body.find((m: any) => m.code === 'CONSTRUCTION-PERMIT');
    expect(permit).toMatchObject({
      departmentCode: 'HUD',
      promisedLimitDays: 5,
      statutoryLimitDays: 15,
      prerequisites: ['WORKS-PLANNING', 'FIRE-DESIGN', 'EIA-FORM', 'FOREST-LAND'],
      stage: 3,
    });
    for (const key of ['legalBasis', 'procedure', 'conditions', 'materials', 'fee']) expect(permit).toHaveProperty(key);
  });

  it('when an admin adds a matter whose prerequisites close a cycle, then 400 names the cycle and nothing changes', async () => {
    expect((await admin.request('PUT', '/api/matters/WATER-INTAKE', matter())).status).toBe(200);
    const cyclic = await admin.request('PUT', '/api/matters/PROJECT-FILING', {
      ...matter({ name: '企业投资项目备案', departmentCode: 'DRC', statutoryLimitDays: 3, promisedLimitDays: 1 }),
      prerequisites: ['WATER-INTAKE'],
    });
    expect(cyclic.status).toBe(400);
    expect(cyclic.body.error.message).toMatch(/PROJECT-FILING → WATER-INTAKE → PROJECT-FILING/);
    expect((await officer.get('/api/matters/PROJECT-FILING')).body.prerequisites).toEqual([]);
    expect((await officer.request('PUT', '/api/matters/WATER-INTAKE', matter())).status).toBe(403);
    const bad = await admin.request('PUT', '/api/matters/WATER-INTAKE', matter({ promisedLimitDays: 30 }));
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'body.promisedLimitDays' })]);
  });

  it('when an admin writes back what GET answers, edited, then it is saved with its audit row; another code or an unknown field is refused', async () => {
    const created = await admin.request(
      'PUT',
      '/api/matters/RIVER-USE',
      matter({ name: '河道管理范围内建设项目审批' }),
    );
    expect(created.status).toBe(200);
    const read = await new ApiClient(stack.baseUrl).get('/api/matters/RIVER-USE');
    expect(read.body.code).toBe('RIVER-USE');
    // The GET answer as it is, edited, with read-only fields a newer GET may carry: accepted, the latter ignored.
    const edited = { ...read.body, promisedLimitDays: 8, materials: [...read.body.materials, '河道位置图'] };
    const written = await admin.request('PUT', '/api/matters/RIVER-USE', {
      ...edited,
      version: 2,
      effectiveFrom: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    });
    expect(written.status).toBe(200);
    // A new version of it, effective now (the read-only fields sent were ignored).
    const saved = { ...edited, version: 2, effectiveFrom: expect.any(String) };
    expect(written.body).toEqual(saved);
    expect(Date.parse(written.body.effectiveFrom)).toBeGreaterThan(Date.parse(read.body.effectiveFrom) - 1);
    expect((await officer.get('/api/matters/RIVER-USE')).body).toEqual(saved);
    const audit = await admin.get('/api/audit');
    expect(audit.body.filter((a: any) => a.action === 'matter_saved' && a.target === 'RIVER-USE')).toHaveLength(2);

    const otherCode = await admin.request('PUT', '/api/matters/RIVER-USE', { ...edited, code: 'WATER-INTAKE' });
    expect(otherCode.status).toBe(400);
    expect(otherCode.body.error.details).toEqual([expect.objectContaining({ field: 'body.code' })]);
    const unknownField = await admin.request('PUT', '/api/matters/RIVER-USE', { ...edited, colour: 'blue' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.details).toEqual([expect.objectContaining({ field: 'body.colour' })]);
    expect((await officer.get('/api/matters/RIVER-USE')).body).toEqual(saved);
  });

  it('when the officer previews a plan, then forgotten prerequisites are added and stages shown', async () => {
    const plan = await officer.post('/api/plan', { matters: ['CONSTRUCTION-PERMIT'] });
    expect(plan.status).toBe(200);
    expect(plan.body.steps.map((s: any) => [s.matterCode, s.level])).toEqual([
      ['PROJECT-FILING', 0],
      ['EIA-FORM', 1],
      ['FOREST-LAND', 1],
      ['LAND-PREREVIEW', 1],
      ['LAND-USE-PLANNING', 2],
      ['WORKS-PLANNING', 3],
      ['FIRE-DESIGN', 4],
      ['CONSTRUCTION-PERMIT', 5],
    ]);
    expect(plan.body.addedPrerequisites).toHaveLength(7);
    expect(plan.body.promisedWorkdaysOnCriticalPath).toBe(1 + 10 + 7 + 7 + 10 + 5);
  });
});

describe('work inside one department', () => {
  it('when staff reassign a step, then only a colleague of the same department can take it', async () => {
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const stepId = created.body.steps[0].id;
    const drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
    const colleague = await admin.post('/api/users', {
      username: 'drc.li',
      password: 'password-1',
      displayName: '李审批',
      role: 'staff',
      departmentCode: 'DRC',
    });
    expect(colleague.status).toBe(201);
    const nrbUser = (await admin.get('/api/users')).body.find((u: any) => u.username === 'staff.nrb');
    const wrong = await drc.post(`/api/steps/${stepId}/reassign`, { assigneeId: nrbUser.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe('body.assigneeId');
    const moved = await drc.post(`/api/steps/${stepId}/reassign`, { assigneeId: colleague.body.id });
    expect(moved.body.assignee).toEqual({ id: colleague.body.id, displayName: '李审批' });
  });

  it('when a special procedure runs, then the clock pauses and resumes with the reason recorded', async () => {
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    const stepId = created.body.steps[0].id;
    const drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
    await drc.post(`/api/steps/${stepId}/accept`);
    const started = await drc.post(`/api/steps/${stepId}/special-procedure`, {
      procedure: 'expert_review',
      reason: '需组织专家评审',
      approvedBy: '孙主任',
    });
    expect(started.body.pause).toMatchObject({
      kind: 'special',
      procedure: 'expert_review',
      reason: '需组织专家评审',
      approvedBy: '孙主任',
      limitDays: 15,
    });
    const twice = await drc.post(`/api/steps/${stepId}/special-procedure`, {
      procedure: 'hearing',
      reason: 'x',
      approvedBy: '孙主任',
    });
    expect(twice.status).toBe(409);
    const ended = await drc.post(`/api/steps/${stepId}/special-procedure/end`, { note: '专家意见已出具' });
    expect(ended.body.pause).toBeNull();
    const timeline = await eventually(async () => {
      const t = await officer.get(`/api/applications/${created.body.id}/timeline`);
      return t.body.some((e: any) => e.type === 'special_procedure_ended') && t.body;
    });
    expect(timeline.find((e: any) => e.type === 'special_procedure_started').detail.reason).toBe('需组织专家评审');
  });
});
