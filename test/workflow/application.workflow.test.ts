// Fan-out, rejection, resubmission, withdrawal and joint sessions of the application workflow,
// on the time-skipping test server with the real activities on an in-memory PGlite.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { applicationsRepo } from '../../db/repositories/applications';
import { stepsRepo } from '../../db/repositories/steps';
import { sessionsRepo } from '../../db/repositories/sessions';
import {
  acceptUpdate,
  closeSessionUpdate,
  decideUpdate,
  recordOpinionUpdate,
  resubmitUpdate,
  scheduleSessionUpdate,
  withdrawUpdate,
} from '../../workflows/shared';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { refusal, staff, WorkflowHarness } from '../helpers/workflow-harness';

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

const approve = async (appId: string, matter: string, dept: string) => {
  await h.started(appId, matter);
  await h.step(appId, matter).executeUpdate(acceptUpdate, { args: [{ actor: staff(dept) }] });
  await h.step(appId, matter).executeUpdate(decideUpdate, { args: [{ actor: staff(dept), outcome: 'approved' }] });
};

const waitForStatus = async (appId: string, status: string) => {
  for (let i = 0; i < 100; i++) {
    if ((await applicationsRepo.find(h.db.db, appId))?.status === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`application ${appId} never became ${status}`);
};

describe('application workflow', () => {
  it('when prerequisites are approved, then dependents start in parallel, and when all are approved the application completes', async () => {
    {
      const { applicationId: id, handle } = await h.launch([
        { code: 'PROJECT-FILING', dept: 'DRC', days: 1 },
        { code: 'LAND-PREREVIEW', dept: 'NRB', pre: ['PROJECT-FILING'], days: 10 },
        { code: 'EIA-FORM', dept: 'EEB', pre: ['PROJECT-FILING'], days: 15 },
      ]);
      const filing = h.step(id, 'PROJECT-FILING');
      expect((await h.started(id, 'PROJECT-FILING')).status).toBe('submitted');

      await expect(filing.executeUpdate(acceptUpdate, { args: [{ actor: staff('NRB') }] })).rejects.toBeInstanceOf(
        WorkflowUpdateFailedError,
      );
      await expect(
        filing.executeUpdate(decideUpdate, { args: [{ actor: staff('DRC'), outcome: 'approved' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      expect((await stepsRepo.find(h.db.db, `${id}-LAND-PREREVIEW`))!.status).toBe('blocked');

      await approve(id, 'PROJECT-FILING', 'DRC');
      // Both dependents are at their windows at the same time.
      const [land, eia] = await Promise.all([h.started(id, 'LAND-PREREVIEW'), h.started(id, 'EIA-FORM')]);
      expect([land.status, eia.status]).toEqual(['submitted', 'submitted']);
      await approve(id, 'LAND-PREREVIEW', 'NRB');
      await approve(id, 'EIA-FORM', 'EEB');
      expect(await handle.result()).toBe('completed');
      expect((await applicationsRepo.find(h.db.db, id))!.status).toBe('completed');
    }
  });

  it('when a step is rejected, then dependents wait; a resubmission runs a new attempt and the application can complete', async () => {
    {
      const { applicationId: id, handle } = await h.launch([
        { code: 'PROJECT-FILING', dept: 'DRC', days: 1 },
        { code: 'EIA-FORM', dept: 'EEB', pre: ['PROJECT-FILING'], days: 15 },
      ]);
      const filing = h.step(id, 'PROJECT-FILING');
      await h.started(id, 'PROJECT-FILING');
      await filing.executeUpdate(acceptUpdate, { args: [{ actor: staff('DRC') }] });
      await expect(
        filing.executeUpdate(decideUpdate, { args: [{ actor: staff('DRC'), outcome: 'rejected', reason: '  ' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      await filing.executeUpdate(decideUpdate, {
        args: [{ actor: staff('DRC'), outcome: 'rejected', reason: '不符合产业政策' }],
      });
      await waitForStatus(id, 'needs_attention');
      expect((await stepsRepo.find(h.db.db, `${id}-EIA-FORM`))!.status).toBe('blocked');

      // Only a rejected matter can be resubmitted.
      expect(
        (
          await refusal(
            handle.executeUpdate(resubmitUpdate, { args: [{ actor: h.officer, matterCode: 'EIA-FORM', note: 'x' }] }),
          )
        ).message,
      ).toMatch(/only a rejected matter/);
      await handle.executeUpdate(resubmitUpdate, {
        args: [{ actor: h.officer, matterCode: 'PROJECT-FILING', note: '已调整建设内容' }],
      });
      await waitForStatus(id, 'in_progress');
      const second = await h.started(id, 'PROJECT-FILING');
      expect(second.attempt).toBe(2);
      for (let i = 0; i < 50 && (await stepsRepo.find(h.db.db, `${id}-PROJECT-FILING`))!.attempt !== 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const row = (await stepsRepo.find(h.db.db, `${id}-PROJECT-FILING`))!;
      expect([row.attempt, row.status, row.reason]).toEqual([2, 'submitted', null]);

      await approve(id, 'PROJECT-FILING', 'DRC');
      await approve(id, 'EIA-FORM', 'EEB');
      expect(await handle.result()).toBe('completed');
      // The first attempt stays in the timeline.
      const types = await h.eventTypes(id);
      expect(types.filter((t) => t === 'step_rejected')).toHaveLength(1);
      expect(types).toContain('step_resubmitted');
    }
  });

  it('when the officer withdraws, then every open and blocked step is cancelled with the reason', async () => {
    {
      const { applicationId: id, handle } = await h.launch([
        { code: 'PROJECT-FILING', dept: 'DRC', days: 1 },
        { code: 'EIA-FORM', dept: 'EEB', pre: ['PROJECT-FILING'], days: 15 },
      ]);
      await h.started(id, 'PROJECT-FILING');
      expect(
        (await refusal(handle.executeUpdate(withdrawUpdate, { args: [{ actor: staff('DRC'), reason: 'x' }] }))).message,
      ).toMatch(/proxy officer/);
      await handle.executeUpdate(withdrawUpdate, { args: [{ actor: h.officer, reason: '投资方决定暂缓建设' }] });
      expect(await handle.result()).toBe('withdrawn');
      const steps = await stepsRepo.listByApplication(h.db.db, id);
      expect(steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
      expect(await h.eventTypes(id)).toEqual(expect.arrayContaining(['step_cancelled', 'application_withdrawn']));
    }
  });

  it('when a joint session closes, then absent departments are deemed to agree and a disagreement needs attention', async () => {
    {
      const { applicationId: id, handle } = await h.launch([{ code: 'PROJECT-FILING', dept: 'DRC', days: 1 }]);
      const schedule = (sessionId: string, invited: string[]) =>
        handle.executeUpdate(scheduleSessionUpdate, {
          args: [
            {
              actor: h.officer,
              sessionId,
              kind: 'review_meeting',
              topic: '光伏项目联审',
              scheduledAt: '2026-12-03T02:00:00.000Z',
              location: '中心三楼会议室',
              invitedDepartments: invited,
            },
          ],
        });
      await schedule(`${id}-S1`, ['NRB', 'EEB', 'FGB']);
      // A department that was not invited has no voice; a disagreement needs reasons.
      expect(
        (
          await refusal(
            handle.executeUpdate(recordOpinionUpdate, {
              args: [{ actor: staff('WRB'), sessionId: `${id}-S1`, opinion: 'agree' }],
            }),
          )
        ).message,
      ).toMatch(/invited/);
      expect(
        (
          await refusal(
            handle.executeUpdate(recordOpinionUpdate, {
              args: [{ actor: staff('NRB'), sessionId: `${id}-S1`, opinion: 'disagree' }],
            }),
          )
        ).message,
      ).toMatch(/reasons/);
      await handle.executeUpdate(recordOpinionUpdate, {
        args: [{ actor: staff('NRB'), sessionId: `${id}-S1`, opinion: 'disagree', reason: '选址占用基本农田' }],
      });
      await handle.executeUpdate(recordOpinionUpdate, {
        args: [{ actor: staff('EEB'), sessionId: `${id}-S1`, opinion: 'agree_forward' }],
      });
      const closed = await handle.executeUpdate(closeSessionUpdate, {
        args: [{ actor: h.officer, sessionId: `${id}-S1`, minutes: '纪要' }],
      });
      expect(closed.opinions.find((o) => o.departmentCode === 'FGB')).toMatchObject({ opinion: 'agree', deemed: true });
      await waitForStatus(id, 'needs_attention');
      const row = (await sessionsRepo.find(h.db.db, `${id}-S1`))!;
      expect(row.status).toBe('closed');
      expect(row.opinions.map((o) => [o.departmentCode, o.opinion, o.deemed])).toEqual([
        ['NRB', 'disagree', false],
        ['EEB', 'agree_forward', false],
        ['FGB', 'agree', true],
      ]);

      // A later session where the disagreeing department agrees settles it.
      await schedule(`${id}-S2`, ['NRB']);
      await handle.executeUpdate(recordOpinionUpdate, {
        args: [{ actor: staff('NRB'), sessionId: `${id}-S2`, opinion: 'agree' }],
      });
      await handle.executeUpdate(closeSessionUpdate, {
        args: [{ actor: h.officer, sessionId: `${id}-S2`, minutes: '调整选址后同意' }],
      });
      await waitForStatus(id, 'in_progress');
      await approve(id, 'PROJECT-FILING', 'DRC');
      expect(await handle.result()).toBe('completed');
    }
  });
});
