// A decision racing the supervision ladder, on the training clock (one working day = 2 s):
// the decision is fired right when the step turns red and its case is being opened, or when the
// case is being escalated. Whatever the order, no case stays open on a decided step.
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const ROUNDS = 20;
const WORKDAY_SECONDS = 2;

let stack: Stack;
let officer: ApiClient;
let drc: ApiClient;
let supervisor: ApiClient;

beforeAll(async () => {
  stack = await startStack({ workdaySeconds: WORKDAY_SECONDS });
  [officer, drc, supervisor] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'supervisor'),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

interface CaseView {
  id: string;
  stepId: string;
  level: number;
  status: 'open' | 'closed';
  outcome: string | null;
}

async function casesOf(stepId: string): Promise<CaseView[]> {
  const all: CaseView[] = [];
  for (let page = 1; ; page++) {
    const r = await supervisor.get(`/api/supervision/cases?pageSize=200&page=${page}`);
    expect(r.status).toBe(200);
    all.push(...(r.body as CaseView[]));
    if (r.body.length < 200) break;
  }
  return all.filter((c) => c.stepId === stepId);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a decision racing the supervision ladder', () => {
  it('when a step is decided as its case opens or escalates, then that case is closed and none is duplicated', async () => {
    const rounds = Array.from({ length: ROUNDS }, async (_, i) => {
      const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
      expect(created.status).toBe(201);
      const stepId = created.body.steps[0].id as string;
      await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
      const accepted = await drc.post(`/api/steps/${stepId}/accept`);
      expect(accepted.status).toBe(200);
      // Half the rounds aim at the red light (case level 1), half at the first escalation.
      const target =
        i % 2 === 0 ? Date.parse(accepted.body.deadline) : Date.parse(accepted.body.deadline) + WORKDAY_SECONDS * 1000;
      await sleep(Math.max(0, target - Date.now() + ((i * 37) % 400)));
      const decided = await drc.post(`/api/steps/${stepId}/decision`, {
        outcome: 'approved',
        certificateNo: `BA-${i}`,
      });
      expect(decided.status).toBe(200);
      expect(decided.body.status).toBe('approved');
      const cases = await eventually(async () => {
        const c = await casesOf(stepId);
        return c.every((x) => x.status === 'closed') && c;
      }, 30_000);
      // One case per level at most, and the ladder never went past the decision.
      const levels = cases.map((c) => c.level);
      expect(new Set(levels).size).toBe(levels.length);
      const last = cases.sort((a, b) => b.level - a.level)[0];
      if (last) expect(last.outcome).toBe('decided');
      return cases.length;
    });
    const caseCounts = await Promise.all(rounds);
    // The race was run: some rounds were decided after the red light had opened a case.
    expect(caseCounts.some((n) => n > 0)).toBe(true);
  });
});
