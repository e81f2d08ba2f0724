// A whole joint review through the API on the training clock (one working day = 1 s):
// fan-out, a correction, an overdue step escalated, a rejection, a resubmission, completion.
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let officer: ApiClient;
let supervisor: ApiClient;
let admin: ApiClient;
const staff: Record<string, ApiClient> = {};

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: 1 });
  officer = await ApiClient.login(stack.baseUrl, 'officer');
  supervisor = await ApiClient.login(stack.baseUrl, 'supervisor');
  admin = await ApiClient.login(stack.baseUrl, 'admin');
  for (const d of ['drc', 'nrb', 'eeb', 'fgb']) staff[d] = await ApiClient.login(stack.baseUrl, `staff.${d}`);
});

afterAll(async () => {
  await stack?.stop();
});

const stepOf = async (appId: string, matter: string) =>
  (await officer.get(`/api/applications/${appId}`)).body.steps.find((s: any) => s.matterCode === matter);

describe('a full joint review on the training clock', () => {
  it('when departments correct, overrun, reject and approve, then the application completes with the whole story in its timeline', async () => {
    const created = await officer.post('/api/applications', applicationBody(['LAND-PREREVIEW', 'EIA-FORM']));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const filing = `${id}-PROJECT-FILING`;
    const land = `${id}-LAND-PREREVIEW`;
    const eia = `${id}-EIA-FORM`;

    // The filing (1 working day) is accepted and then left: it turns red and a case opens.
    const accepted = await staff.drc!.post(`/api/steps/${filing}/accept`);
    expect(accepted.body.light).toBe('yellow'); // one day left at once
    const red = await eventually(async () => {
      const s = await stepOf(id, 'PROJECT-FILING');
      return s.light === 'red' && s;
    });
    expect(red.overdue).toBe(true);
    const cases = await eventually(async () => {
      const r = await supervisor.get('/api/supervision/cases?status=open');
      const mine = r.body.filter((c: any) => c.stepId === filing);
      return mine.length > 0 && mine;
    });
    expect(cases[0]).toMatchObject({ applicationId: id, departmentCode: 'DRC', level: 1, status: 'open' });
    // Unanswered for a working day: the next level opens.
    await eventually(async () => (await stepOf(id, 'PROJECT-FILING')).escalationLevel >= 2);
    const board = await supervisor.get('/api/supervision/board');
    expect(board.body.map((s: any) => s.id)).toContain(filing);

    // The supervisor urges once; a second urge within the interval is refused with when to retry.
    expect((await supervisor.post(`/api/steps/${filing}/urge`, { message: '请立即办结' })).status).toBe(202);
    const again = await supervisor.post(`/api/steps/${filing}/urge`, { message: '再催' });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    const drcNotices = await staff.drc!.get('/api/notifications');
    expect(drcNotices.body.map((n: any) => n.type)).toEqual(expect.arrayContaining(['step_urged', 'step_overdue']));

    // Approved late: it stays marked overdue; its dependents start in parallel.
    const late = await staff.drc!.post(`/api/steps/${filing}/decision`, { outcome: 'approved', certificateNo: 'BA-1' });
    expect(late.body).toMatchObject({ status: 'approved', overdue: true, light: 'none' });
    await eventually(async () => (await stepOf(id, 'LAND-PREREVIEW')).status === 'submitted');
    await eventually(async () => (await stepOf(id, 'EIA-FORM')).status === 'submitted');

    // NRB asks for a correction listing everything missing; the clock stops until it arrives.
    await staff.nrb!.post(`/api/steps/${land}/accept`);
    const asked = await staff.nrb!.post(`/api/steps/${land}/supplement-request`, {
      items: ['勘测定界图', '项目选址论证报告'],
      reason: '材料不全',
    });
    expect(asked.body).toMatchObject({
      status: 'awaiting_supplement',
      light: 'none',
      supplementItems: ['勘测定界图', '项目选址论证报告'],
    });
    await new Promise((r) => setTimeout(r, 2500));
    const supplied = await officer.post(`/api/steps/${land}/supplement`, { note: '已补齐' });
    expect(supplied.body.status).toBe('in_review');
    expect(supplied.body.pausedWorkdays).toBeGreaterThanOrEqual(2);
    expect(Date.parse(supplied.body.deadline)).toBeGreaterThanOrEqual(Date.parse(asked.body.deadline) + 2000);

    // EEB rejects with reasons; the application needs attention; the officer resubmits.
    await staff.eeb!.post(`/api/steps/${eia}/accept`);
    await staff.eeb!.post(`/api/steps/${eia}/decision`, { outcome: 'rejected', reason: '未落实污染防治措施' });
    await eventually(async () => (await officer.get(`/api/applications/${id}`)).body.status === 'needs_attention');
    const resubmitted = await officer.post(`/api/applications/${id}/resubmit`, {
      matterCode: 'EIA-FORM',
      note: '已补充污染防治措施',
    });
    expect(resubmitted.status).toBe(200);
    await eventually(async () => {
      const s = await stepOf(id, 'EIA-FORM');
      return s.attempt === 2 && s.status === 'submitted';
    });
    expect((await officer.get(`/api/applications/${id}`)).body.status).toBe('in_progress');
    await staff.eeb!.post(`/api/steps/${eia}/accept`);
    expect((await staff.eeb!.post(`/api/steps/${eia}/decision`, { outcome: 'approved' })).body.status).toBe('approved');
    expect((await staff.nrb!.post(`/api/steps/${land}/decision`, { outcome: 'approved' })).body.status).toBe(
      'approved',
    );

    const done = await eventually(async () => {
      const a = await officer.get(`/api/applications/${id}`);
      return a.body.status === 'completed' && a.body;
    });
    expect(done.steps.map((s: any) => [s.matterCode, s.status])).toEqual([
      ['EIA-FORM', 'approved'],
      ['LAND-PREREVIEW', 'approved'],
      ['PROJECT-FILING', 'approved'],
    ]);
    const closedCases = await supervisor.get('/api/supervision/cases?status=closed');
    expect(
      closedCases.body
        .filter((c: any) => c.stepId === filing)
        .map((c: any) => c.level)
        .sort(),
    ).toEqual(expect.arrayContaining([1, 2]));

    const timeline = (await supervisor.get(`/api/applications/${id}/timeline`)).body;
    const types = timeline.map((e: any) => e.type);
    for (const t of [
      'application_created',
      'step_accepted',
      'step_overdue',
      'supervision_escalated',
      'step_urged',
      'supplement_requested',
      'supplement_received',
      'step_rejected',
      'application_needs_attention',
      'step_resubmitted',
      'application_back_in_progress',
      'application_completed',
    ]) {
      expect(types).toContain(t);
    }
    expect(timeline[timeline.length - 1].workflowUrl).toMatch(/\/workflows\/application-/);

    const stats = await admin.get('/api/stats/departments');
    const drc = stats.body.find((r: any) => r.departmentCode === 'DRC');
    expect(drc.overdue).toBeGreaterThanOrEqual(1);
  });

  it('when a matter has a fee, then its certificate waits for the cashier, who takes only the catalog amount', async () => {
    const created = await officer.post('/api/applications', applicationBody(['WORKS-PLANNING']));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const approveStep = async (matter: string, window: ApiClient) => {
      await eventually(async () => (await stepOf(id, matter)).status === 'submitted');
      await window.post(`/api/steps/${id}-${matter}/accept`);
      const r = await window.post(`/api/steps/${id}-${matter}/decision`, { outcome: 'approved' });
      expect(r.body.status).toBe('approved');
    };
    await approveStep('PROJECT-FILING', staff.drc!);
    await approveStep('LAND-PREREVIEW', staff.nrb!);
    await approveStep('LAND-USE-PLANNING', staff.nrb!);
    await eventually(async () => (await stepOf(id, 'WORKS-PLANNING')).status === 'submitted');
    const works = `${id}-WORKS-PLANNING`;
    await staff.nrb!.post(`/api/steps/${works}/accept`);
    expect((await stepOf(id, 'WORKS-PLANNING')).fee).toEqual({ amountFen: 50000, paidAt: null, receiptNo: null });
    const cashier = await ApiClient.login(stack.baseUrl, 'cashier');
    expect((await cashier.get('/api/fees/due')).body.map((s: any) => s.id)).toContain(works);

    const unpaid = await staff.nrb!.post(`/api/steps/${works}/decision`, {
      outcome: 'approved',
      certificateNo: 'GH-2026-07',
    });
    expect(unpaid.status).toBe(409);
    expect(unpaid.body.error).toMatchObject({ code: 'conflict', reason: 'fee_unpaid', params: { amountFen: 50000 } });
    // Leaving the certificate number out does not get round the fee.
    const noCertificate = await staff.nrb!.post(`/api/steps/${works}/decision`, { outcome: 'approved' });
    expect(noCertificate.status).toBe(409);
    expect(noCertificate.body.error.reason).toBe('fee_unpaid');
    // The step says it waits for payment, and its window is not offered the approval.
    const waiting = (await staff.nrb!.get(`/api/steps/${works}`)).body;
    expect(waiting.awaitingPayment).toBe(true);
    expect(waiting.allowedActions).not.toContain('approve');
    expect(waiting.allowedActions).toContain('reject');
    // Only the cashier takes fees, and only the catalog amount.
    expect((await staff.nrb!.post(`/api/steps/${works}/payment`, { amountFen: 50000, receiptNo: 'R-1' })).status).toBe(
      403,
    );
    const wrong = await cashier.post(`/api/steps/${works}/payment`, { amountFen: 60000, receiptNo: 'R-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/catalog fee/);
    const paid = await cashier.post(`/api/steps/${works}/payment`, { amountFen: 50000, receiptNo: 'R-1' });
    expect(paid.status).toBe(200);
    expect(paid.body.fee).toMatchObject({ amountFen: 50000, receiptNo: 'R-1', paidAt: expect.any(String) });
    const issued = await staff.nrb!.post(`/api/steps/${works}/decision`, {
      outcome: 'approved',
      certificateNo: 'GH-2026-07',
    });
    expect(issued.body).toMatchObject({ status: 'approved', certificateNo: 'GH-2026-07' });
  });
});

describe('calendar administration', () => {
  it('when an admin adds a holiday, then it is listed and open steps are told; a missing next-year table is warned about', async () => {
    const cal = await new ApiClient(stack.baseUrl).get('/api/calendar?year=2026');
    expect(cal.status).toBe(200);
    expect(cal.body.days).toEqual(expect.arrayContaining([{ date: '2026-10-10', workday: true, source: 'table' }]));
    expect(cal.body.warnings.join(' ')).toMatch(/2027/);
    expect(
      (await officer.post('/api/calendar/days', { date: '2027-01-01', workday: false, note: '元旦' })).status,
    ).toBe(403);
    const added = await admin.post('/api/calendar/days', { date: '2027-01-01', workday: false, note: '元旦' });
    expect(added.status).toBe(201);
    expect(added.body.openStepsRecomputed).toEqual(expect.any(Number));
    const bad = await admin.post('/api/calendar/days', { date: '2027-13-01', workday: 'no', note: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.date', 'body.note', 'body.workday']);
  });
});
