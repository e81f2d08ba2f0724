// The whole-project clock (全流程用时) on the training clock (one working day = 3 s) and a target of
// 20 working days: the projection follows the plan's last step as it is extended and paused for a
// correction, and the project light turns yellow past 16 days (80 %) and red past 20.
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const WORKDAY_SECONDS = 3;
const DAY_MS = WORKDAY_SECONDS * 1000;
const TARGET = 20;

let stack: Stack;
let officer: ApiClient;
let supervisor: ApiClient;
let drc: ApiClient;
let nrb: ApiClient;

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: WORKDAY_SECONDS, projectTargetWorkdays: TARGET });
  officer = await ApiClient.login(stack.baseUrl, 'officer');
  supervisor = await ApiClient.login(stack.baseUrl, 'supervisor');
  drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
  nrb = await ApiClient.login(stack.baseUrl, 'staff.nrb');
});

afterAll(async () => {
  await stack?.stop();
});

const read = async (id: string) => (await supervisor.get(`/api/applications/${id}`)).body;
const projected = (app: any) => Date.parse(app.projectClock.projectedCompletion);
const stepOf = (app: any, matter: string) => app.steps.find((s: any) => s.matterCode === matter);

describe('the whole-project clock on the training clock', () => {
  it('when the last step is extended and then paused for a correction, then the projection moves later and the project light turns yellow, then red', async () => {
    const created = await officer.post('/api/applications', applicationBody(['LAND-PREREVIEW']));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const filing = `${id}-PROJECT-FILING`;
    const land = `${id}-LAND-PREREVIEW`;

    // At launch: the filing at the window (1 day), then the land pre-review (10): green against 20.
    let app = await read(id);
    expect(app.projectClock).toMatchObject({ targetWorkdays: TARGET, light: 'green' });
    expect(app.projectClock.workdaysUsed).toBeGreaterThanOrEqual(0);
    expect(app.criticalPath.map((s: any) => s.matterCode)).toEqual(['PROJECT-FILING', 'LAND-PREREVIEW']);
    expect(app.criticalPath[1]).toMatchObject({
      departmentCode: 'NRB',
      departmentName: '自然资源局',
      status: 'blocked',
    });
    expect(app.schedule).toHaveLength(2);

    // The filing is approved; the land pre-review is accepted: the projection is its deadline.
    await drc.post(`/api/steps/${filing}/accept`);
    expect((await drc.post(`/api/steps/${filing}/decision`, { outcome: 'approved' })).body.status).toBe('approved');
    await eventually(async () => stepOf(await read(id), 'LAND-PREREVIEW').status === 'submitted');
    const accepted = await nrb.post(`/api/steps/${land}/accept`);
    expect(accepted.status).toBe(200);
    app = await read(id);
    expect(projected(app)).toBe(Date.parse(accepted.body.deadline));
    expect(app.criticalPath.map((s: any) => s.stepId)).toEqual([land]);
    expect(app.projectClock.light).toBe('green');
    expect(app.projectClock.projectedWorkdays).toBeLessThanOrEqual(0.8 * TARGET);

    // Extended by 6 working days: the projection moves 6 days later, past 80 % of the target.
    const extended = await supervisor.post(`/api/steps/${land}/extension`, { workdays: 6, reason: '需补充现场踏勘' });
    expect(extended.status).toBe(200);
    const afterExtension = await read(id);
    expect(projected(afterExtension) - projected(app)).toBe(6 * DAY_MS);
    expect(projected(afterExtension)).toBe(Date.parse(extended.body.deadline));
    expect(afterExtension.projectClock.light).toBe('yellow');
    expect(afterExtension.projectClock.projectedWorkdays).toBeGreaterThan(0.8 * TARGET);
    expect(afterExtension.projectClock.projectedWorkdays).toBeLessThanOrEqual(TARGET);

    // A correction stops the step's clock: every working day it waits moves the projection a day later.
    const asked = await nrb.post(`/api/steps/${land}/supplement-request`, {
      items: ['勘测定界图'],
      reason: '材料不全',
    });
    expect(asked.body.status).toBe('awaiting_supplement');
    const paused = await read(id);
    expect(projected(paused)).toBeGreaterThan(projected(afterExtension));
    const red = await eventually(async () => {
      const a = await read(id);
      return a.projectClock.light === 'red' && a;
    }, 40_000);
    expect(red.projectClock.projectedWorkdays).toBeGreaterThan(TARGET);
    expect(red.projectClock.overrunWorkdays).toBe(red.projectClock.projectedWorkdays - TARGET);
    expect(projected(red)).toBeGreaterThanOrEqual(projected(afterExtension) + 2 * DAY_MS);
    // The step's own light stands still while it is paused; only the project's runs.
    expect(stepOf(red, 'LAND-PREREVIEW').light).not.toBe('red');

    // Once the supplement arrives, the step's deadline carries the pause, and the projection is that deadline.
    const supplied = await officer.post(`/api/steps/${land}/supplement`, { note: '已补齐' });
    expect(supplied.body.status).toBe('in_review');
    const resumed = await read(id);
    expect(projected(resumed)).toBe(Date.parse(supplied.body.deadline));
    expect(resumed.projectClock.light).toBe('red');

    // The supervisor's project board has it red; the officer's list row carries the same clock.
    const board = (await supervisor.get('/api/supervision/projects')).body;
    const row = board.items.find((p: any) => p.id === id);
    expect(row).toMatchObject({ caseNo: app.caseNo, projectName: '根河光伏电站项目', status: 'in_progress' });
    expect(row.projectClock).toMatchObject({ light: 'red', targetWorkdays: TARGET });
    expect(row.waitingOn).toMatchObject({ stepId: land, matterName: stepOf(resumed, 'LAND-PREREVIEW').matterName });
    expect(board.counts.red).toBeGreaterThanOrEqual(1);
    const listed = (await officer.get('/api/applications')).body.items.find((a: any) => a.id === id);
    expect(listed.projectClock).toMatchObject({ light: 'red', targetWorkdays: TARGET });

    // Decided: the clock stops with the project, which leaves the board.
    expect((await nrb.post(`/api/steps/${land}/decision`, { outcome: 'approved' })).body.status).toBe('approved');
    const done = await eventually(async () => {
      const a = await read(id);
      return a.status === 'completed' && a;
    });
    expect(done.projectClock).toMatchObject({
      light: 'none',
      projectedCompletion: stepOf(done, 'LAND-PREREVIEW').decidedAt,
    });
    expect(done.criticalPath).toEqual([]);
    expect((await supervisor.get('/api/supervision/projects')).body.items.map((p: any) => p.id)).not.toContain(id);
  });
});
