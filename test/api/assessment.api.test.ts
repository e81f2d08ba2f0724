// The assessment (量化考核) on the real stack, on the training clock (one working day = 3 s): a month
// of work by two DRC windows and the EEB window (decisions on time and late, a correction, a refusal
// at the window followed by a resubmission, a supervision case that escalates, ratings, an upheld
// complaint, accountability records). The figures the API answers are compared with figures rebuilt
// here from the permanent records (the timeline's events, complaint events, ratings and
// accountability rows), independently of the queries the API runs. Then: the XLSX export read back
// by exceljs, the PDF's extractable Chinese text, weights that change the score, who may read and
// publish, bad input, accountability on an open case, and the public ranking without personal data.
import { Workbook } from 'exceljs';
import { CompiledQuery, sql } from 'kysely';
import {
  DEFAULT_WEIGHTS,
  emptyFigures,
  monthOf,
  parsePeriod,
  scoreOf,
  type AssessmentFigures,
  type AssessmentWeights,
} from '../../domain/assessment';
import { assessmentRepo } from '../../db/repositories/assessment';
import { applicationBody } from '../helpers/fixtures';
import { pdfText, squash } from '../helpers/pdf';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const WORKDAY_SECONDS = 3;
const DAY_MS = WORKDAY_SECONDS * 1000;
const CASE_RESPONSE_DAYS = 1;
const SECOND_STAFF = '李晓燕';

let stack: Stack;
let anonymous: ApiClient;
let officer: ApiClient;
let drc: ApiClient;
let drc2: ApiClient;
let eeb: ApiClient;
let supervisor: ApiClient;
let admin: ApiClient;
let drc2Id: string;
let drcId: string;
/** The month the scenario ran in (Asia/Shanghai), fixed when it ends. */
let period: string;
/** The case that escalated (closed) and the one answered (closed) of the late step. */
let escalatedCaseId: string;

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: WORKDAY_SECONDS });
  anonymous = new ApiClient(stack.baseUrl);
  [officer, drc, eeb, supervisor, admin] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'staff.eeb'),
    ApiClient.login(stack.baseUrl, 'supervisor'),
    ApiClient.login(stack.baseUrl, 'admin'),
  ]);
  const created = await admin.post('/api/users', {
    username: 'drc.li',
    password: 'Window-pass-42',
    displayName: SECOND_STAFF,
    role: 'staff',
    departmentCode: 'DRC',
  });
  expect(created.status).toBe(201);
  drc2Id = created.body.id;
  drc2 = await ApiClient.login(stack.baseUrl, 'drc.li', 'Window-pass-42');
  drcId = (await drc.get('/api/me')).body.id;
  await runScenario();
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

// ——— The scenario ———

async function launch(matter: string) {
  const r = await officer.post('/api/applications', applicationBody([matter]));
  expect(r.status).toBe(201);
  const stepId = r.body.steps[0].id as string;
  await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
  return { id: r.body.id as string, caseNo: r.body.caseNo as string, password: r.body.queryPassword as string, stepId };
}

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runScenario() {
  // A: the first DRC window accepts and approves at once.
  const a = await launch('PROJECT-FILING');
  await ok(drc.post(`/api/steps/${a.stepId}/accept`));
  await ok(drc.post(`/api/steps/${a.stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-A' }));

  // B: the second DRC window asks for a correction; the clock stands still while the officer supplies it.
  const b = await launch('PROJECT-FILING');
  await ok(drc2.post(`/api/steps/${b.stepId}/accept`));
  await ok(drc2.post(`/api/steps/${b.stepId}/supplement-request`, { items: ['项目备案申请表'], reason: '缺申请表' }));
  await sleep(DAY_MS * 1.3);
  await ok(officer.post(`/api/steps/${b.stepId}/supplement`, { note: '已补齐' }));
  await ok(drc2.post(`/api/steps/${b.stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-B' }));

  // C: the first DRC window lets the step run red; the case goes unanswered and escalates, the
  // second level is answered, the step is approved late.
  const c = await launch('PROJECT-FILING');
  await ok(drc.post(`/api/steps/${c.stepId}/accept`));
  const level2 = await eventually(async () => {
    const r = await supervisor.get('/api/supervision/cases?status=open');
    return r.body.find((x: any) => x.stepId === c.stepId && x.level === 2);
  }, 30_000);
  escalatedCaseId = `${c.stepId}-A1-L1`;
  // Accountability waits for a case to close: level 2 is still open.
  const early = await supervisor.post(`/api/supervision/cases/${level2.id}/accountability`, {
    departmentCode: 'DRC',
    what: '督办件未按时答复',
    measure: 'criticism_education',
    decision: '批评教育',
  });
  expect(early.status).toBe(409);
  expect(early.body.error.reason).toBe('case_open');
  await ok(drc.post(`/api/supervision/cases/${level2.id}/answer`, { answer: '正在加快办理' }));
  await ok(drc.post(`/api/steps/${c.stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-C' }));

  // D: the second DRC window refuses the material at the window; the officer resubmits, it is approved.
  const d = await launch('PROJECT-FILING');
  await ok(drc2.post(`/api/steps/${d.stepId}/decision`, { outcome: 'rejected', reason: '不属于本部门受理范围' }));
  await eventually(async () => (await officer.get(`/api/applications/${d.id}`)).body.status === 'needs_attention');
  await ok(officer.post(`/api/applications/${d.id}/resubmit`, { matterCode: 'PROJECT-FILING', note: '已更正' }));
  await eventually(async () => {
    const s = (await officer.get(`/api/steps/${d.stepId}`)).body;
    return s.attempt === 2 && s.status === 'submitted' && s.acceptanceDeadline;
  });
  await ok(drc2.post(`/api/steps/${d.stepId}/accept`));
  await ok(drc2.post(`/api/steps/${d.stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-D' }));

  // E: an EIA, with the project filing added to the plan: the first DRC window approves the filing,
  // then the EEB window rejects the EIA.
  const e = await officer.post('/api/applications', applicationBody(['EIA-FORM']));
  expect(e.status).toBe(201);
  const filing = e.body.steps.find((s: any) => s.matterCode === 'PROJECT-FILING').id as string;
  const eia = e.body.steps.find((s: any) => s.matterCode === 'EIA-FORM').id as string;
  await eventually(async () => (await officer.get(`/api/steps/${filing}`)).body.acceptanceDeadline);
  await ok(drc.post(`/api/steps/${filing}/accept`));
  await ok(drc.post(`/api/steps/${filing}/decision`, { outcome: 'approved', certificateNo: 'BA-E' }));
  await eventually(async () => (await officer.get(`/api/steps/${eia}`)).body.acceptanceDeadline);
  await ok(eeb.post(`/api/steps/${eia}/accept`));
  await ok(eeb.post(`/api/steps/${eia}/decision`, { outcome: 'rejected', reason: '选址位于生态保护红线内' }));

  // Ratings by the investors: A good, C bad (a rectification task opens), D fair, the EIA poor.
  await ok(
    anonymous.post('/api/public/ratings', { caseNo: a.caseNo, password: a.password, stepId: a.stepId, score: 5 }),
    201,
  );
  const bad = await ok(
    anonymous.post('/api/public/ratings', {
      caseNo: c.caseNo,
      password: c.password,
      stepId: c.stepId,
      score: 2,
      comment: '拖了很久',
    }),
    201,
  );
  // The DRC answers the rectification task the bad rating opened (so no late-reply case opens meanwhile).
  await eventually(async () => (await drc.get(`/api/complaints/${bad.rectificationNo}`)).body.status === 'assigned');
  await ok(drc.post(`/api/complaints/${bad.rectificationNo}/reply`, { reply: '已整改，加快办理' }));
  await ok(
    anonymous.post('/api/public/ratings', { caseNo: d.caseNo, password: d.password, stepId: d.stepId, score: 4 }),
    201,
  );
  await ok(
    anonymous.post('/api/public/ratings', {
      caseNo: e.body.caseNo,
      password: e.body.queryPassword,
      stepId: eia,
      score: 3,
    }),
    201,
  );

  // An efficiency complaint about the DRC, closed as upheld; one about the EEB, not upheld.
  for (const [department, upheld] of [
    ['DRC', true],
    ['EEB', false],
  ] as const) {
    const filed = await ok(
      anonymous.post('/api/public/complaints', {
        category: 'delay',
        content: '办理拖延',
        contactName: '赵六',
        phone: '13800000009',
        departmentCode: department,
      }),
      201,
    );
    await eventually(async () => (await supervisor.get(`/api/complaints/${filed.complaintNo}`)).body.registerDueAt);
    await ok(
      supervisor.post(`/api/complaints/${filed.complaintNo}/assign`, { departmentCode: department, replyWorkdays: 5 }),
    );
    await ok(
      supervisor.post(`/api/complaints/${filed.complaintNo}/close`, { upheld, conclusion: upheld ? '属实' : '不属实' }),
    );
  }

  // Accountability on the escalated (closed) case: the first DRC window by name, and the DRC as a department.
  await eventually(
    async () => (await supervisor.get(`/api/supervision/cases/${escalatedCaseId}`)).body.status === 'closed',
  );
  await ok(
    supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, {
      personId: drcId,
      what: '承诺时限内未办结，督办件逾期未答复',
      measure: 'admonishing_talk',
      decision: '对窗口工作人员进行诫勉谈话',
    }),
    201,
  );
  await ok(
    supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, {
      departmentCode: 'DRC',
      what: '部门督办件逾期未答复',
      measure: 'circulated_criticism',
      decision: '全中心通报批评',
    }),
    201,
  );
  // Every workflow report is in: the application of C is completed, the rectification task registered.
  await eventually(async () => (await officer.get(`/api/applications/${c.id}`)).body.status === 'completed');
  period = monthOf(new Date());
}

// ——— The rebuild from the permanent records ———

interface EventRow {
  id: number;
  event_id: string;
  step_id: string | null;
  type: string;
  actor_id: string;
  at: Date;
  detail: Record<string, any>;
}

/** The figures of each department and each staff member, rebuilt from events and the other permanent records. */
async function rebuild(label: string) {
  const { from, to } = parsePeriod(label)!;
  const inPeriod = (at: Date) => at >= from && at < to;
  const db = stack.db.db;
  const events = (
    await sql<EventRow>`select id, event_id, step_id, type, actor_id, at, detail from events order by id`.execute(db)
  ).rows;
  const departmentOfStep = new Map(
    (await sql<{ id: string; department_code: string }>`select id, department_code from steps`.execute(db)).rows.map(
      (s) => [s.id, s.department_code],
    ),
  );
  const byDepartment = new Map<string, AssessmentFigures>();
  const byStaff = new Map<string, AssessmentFigures>();
  const add = (
    map: Map<string, AssessmentFigures>,
    key: string | null | undefined,
    change: (f: AssessmentFigures) => void,
  ) => {
    if (!key) return;
    if (!map.has(key)) map.set(key, emptyFigures());
    change(map.get(key)!);
  };
  const both = (
    department: string | undefined,
    staff: string | null | undefined,
    change: (f: AssessmentFigures) => void,
  ) => {
    add(byDepartment, department, change);
    add(byStaff, staff, change);
  };

  // Walk each step attempt's events: acceptance, deadline, pauses, red, decision; cases and answers.
  const attemptOf = (e: EventRow) => Number(/#a(\d+)#/.exec(e.event_id)?.[1]);
  interface Attempt {
    acceptedAt?: Date;
    deadline?: Date;
    paused: number;
    red: boolean;
    promised?: number;
    decision?: EventRow;
  }
  const attempts = new Map<string, Attempt>();
  const cases = new Map<
    string,
    { stepId: string; attempt: number; openedAt: Date; escalated: boolean; answeredAt?: Date; closedAt?: Date }
  >();
  const latestDecider = new Map<string, string>();
  for (const e of events) {
    if (!e.step_id || !/#a\d+#/.test(e.event_id)) continue;
    const key = `${e.step_id}#${attemptOf(e)}`;
    if (!attempts.has(key)) attempts.set(key, { paused: 0, red: false });
    const a = attempts.get(key)!;
    if (e.detail.deadline && a.acceptedAt) a.deadline = new Date(e.detail.deadline);
    switch (e.type) {
      case 'step_accepted':
        a.acceptedAt = e.at;
        a.deadline = new Date(e.detail.deadline);
        a.promised = e.detail.promisedLimitDays;
        break;
      case 'step_deemed_accepted':
        throw new Error('the scenario accepts every step by hand');
      case 'supplement_received':
      case 'special_procedure_ended':
        if (a.acceptedAt) a.paused += e.detail.pausedWorkdays;
        break;
      case 'step_overdue':
        a.red = true;
        cases.set(e.detail.caseId, { stepId: e.step_id, attempt: attemptOf(e), openedAt: e.at, escalated: false });
        break;
      case 'supervision_escalated':
        cases.get(e.detail.from)!.escalated = true;
        cases.set(e.detail.caseId, { stepId: e.step_id, attempt: attemptOf(e), openedAt: e.at, escalated: false });
        break;
      case 'supervision_case_answered':
        cases.get(e.detail.caseId)!.answeredAt = e.at;
        break;
      case 'step_approved':
      case 'step_rejected':
      case 'step_refused_acceptance':
        a.decision = e;
        latestDecider.set(e.step_id, e.actor_id);
        for (const c of cases.values())
          if (c.stepId === e.step_id && c.attempt === attemptOf(e) && !c.answeredAt && !c.escalated) c.closedAt = e.at;
        break;
    }
  }
  const deciderOfAttempt = new Map<string, string>();
  for (const [key, a] of attempts) {
    const d = a.decision;
    if (!d) continue;
    deciderOfAttempt.set(key, d.actor_id);
    if (!inPeriod(d.at)) continue;
    const late = a.red || (a.deadline !== undefined && d.at > a.deadline);
    const used = a.acceptedAt
      ? Math.max(0, Math.ceil((d.at.getTime() - a.acceptedAt.getTime()) / DAY_MS) - a.paused)
      : null;
    both(departmentOfStep.get(d.step_id!), d.actor_id, (f) => {
      f.decided++;
      if (late) f.overdue++;
      else f.onTime++;
      if (used !== null) {
        f.workdaysUsedSum += used;
        f.workdaysUsedCount++;
        f.promisedWorkdaysSum += a.promised!;
      }
    });
  }
  const now = new Date();
  for (const c of cases.values()) {
    if (!inPeriod(c.openedAt)) continue;
    const due = c.openedAt.getTime() + CASE_RESPONSE_DAYS * DAY_MS;
    const late = c.escalated || (c.answeredAt ?? c.closedAt ?? now).getTime() > due;
    both(departmentOfStep.get(c.stepId), deciderOfAttempt.get(`${c.stepId}#${c.attempt}`), (f) => {
      f.casesOpened++;
      if (late) f.casesAnsweredLate++;
    });
  }

  // Complaints: their own event log says who they were assigned to and whether they were upheld.
  const complaintEvents = (
    await sql<{
      complaint_id: string;
      type: string;
      at: Date;
      detail: Record<string, any>;
      kind: string;
      step_id: string | null;
    }>`
      select e.complaint_id, e.type, e.at, e.detail, c.kind, c.step_id
      from complaint_events e join complaints c on c.id = e.complaint_id order by e.id`.execute(db)
  ).rows;
  const assignedTo = new Map<string, string>();
  const complaintCases = new Map<
    string,
    { complaintId: string; department: string; openedAt: Date; escalated: boolean; answeredAt?: Date; closedAt?: Date }
  >();
  for (const e of complaintEvents) {
    if (e.type === 'complaint_assigned') assignedTo.set(e.complaint_id, e.detail.departmentCode);
    if (e.type === 'complaint_overdue' || e.type === 'supervision_escalated') {
      if (e.detail.from) complaintCases.get(e.detail.from)!.escalated = true;
      complaintCases.set(e.detail.caseId, {
        complaintId: e.complaint_id,
        department: assignedTo.get(e.complaint_id)!,
        openedAt: e.at,
        escalated: false,
      });
    }
    if (e.type === 'supervision_case_answered') complaintCases.get(e.detail.caseId)!.answeredAt = e.at;
    // A reply or the conclusion closes whatever case is still open on the complaint.
    if (e.type === 'complaint_replied' || e.type === 'complaint_closed')
      for (const c of complaintCases.values())
        if (c.complaintId === e.complaint_id && !c.escalated && !c.answeredAt && !c.closedAt) c.closedAt = e.at;
    if (e.type === 'complaint_closed' && e.kind === 'complaint' && e.detail.upheld === true && inPeriod(e.at)) {
      both(
        assignedTo.get(e.complaint_id),
        e.step_id ? latestDecider.get(e.step_id) : null,
        (f) => f.complaintsUpheld++,
      );
    }
  }

  // A complaint's late-reply cases count for the department only.
  for (const c of complaintCases.values()) {
    if (!inPeriod(c.openedAt)) continue;
    const late =
      c.escalated || (c.answeredAt ?? c.closedAt ?? now).getTime() > c.openedAt.getTime() + CASE_RESPONSE_DAYS * DAY_MS;
    both(c.department, null, (f) => {
      f.casesOpened++;
      if (late) f.casesAnsweredLate++;
    });
  }

  // Ratings: of a step, for its department and for whoever decided it last in the timeline.
  const ratings = (
    await sql<{
      step_id: string | null;
      score: number;
      rated_at: Date;
    }>`select step_id, score, rated_at from ratings`.execute(db)
  ).rows;
  for (const r of ratings) {
    if (!r.step_id || !inPeriod(r.rated_at)) continue;
    both(departmentOfStep.get(r.step_id), latestDecider.get(r.step_id), (f) => {
      f.ratingsCount++;
      f.ratingsSum += r.score;
    });
  }

  const records = (
    await sql<{ department_code: string; person_id: string | null; recorded_at: Date }>`
      select department_code, person_id, recorded_at from accountability_records`.execute(db)
  ).rows;
  for (const r of records) if (inPeriod(r.recorded_at)) both(r.department_code, r.person_id, (f) => f.accountability++);

  return { byDepartment, byStaff };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The row the API should answer for these figures (the rates and averages as the contract rounds them). */
function expectedRow(f: AssessmentFigures, weights: AssessmentWeights) {
  return {
    decided: f.decided,
    onTime: f.onTime,
    onTimeRate: f.decided ? round(f.onTime / f.decided, 3) : null,
    avgWorkdaysUsed: f.workdaysUsedCount ? round(f.workdaysUsedSum / f.workdaysUsedCount, 1) : null,
    avgPromisedWorkdays: f.workdaysUsedCount ? round(f.promisedWorkdaysSum / f.workdaysUsedCount, 1) : null,
    overdue: f.overdue,
    casesOpened: f.casesOpened,
    casesAnsweredLate: f.casesAnsweredLate,
    complaintsUpheld: f.complaintsUpheld,
    ratingsCount: f.ratingsCount,
    ratingsAvg: f.ratingsCount ? round(f.ratingsSum / f.ratingsCount, 2) : null,
    accountability: f.accountability,
    score: scoreOf(f, weights),
  };
}

const CONTRACT_FIELDS = [
  'key',
  'name',
  'decided',
  'onTime',
  'onTimeRate',
  'avgWorkdaysUsed',
  'overdue',
  'casesOpened',
  'casesAnsweredLate',
  'complaintsUpheld',
  'ratingsCount',
  'ratingsAvg',
  'score',
  'accountability',
];

describe('the assessment of a month', () => {
  it('when the month is assessed by department and by staff member, then every figure equals the one rebuilt from the timeline', async () => {
    const { byDepartment, byStaff } = await rebuild(period);
    const weights = (await supervisor.get('/api/assessment/weights')).body.weights as AssessmentWeights;
    expect(weights).toEqual(DEFAULT_WEIGHTS);

    const departments = await supervisor.get(`/api/assessment?period=${period}&by=department`);
    expect(departments.status).toBe(200);
    for (const field of CONTRACT_FIELDS) expect(departments.body[0]).toHaveProperty(field);
    // Every department of the center is listed, the ones without work too.
    expect(departments.body.map((r: any) => r.key).sort()).toEqual(['DRC', 'EEB', 'FGB', 'HUD', 'NRB', 'WRB']);
    for (const row of departments.body) {
      expect({ key: row.key, ...row }).toMatchObject({
        key: row.key,
        ...expectedRow(byDepartment.get(row.key) ?? emptyFigures(), weights),
      });
    }

    const staff = await supervisor.get(`/api/assessment?period=${period}&by=staff`);
    expect(staff.status).toBe(200);
    for (const row of staff.body) {
      expect({ key: row.key, ...row }).toMatchObject({
        key: row.key,
        ...expectedRow(byStaff.get(row.key) ?? emptyFigures(), weights),
      });
    }
    // Every staff member who did something is in the staff view.
    for (const key of byStaff.keys()) expect(staff.body.map((r: any) => r.key)).toContain(key);

    // The scenario as a person reads it (so the comparison above cannot pass on empty figures).
    const drcRow = departments.body.find((r: any) => r.key === 'DRC');
    expect(drcRow).toMatchObject({
      name: '发展和改革委员会',
      decided: 6, // A, B, C, D refused, D approved, the filing of E
      overdue: 1,
      onTime: 5,
      casesOpened: 2,
      casesAnsweredLate: 1,
      complaintsUpheld: 1,
      ratingsCount: 3,
      accountability: 2,
    });
    expect(departments.body.find((r: any) => r.key === 'EEB')).toMatchObject({
      decided: 1,
      onTime: 1,
      complaintsUpheld: 0,
      ratingsCount: 1,
      ratingsAvg: 3,
    });
    const first = staff.body.find((r: any) => r.key === drcId);
    const second = staff.body.find((r: any) => r.key === drc2Id);
    expect(first).toMatchObject({ decided: 3, overdue: 1, casesOpened: 2, casesAnsweredLate: 1, accountability: 1 });
    expect(second).toMatchObject({ name: SECOND_STAFF, departmentCode: 'DRC', decided: 3, overdue: 0, casesOpened: 0 });
    // The refusal at the window ran no clock: the averages are over the two accepted decisions.
    expect(second.avgPromisedWorkdays).toBe(1);
    expect(second.avgWorkdaysUsed).toBeLessThanOrEqual(1);
    // The ranking: scored rows first by score; departments without work are not scored.
    expect(departments.body[0].rank).toBe(1);
    expect(departments.body.find((r: any) => r.key === 'HUD')).toMatchObject({ decided: 0, score: null, rank: null });
  });

  it('when a quarter is assessed, then it holds the month', async () => {
    const [year, month] = period.split('-').map(Number) as [number, number];
    const quarter = `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    const q = await supervisor.get(`/api/assessment?period=${quarter}`);
    expect(q.status).toBe(200);
    const m = await supervisor.get(`/api/assessment?period=${period}`);
    expect(q.body.find((r: any) => r.key === 'DRC').decided).toBe(m.body.find((r: any) => r.key === 'DRC').decided);
  });

  it('when the on-time trend is read, then the month shows each department’s decided and on-time counts', async () => {
    const r = await admin.get(`/api/assessment/trend?to=${period}&months=3`);
    expect(r.status).toBe(200);
    expect(r.body.months).toHaveLength(3);
    expect(r.body.months[2]).toBe(period);
    expect(r.body.rows).toContainEqual({
      month: period,
      departmentCode: 'DRC',
      decided: 6,
      onTime: 5,
      onTimeRate: 0.833,
    });
  });
});

describe('exports', () => {
  it('when the XLSX export is opened by exceljs, then its department and staff sheets hold the rows of the JSON answers and a sheet the weights', async () => {
    const res = await fetch(`${stack.baseUrl}/api/assessment/export?period=${period}&format=xlsx`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="assessment-\d{4}-\d{2}\.xlsx"/);
    const wb = new Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['部门', '人员', '权重']);

    const sheetRows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(2).values as unknown[]).slice(1);
      const rows: Array<Record<string, unknown>> = [];
      for (let i = 3; i <= ws.rowCount; i++) {
        const values = (ws.getRow(i).values as unknown[]).slice(1);
        rows.push(Object.fromEntries(header.map((h, j) => [String(h), values[j] ?? null])));
      }
      return rows;
    };
    const asSheet = (r: any) => ({
      名次: r.rank,
      名称: r.name,
      办结: r.decided,
      按时办结: r.onTime,
      按时办结率: r.onTimeRate,
      '平均用时（工作日）': r.avgWorkdaysUsed,
      '平均承诺时限（工作日）': r.avgPromisedWorkdays,
      超期: r.overdue,
      督办件: r.casesOpened,
      逾期答复: r.casesAnsweredLate,
      投诉属实: r.complaintsUpheld,
      评价数: r.ratingsCount,
      平均评分: r.ratingsAvg,
      问责: r.accountability,
      得分: r.score,
    });
    const departments = (await supervisor.get(`/api/assessment?period=${period}&by=department`)).body;
    expect(sheetRows('部门')).toEqual(departments.map(asSheet));
    const staff = (await supervisor.get(`/api/assessment?period=${period}&by=staff`)).body;
    expect(sheetRows('人员')).toEqual(
      staff.map((r: any) => ({
        ...asSheet(r),
        所属部门: r.departmentCode === 'DRC' ? '发展和改革委员会' : expect.any(String),
      })),
    );
    const weights = wb.getWorksheet('权重')!;
    const weightRows = new Map<string, unknown>();
    weights.eachRow((row) => weightRows.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(weightRows.get('每件超期（扣分）')).toBe(DEFAULT_WEIGHTS.overdue);
    expect(weightRows.get('按时办结率（得分）')).toBe(DEFAULT_WEIGHTS.onTimeRate);
  });

  it('when the PDF export is read by a PDF reader, then its Chinese text is extractable', async () => {
    const res = await fetch(`${stack.baseUrl}/api/assessment/export?period=${period}&format=pdf`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(Buffer.from(await res.arrayBuffer()));
    for (const words of [
      `${period} 窗口量化考核`,
      '按部门',
      '按人员',
      '发展和改革委员会',
      '生态环境局',
      SECOND_STAFF,
      '按时办结率',
      '考核权重',
      '每件超期（扣分）',
    ]) {
      expect(text).toContain(squash(words));
    }
  });
});

describe('weights', () => {
  it('when the admin publishes weights, then the score follows them, the change names who and when, and an edit of old weights is refused', async () => {
    const before = (await supervisor.get(`/api/assessment?period=${period}`)).body.find((r: any) => r.key === 'DRC');
    const current = (await admin.get('/api/assessment/weights')).body;
    expect(current).toMatchObject({ version: 0, changedBy: null });
    const heavier = { ...current.weights, overdue: 20, accountability: 0 };
    const published = await admin.request('PUT', '/api/assessment/weights', { version: 0, weights: heavier });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 1, weights: heavier, changedBy: { displayName: '综合室管理员' } });
    expect(Date.now() - Date.parse(published.body.changedAt)).toBeLessThan(60_000);
    const seen = (await supervisor.get('/api/assessment/weights')).body;
    expect(seen).toMatchObject({ version: 1, weights: heavier });

    const after = (await supervisor.get(`/api/assessment?period=${period}`)).body.find((r: any) => r.key === 'DRC');
    expect(after.score).not.toBe(before.score);
    const { byDepartment } = await rebuild(period);
    expect(after.score).toBe(scoreOf(byDepartment.get('DRC')!, heavier));

    // A second edit from the old version: one winner.
    const stale = await admin.request('PUT', '/api/assessment/weights', { version: 0, weights: current.weights });
    expect(stale.status).toBe(409);
    expect(stale.body.error.reason).toBe('weights_changed');
    const history = (await admin.get('/api/assessment/weights/history')).body;
    expect(history.map((h: any) => h.version)).toEqual([1]);
    const audit = (await admin.get('/api/audit?action=assessment_weights_published')).body;
    expect(audit[0]).toMatchObject({ target: 'assessment-weights/1' });
  });

  it('when two admins publish over the same version at once, then one is published and the other gets 409, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const current = (await admin.get('/api/assessment/weights')).body;
      // The same figures as in force, so the scores the other tests read do not move.
      const body = { version: current.version, weights: current.weights };
      const answers = await Promise.all([
        admin.request('PUT', '/api/assessment/weights', body),
        admin.request('PUT', '/api/assessment/weights', body),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(answers.find((a) => a.status === 409)!.body.error.reason).toBe('weights_changed');
      expect((await admin.get('/api/assessment/weights')).body.version).toBe(current.version + 1);
    }
  });

  it('when weights are negative, unnamed or missing, then they are refused with 400 naming the field, and only the admin publishes', async () => {
    const current = (await admin.get('/api/assessment/weights')).body;
    const negative = await admin.request('PUT', '/api/assessment/weights', {
      version: current.version,
      weights: { ...current.weights, overdue: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.details.map((d: any) => d.field)).toContain('body.weights.overdue');
    const unknown = await admin.request('PUT', '/api/assessment/weights', {
      version: current.version,
      weights: { ...current.weights, bonus: 5 },
    });
    expect(unknown.status).toBe(400);
    const { speed: _speed, ...missing } = current.weights;
    const incomplete = await admin.request('PUT', '/api/assessment/weights', {
      version: current.version,
      weights: missing,
    });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details.map((d: any) => d.field)).toContain('body.weights.speed');
    const bySupervisor = await supervisor.request('PUT', '/api/assessment/weights', current);
    expect(bySupervisor.status).toBe(403);
    expect((await admin.get('/api/assessment/weights')).body.version).toBe(current.version);
  });
});

describe('who may read, and bad input', () => {
  it('when someone other than the supervision office or the admin asks for the assessment, then they are refused', async () => {
    for (const client of [drc, officer, await ApiClient.login(stack.baseUrl, 'cashier')]) {
      expect((await client.get(`/api/assessment?period=${period}`)).status).toBe(403);
      expect((await client.get(`/api/assessment/export?period=${period}&format=xlsx`)).status).toBe(403);
      expect((await client.get('/api/accountability')).status).toBe(403);
    }
    expect((await anonymous.get(`/api/assessment?period=${period}`)).status).toBe(401);
    expect((await drc.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, {})).status).toBe(403);
  });

  it('when the period is malformed or missing, then the answer is 400 naming the period', async () => {
    for (const bad of ['2026-13', '2026-Q5', 'November', '2026-1']) {
      const r = await supervisor.get(`/api/assessment?period=${encodeURIComponent(bad)}`);
      expect(r.status).toBe(400);
      expect(r.body.error.details.map((d: any) => d.field)).toEqual(['query.period']);
    }
    const missing = await supervisor.get('/api/assessment?by=department');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe('query.period');
    const badView = await supervisor.get(`/api/assessment?period=${period}&by=window`);
    expect(badView.status).toBe(400);
    expect(badView.body.error.details[0].field).toBe('query.by');
    const quarterInPublic = await anonymous.get('/api/public/assessment/ranking?period=2026-Q4');
    expect(quarterInPublic.status).toBe(400);
    expect(quarterInPublic.body.error.details[0].field).toBe('query.period');
  });
});

describe('accountability', () => {
  it('when accountability is recorded on a closed case, then the case and the log list it; who must be a staff member of the department', async () => {
    const onCase = (await supervisor.get(`/api/supervision/cases/${escalatedCaseId}/accountability`)).body;
    expect(onCase).toHaveLength(2);
    expect(onCase.find((r: any) => r.person)).toMatchObject({
      caseId: escalatedCaseId,
      departmentCode: 'DRC',
      person: { id: drcId, displayName: '发展和改革委员会窗口' },
      measure: 'admonishing_talk',
      matterName: '企业投资项目备案',
      recordedBy: { displayName: '督查协调室' },
    });
    const log = (await admin.get(`/api/accountability?period=${period}`)).body;
    expect(log.map((r: any) => r.caseId)).toEqual([escalatedCaseId, escalatedCaseId]);
    expect((await admin.get(`/api/accountability?period=${period}&departmentCode=EEB`)).body).toEqual([]);

    const nobody = await supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, {
      what: 'x',
      measure: 'criticism_education',
      decision: 'y',
    });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details[0].field).toBe('body.departmentCode');
    const elsewhere = await supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, {
      personId: drc2Id,
      departmentCode: 'EEB',
      what: 'x',
      measure: 'criticism_education',
      decision: 'y',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.details[0].field).toBe('body.personId');
    const noCase = await supervisor.post('/api/supervision/cases/NOPE-A1-L1/accountability', {
      departmentCode: 'DRC',
      what: 'x',
      measure: 'criticism_education',
      decision: 'y',
    });
    expect(noCase.status).toBe(404);
    // The same submission twice (a lost answer retried) is recorded once.
    const body = { departmentCode: 'DRC', what: '重复提交', measure: 'criticism_education', decision: '批评教育' };
    const headers = { 'Idempotency-Key': 'accountability-retry-1' };
    const once = await supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, body, headers);
    const twice = await supervisor.post(`/api/supervision/cases/${escalatedCaseId}/accountability`, body, headers);
    expect(once.status).toBe(201);
    expect(twice.status).toBe(201);
    expect(twice.body.id).toBe(once.body.id);
    expect((await supervisor.get(`/api/supervision/cases/${escalatedCaseId}/accountability`)).body).toHaveLength(3);
  });
});

describe('the public ranking (公示)', () => {
  it('when anyone reads the month’s ranking, then it lists departments with their scores and no staff member', async () => {
    const r = await anonymous.get(`/api/public/assessment/ranking?period=${period}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ period, final: false });
    expect(r.body.rows.map((x: any) => x.departmentCode).sort()).toEqual(['DRC', 'EEB', 'FGB', 'HUD', 'NRB', 'WRB']);
    const internal = (await supervisor.get(`/api/assessment?period=${period}`)).body;
    expect(r.body.rows.map((x: any) => [x.departmentCode, x.rank, x.score])).toEqual(
      internal.map((x: any) => [x.key, x.rank, x.score]),
    );
    const text = JSON.stringify(r.body);
    for (const personal of [SECOND_STAFF, '窗口', drcId, drc2Id, '督查协调室', '综合室管理员', 'changedBy']) {
      expect(text).not.toContain(personal);
    }
    expect(Object.keys(r.body.rows[0]).sort()).not.toContain('name');
  });
});

describe('the queries at scale', () => {
  it('when there are 10,000 decisions, then the month’s decisions are read by the index on their time', async () => {
    const db = stack.db.db;
    const anyApplication = (await sql<{ id: string }>`select id from applications limit 1`.execute(db)).rows[0]!.id;
    // Events of a type no trigger follows, and their decisions, long before the scenario's month.
    await sql`
      insert into events (event_id, application_id, step_id, type, actor_id, actor_name, at, detail)
      select 'BULK-' || g, ${anyApplication}, null, 'bulk_fixture', 'u' || (g % 40), 'x',
             timestamptz '2001-01-01' + (g || ' hours')::interval, '{}'::jsonb
      from generate_series(1, 10000) g`.execute(db);
    await sql`
      insert into step_decisions (event_id, step_id, application_id, attempt, department_code, decided_by, decided_by_name,
                                  decided_at, outcome, overdue, workdays_used, promised_limit_days, extension_days)
      select 'BULK-' || g, 'BULK-S' || g, ${anyApplication}, 1, (array['DRC','NRB','EEB','FGB','WRB','HUD'])[1 + g % 6],
             'u' || (g % 40), 'x', timestamptz '2001-01-01' + (g || ' hours')::interval, 'approved', g % 7 = 0, g % 9, 10, 0
      from generate_series(1, 10000) g`.execute(db);
    await sql`analyze`.execute(db);
    for (const by of ['department', 'staff'] as const) {
      const compiled = assessmentRepo.decisionsQuery(db, parsePeriod('2001-03')!, by).compile();
      const plan = (
        await db.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
        )
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/step_decisions_decided_at|step_decisions_department|step_decisions_decided_by/);
      expect(plan).not.toMatch(/Seq Scan on step_decisions/);
    }
    const march = (await supervisor.get('/api/assessment?period=2001-03')).body;
    expect(march.reduce((n: number, r: any) => n + r.decided, 0)).toBe(31 * 24);
  });
});
