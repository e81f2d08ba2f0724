// Conflicting actions fired at the same moment, many rounds, through the real stack: one winner,
// a clear 409 for the loser, the final state and the timeline exactly as a user would expect.
import { stepWorkflowId } from '../../workflows/shared';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type ApiResponse, type Stack } from '../helpers/stack';

const ROUNDS = 20;
/** Rounds run a few at a time: each round's two actions are fired together. */
const PARALLEL_ROUNDS = 5;

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

afterAll(async () => {
  await stack?.stop();
});

async function inRounds(round: (i: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < ROUNDS; start += PARALLEL_ROUNDS) {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ROUNDS, ROUNDS - start) }, (_, k) => round(start + k)));
  }
}

const key = () => `race-${Math.random().toString(36).slice(2)}`;

/** A one-step application (project filing at the DRC window), its step submitted. */
async function launchFiling(): Promise<{ appId: string; stepId: string }> {
  const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']), {
    'Idempotency-Key': key(),
  });
  expect(created.status).toBe(201);
  const appId = created.body.id as string;
  const stepId = created.body.steps[0].id as string;
  await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
  return { appId, stepId };
}

async function rejectFiling(appId: string, stepId: string): Promise<void> {
  const rejected = await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'rejected', reason: '材料不符合要求' });
  expect(rejected.status).toBe(200);
  await eventually(async () => (await officer.get(`/api/applications/${appId}`)).body.status === 'needs_attention');
}

const timelineTypes = async (appId: string): Promise<string[]> =>
  (await officer.get(`/api/applications/${appId}/timeline`)).body.map((e: { type: string }) => e.type);

const count = (types: string[], type: string) => types.filter((t) => t === type).length;

/** The two answers of a race, sorted: the winner first. */
function winnerAndLoser(a: ApiResponse, b: ApiResponse): [ApiResponse, ApiResponse] {
  return a.status === 200 ? [a, b] : [b, a];
}

describe('conflicting actions at the same moment', () => {
  it('when two windows resubmit the same rejected matter at once, then one wins and the attempt goes up by one', async () => {
    await inRounds(async () => {
      const { appId, stepId } = await launchFiling();
      await rejectFiling(appId, stepId);
      const body = { matterCode: 'PROJECT-FILING', note: '已补充材料' };
      const [winner, loser] = winnerAndLoser(
        ...((await Promise.all([
          officer.post(`/api/applications/${appId}/resubmit`, body, { 'Idempotency-Key': key() }),
          officer.post(`/api/applications/${appId}/resubmit`, body, { 'Idempotency-Key': key() }),
        ])) as [ApiResponse, ApiResponse]),
      );
      expect(winner.status).toBe(200);
      expect(loser.status).toBe(409);
      expect(loser.body.error.code).toBe('conflict');
      const step = await eventually(async () => {
        const s = (await officer.get(`/api/steps/${stepId}`)).body;
        return s.attempt === 2 && s.status === 'submitted' && s;
      });
      expect(step.attempt).toBe(2);
      const types = await timelineTypes(appId);
      expect(count(types, 'step_resubmitted')).toBe(1);
      expect(count(types, 'step_submitted')).toBe(2);
    });
  });

  it('when the officer withdraws while the last step is being approved, then the application ends withdrawn or completed, never stuck', async () => {
    const outcomes = { withdrawn: 0, completed: 0 };
    await inRounds(async () => {
      const { appId, stepId } = await launchFiling();
      expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
      const [decision, withdrawal] = await Promise.all([
        drc.post(
          `/api/steps/${stepId}/decision`,
          { outcome: 'approved', certificateNo: 'BA-1' },
          { 'Idempotency-Key': key() },
        ),
        officer.post(`/api/applications/${appId}/withdraw`, { reason: '投资人撤回' }, { 'Idempotency-Key': key() }),
      ]);
      expect([200, 409]).toContain(decision.status);
      expect([200, 409]).toContain(withdrawal.status);
      const final = await eventually(async () => {
        const a = (await officer.get(`/api/applications/${appId}`)).body;
        return ['withdrawn', 'completed'].includes(a.status) && a;
      });
      if (withdrawal.status === 200) {
        expect(final.status).toBe('withdrawn');
        expect(withdrawal.body.status).toBe('withdrawn');
        // The step ended one way or the other, and says which.
        expect(['approved', 'cancelled']).toContain(final.steps[0].status);
        expect(final.steps[0].status === 'approved').toBe(decision.status === 200);
      } else {
        expect(final.status).toBe('completed');
        expect(decision.status).toBe(200);
        // Sent again, the refusal is as clear.
        const again = await officer.post(`/api/applications/${appId}/withdraw`, { reason: '投资人撤回' });
        expect(again.status).toBe(409);
      }
      outcomes[final.status as 'withdrawn' | 'completed']++;
      const types = await timelineTypes(appId);
      expect(count(types, 'application_withdrawn') + count(types, 'application_completed')).toBe(1);
      expect(count(types, 'step_approved') + count(types, 'step_cancelled')).toBe(1);
    });
    expect(outcomes.withdrawn + outcomes.completed).toBe(ROUNDS);
  });

  it('when a resubmission and a withdrawal overlap, then the application ends withdrawn and no step is left open', async () => {
    await inRounds(async () => {
      const { appId, stepId } = await launchFiling();
      await rejectFiling(appId, stepId);
      const [resubmission, withdrawal] = await Promise.all([
        officer.post(
          `/api/applications/${appId}/resubmit`,
          { matterCode: 'PROJECT-FILING', note: '已补充材料' },
          { 'Idempotency-Key': key() },
        ),
        officer.post(`/api/applications/${appId}/withdraw`, { reason: '投资人撤回' }, { 'Idempotency-Key': key() }),
      ]);
      expect(withdrawal.status).toBe(200);
      expect([200, 409]).toContain(resubmission.status);
      const final = (await officer.get(`/api/applications/${appId}`)).body;
      expect(final.status).toBe('withdrawn');
      const types = await timelineTypes(appId);
      if (resubmission.status === 409) {
        // The withdrawal came first: no new attempt was started.
        expect(count(types, 'step_submitted')).toBe(1);
        expect(final.steps[0]).toMatchObject({ status: 'rejected', attempt: 1 });
      } else {
        // The resubmission came first: its new attempt was cancelled by the withdrawal.
        expect(count(types, 'step_submitted')).toBe(2);
        await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.status === 'cancelled');
      }
    });
  });

  it('when the application has closed, then a later resubmission is a 409 naming its status, not a 404', async () => {
    const { appId, stepId } = await launchFiling();
    await rejectFiling(appId, stepId);
    expect((await officer.post(`/api/applications/${appId}/withdraw`, { reason: '投资人撤回' })).status).toBe(200);
    // The workflow closes right after its last report.
    await eventually(async () => {
      const r = await officer.post(`/api/applications/${appId}/resubmit`, {
        matterCode: 'PROJECT-FILING',
        note: '再次提交',
      });
      return r.status === 409 && r.body.error.reason === 'application_closed' && r;
    });
    const late = await officer.post(`/api/applications/${appId}/resubmit`, {
      matterCode: 'PROJECT-FILING',
      note: '再次提交',
    });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ reason: 'application_closed', params: { status: 'withdrawn' } });
  });

  it('when acceptance and an extension arrive together, then the extended deadline is kept', async () => {
    await inRounds(async () => {
      const { stepId } = await launchFiling();
      const [acceptance, extension] = await Promise.all([
        drc.post(`/api/steps/${stepId}/accept`, {}, { 'Idempotency-Key': key() }),
        supervisor.post(
          `/api/steps/${stepId}/extension`,
          // Promised 1, statutory 3: 3 more days pass the statutory limit, so the head is named.
          { workdays: 3, reason: '需要补充踏勘', approvedBy: '李主任' },
          { 'Idempotency-Key': key() },
        ),
      ]);
      expect(acceptance.status).toBe(200);
      expect([200, 409]).toContain(extension.status);
      if (extension.status === 409) {
        // Before acceptance there is no deadline to extend; granted now, it still counts.
        expect(
          (
            await supervisor.post(`/api/steps/${stepId}/extension`, {
              workdays: 3,
              reason: '需要补充踏勘',
              approvedBy: '李主任',
            })
          ).status,
        ).toBe(200);
      }
      const step = (await officer.get(`/api/steps/${stepId}`)).body;
      expect(step.extensionDays).toBe(3);
      const events = (await officer.get(`/api/applications/${step.applicationId}/timeline`)).body as Array<{
        type: string;
        detail: { deadline?: string };
      }>;
      const acceptedDeadline = events.find((e) => e.type === 'step_accepted')!.detail.deadline!;
      const extendedDeadline = events.find((e) => e.type === 'step_extended')!.detail.deadline!;
      expect(Date.parse(extendedDeadline)).toBeGreaterThan(Date.parse(acceptedDeadline));
      expect(step.deadline).toBe(extendedDeadline);
    });
  });

  it('when a window accepts the moment a step is launched, then the timeline shows it submitted before accepted', async () => {
    await inRounds(async () => {
      const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']), {
        'Idempotency-Key': key(),
      });
      expect(created.status).toBe(201);
      const stepId = created.body.steps[0].id as string;
      // No waiting for the step's workflow: the accept may reach it with its start.
      const accepted = await drc.post(`/api/steps/${stepId}/accept`, {}, { 'Idempotency-Key': key() });
      expect(accepted.status).toBe(200);
      const types = await timelineTypes(created.body.id);
      expect(types.slice(0, 3)).toEqual(['application_created', 'step_submitted', 'step_accepted']);
    });
  });

  it('when a step workflow is terminated, then the step shows failed, the supervisor sees it and the officer can still withdraw or start it again', async () => {
    for (const next of ['withdraw', 'resubmit'] as const) {
      const { appId, stepId } = await launchFiling();
      await stack.client.workflow.getHandle(stepWorkflowId(appId, 'PROJECT-FILING')).terminate('operator error');
      const app = await eventually(async () => {
        const a = (await officer.get(`/api/applications/${appId}`)).body;
        return a.status === 'needs_attention' && a.steps[0].status === 'failed' && a;
      });
      expect(app.steps[0].status).toBe('failed');
      const board = (await supervisor.get('/api/supervision/board')).body as Array<{ id: string; status: string }>;
      expect(board.find((s) => s.id === stepId)?.status).toBe('failed');
      expect(await timelineTypes(appId)).toContain('step_failed');
      if (next === 'withdraw') {
        const withdrawn = await officer.post(`/api/applications/${appId}/withdraw`, { reason: '重新申报' });
        expect(withdrawn.status).toBe(200);
        expect(withdrawn.body.status).toBe('withdrawn');
      } else {
        const again = await officer.post(`/api/applications/${appId}/resubmit`, {
          matterCode: 'PROJECT-FILING',
          note: '重新启动',
        });
        expect(again.status).toBe(200);
        const step = await eventually(async () => {
          const s = (await officer.get(`/api/steps/${stepId}`)).body;
          return s.status === 'submitted' && s.attempt === 2 && s;
        });
        expect(step.attempt).toBe(2);
        expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
        expect((await drc.post(`/api/steps/${stepId}/decision`, { outcome: 'approved' })).status).toBe(200);
        await eventually(async () => (await officer.get(`/api/applications/${appId}`)).body.status === 'completed');
      }
    }
  });
});
