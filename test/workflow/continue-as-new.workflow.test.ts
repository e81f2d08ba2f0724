// A long-lived application continues as new before its history grows past its bound, and
// nothing is lost on the way: steps that run across the hand-over report to the new run,
// sessions and resubmissions carry over, and the timeline holds every event once.
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { applicationsRepo } from '../../db/repositories/applications';
import {
  acceptUpdate,
  closeSessionUpdate,
  decideUpdate,
  resubmitUpdate,
  scheduleSessionUpdate,
  withdrawUpdate,
} from '../../workflows/shared';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { staff, WorkflowHarness } from '../helpers/workflow-harness';

let env: TestWorkflowEnvironment;
let h: WorkflowHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await WorkflowHarness.create(env);
  await h.start();
});

afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

const CHAIN = [
  { code: 'PROJECT-FILING', dept: 'DRC', days: 1 },
  { code: 'LAND-PREREVIEW', dept: 'NRB', pre: ['PROJECT-FILING'], days: 10 },
  { code: 'LAND-USE-PLANNING', dept: 'NRB', pre: ['LAND-PREREVIEW'], days: 7 },
];

const waitForStatus = async (appId: string, status: string) => {
  for (let i = 0; i < 200; i++) {
    if ((await applicationsRepo.find(h.db.db, appId))?.status === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`application ${appId} never became ${status}`);
};

describe('continue as new', () => {
  it('when an application outgrows its history bound, then it continues as new and completes with every event once', async () => {
    const { applicationId, handle } = await h.launch(CHAIN, {}, undefined, { historyLimit: 25 });
    const firstRunId = (await handle.describe()).runId;
    const decide = async (matter: string, dept: string, outcome: 'approved' | 'rejected') => {
      await h.started(applicationId, matter);
      const step = h.step(applicationId, matter);
      await step.executeUpdate(acceptUpdate, { args: [{ actor: staff(dept) }] });
      await step.executeUpdate(decideUpdate, {
        args: [{ actor: staff(dept), outcome, ...(outcome === 'rejected' ? { reason: '用地性质不符' } : {}) }],
      });
    };

    await decide('PROJECT-FILING', 'DRC', 'approved');
    // Sessions while a step runs: each adds history to the application.
    for (let i = 1; i <= 4; i++) {
      const sessionId = `${applicationId}-S${i}`;
      await handle.executeUpdate(scheduleSessionUpdate, {
        args: [
          {
            actor: h.officer,
            sessionId,
            kind: 'review_meeting',
            topic: `第${i}次联审会`,
            scheduledAt: '2026-12-01T09:00:00+08:00',
            location: '三楼会议室',
            invitedDepartments: ['NRB'],
          },
        ],
      });
      await handle.executeUpdate(closeSessionUpdate, { args: [{ actor: h.officer, sessionId, minutes: '同意' }] });
    }
    await decide('LAND-PREREVIEW', 'NRB', 'rejected');
    await waitForStatus(applicationId, 'needs_attention');
    await handle.executeUpdate(resubmitUpdate, {
      args: [{ actor: h.officer, matterCode: 'LAND-PREREVIEW', note: '已调整用地范围' }],
    });
    await decide('LAND-PREREVIEW', 'NRB', 'approved');
    await decide('LAND-USE-PLANNING', 'NRB', 'approved');

    expect(await handle.result()).toBe('completed');
    // The run that completed is not the first: the application continued as new at least once.
    expect((await handle.describe()).runId).not.toBe(firstRunId);
    let runs = 0;
    for (let runId: string | undefined = firstRunId; runId; runs++) {
      const history: temporal.api.history.v1.IHistory = await env.client.workflow
        .getHandle(handle.workflowId, runId)
        .fetchHistory();
      const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
      // Each run stays near its bound (a run hands over at a quiet moment, after the bound).
      expect(events.length).toBeLessThan(120);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runs).toBeGreaterThan(1);

    const types = await h.eventTypes(applicationId);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count('step_approved')).toBe(3);
    expect(count('step_rejected')).toBe(1);
    expect(count('step_resubmitted')).toBe(1);
    expect(count('session_closed')).toBe(4);
    expect(count('application_completed')).toBe(1);
    const app = await applicationsRepo.find(h.db.db, applicationId);
    expect(app?.status).toBe('completed');
  });

  it('when an application past its bound is withdrawn while steps run, then it ends withdrawn and its steps cancelled', async () => {
    const { applicationId, handle } = await h.launch(CHAIN, {}, undefined, { historyLimit: 12 });
    await h.started(applicationId, 'PROJECT-FILING');
    for (let i = 1; i <= 3; i++) {
      await handle.executeUpdate(scheduleSessionUpdate, {
        args: [
          {
            actor: h.officer,
            sessionId: `${applicationId}-W${i}`,
            kind: 'site_inspection',
            topic: `第${i}次踏勘`,
            scheduledAt: '2026-12-01T09:00:00+08:00',
            location: '项目现场',
            invitedDepartments: ['DRC'],
          },
        ],
      });
    }
    expect(await handle.executeUpdate(withdrawUpdate, { args: [{ actor: h.officer, reason: '投资人撤回' }] })).toBe(
      'withdrawn',
    );
    expect(await handle.result()).toBe('withdrawn');
    expect((await h.state(applicationId, 'PROJECT-FILING')).status).toBe('cancelled');
    const types = await h.eventTypes(applicationId);
    expect(types.filter((t) => t === 'application_withdrawn')).toHaveLength(1);
  });
});
