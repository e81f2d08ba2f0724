// The whole-project clock (全流程用时) on the real working-day calendar with a target of 12 working
// days: a holiday entered by the admin moves the projection; the supervisor's project board lists
// open projects by risk; only supervisors and admins read it.
import { shanghaiDate, endOfShanghaiDay, WorkCalendar } from '../../domain/calendar';
import { publishedHolidayTable } from '../../lib/holiday-table';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const TARGET = 12;

let stack: Stack;
let officer: ApiClient;
let supervisor: ApiClient;
let admin: ApiClient;
let drc: ApiClient;

beforeAll(async () => {
  stack = await startStack({ projectTargetWorkdays: TARGET });
  officer = await ApiClient.login(stack.baseUrl, 'officer');
  supervisor = await ApiClient.login(stack.baseUrl, 'supervisor');
  admin = await ApiClient.login(stack.baseUrl, 'admin');
  drc = await ApiClient.login(stack.baseUrl, 'staff.drc');
});

afterAll(async () => {
  await stack?.stop();
});

const launch = async (matters: string[]) => {
  const r = await officer.post('/api/applications', applicationBody(matters));
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const read = async (id: string) => (await supervisor.get(`/api/applications/${id}`)).body;

describe('the whole-project clock on the working-day calendar', () => {
  it('when the admin adds a holiday inside the plan, then the projection moves one working day later', async () => {
    const id = await launch(['LAND-PREREVIEW']);
    // The filing is accepted (its deadline: the next working day); the land pre-review waits for it.
    const accepted = await drc.post(`/api/steps/${id}-PROJECT-FILING/accept`);
    expect(accepted.status).toBe(200);
    const before = await read(id);
    expect(before.projectClock).toMatchObject({ targetWorkdays: TARGET, projectedWorkdays: 11, light: 'yellow' });
    const [filing, land] = before.criticalPath;
    expect(filing).toMatchObject({ matterCode: 'PROJECT-FILING', end: accepted.body.deadline });
    expect(land).toMatchObject({
      matterCode: 'LAND-PREREVIEW',
      start: accepted.body.deadline,
      startDay: 1,
      endDay: 11,
    });

    // The filing's deadline day becomes a holiday.
    const holiday = shanghaiDate(new Date(accepted.body.deadline));
    const saved = await admin.post('/api/calendar/days', { date: holiday, workday: false, note: '临时调整' });
    expect(saved.status).toBe(201);
    const calendar = new WorkCalendar(publishedHolidayTable(), [{ date: holiday, workday: false }]);
    const expected = endOfShanghaiDay(
      calendar.nthWorkdayAfter(shanghaiDate(new Date(before.projectClock.projectedCompletion)), 1),
    ).toISOString();
    // The filing's workflow recomputes its deadline; the blocked step is projected from it on read.
    const after = await eventually(async () => {
      const a = await read(id);
      return a.projectClock.projectedCompletion === expected && a;
    });
    expect(Date.parse(after.criticalPath[0].end)).toBeGreaterThan(Date.parse(accepted.body.deadline));
    expect(after.projectClock.projectedWorkdays).toBe(11);
  });

  it('when the supervisor opens the project board, then open projects are listed red, yellow, green, the larger overrun first', async () => {
    // Projected working days: 1, 11 (yellow: past 80 % of 12), 18 and 25 (red, 6 and 13 over).
    const green = await launch(['PROJECT-FILING']);
    const yellow = await launch(['LAND-PREREVIEW']);
    const red = await launch(['LAND-USE-PLANNING']);
    const redder = await launch(['WORKS-PLANNING']);
    const mine = [green, yellow, red, redder];

    const board = await supervisor.get('/api/supervision/projects?pageSize=200');
    expect(board.status).toBe(200);
    const rows = board.body.items.filter((p: any) => mine.includes(p.id));
    expect(rows.map((p: any) => p.id)).toEqual([redder, red, yellow, green]);
    expect(rows.map((p: any) => p.projectClock.light)).toEqual(['red', 'red', 'yellow', 'green']);
    expect(rows.map((p: any) => p.projectClock.overrunWorkdays)).toEqual([13, 6, -1, -11]);
    expect(rows[0]).toMatchObject({
      projectName: '根河光伏电站项目',
      investorName: '根河新能源有限公司',
      criticalSteps: 4,
      waitingOn: { matterCode: 'PROJECT-FILING', departmentCode: 'DRC', status: 'submitted' },
    });
    expect(board.body.counts.red).toBeGreaterThanOrEqual(2);
    // The whole board is in risk order, whoever else is on it.
    const risk = { red: 0, yellow: 1, green: 2 } as Record<string, number>;
    const lights = board.body.items.map((p: any) => risk[p.projectClock.light]);
    expect(lights).toEqual([...lights].sort((a: number, b: number) => a - b));

    // One light, a page at a time.
    const reds = await supervisor.get('/api/supervision/projects?light=red&pageSize=1');
    expect(reds.body).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(reds.body.items.map((p: any) => p.id)).toEqual([redder]);
    const second = await supervisor.get('/api/supervision/projects?light=red&pageSize=1&page=2');
    expect(second.body.items.map((p: any) => p.id)).toEqual([red]);
    expect((await supervisor.get('/api/supervision/projects?light=blue')).status).toBe(400);
    expect((await admin.get('/api/supervision/projects')).status).toBe(200);

    // The application page draws the critical path through all four steps.
    const app = await read(redder);
    expect(app.criticalPath.map((s: any) => s.matterCode)).toEqual([
      'PROJECT-FILING',
      'LAND-PREREVIEW',
      'LAND-USE-PLANNING',
      'WORKS-PLANNING',
    ]);
    expect(app.criticalPath.map((s: any) => s.endDay)).toEqual([1, 11, 18, 25]);
    expect(app.schedule.every((s: any) => s.critical && s.open)).toBe(true);
  });

  it('when an officer or a department window asks for the project board, then it is refused; staff see the clock without other departments’ dates', async () => {
    for (const caller of [officer, drc, await ApiClient.login(stack.baseUrl, 'cashier')]) {
      const r = await caller.get('/api/supervision/projects');
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    const id = await launch(['LAND-PREREVIEW']);
    const seen = (await drc.get(`/api/applications/${id}`)).body;
    expect(seen.projectClock).toMatchObject({ targetWorkdays: TARGET, light: 'yellow' });
    expect(seen.schedule).toBeUndefined();
    const [own, other] = seen.criticalPath;
    expect(own).toMatchObject({ matterCode: 'PROJECT-FILING', end: expect.any(String) });
    expect(other).toMatchObject({ matterCode: 'LAND-PREREVIEW', departmentCode: 'NRB' });
    expect(other.end).toBeUndefined();
  });
});
