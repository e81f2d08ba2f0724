// The application and step workflows on the time-skipping test server, with the real
// activities writing to an in-memory PGlite database.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createActivities } from '../../activities';
import { createWorkingTimeSource } from '../../activities/calendar';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { stepsRepo } from '../../db/repositories/steps';
import { seedDemo } from '../../db/seed';
import type { Actor } from '../../domain/model';
import {
  acceptUpdate,
  applicationWorkflowId,
  decideUpdate,
  stepStateQuery,
  stepWorkflowId,
  type ApplicationWorkflowInput,
} from '../../workflows/shared';
import { createTimeSkippingEnv } from '../helpers/temporal';

const staff = (departmentCode: string): Actor => ({
  id: `staff-${departmentCode}`,
  username: `staff.${departmentCode.toLowerCase()}`,
  displayName: `${departmentCode} window`,
  role: 'staff',
  departmentCode,
});

let env: TestWorkflowEnvironment;
let db: DatabaseHandle;
let seq = 0;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  db = await openDatabase({ inMemory: true });
  await migrateToLatest(db.db);
  await seedDemo(db.db, 'admin');
});

afterAll(async () => {
  await db?.close();
  await env?.teardown();
});

async function recordApplication(matters: Array<{ code: string; dept: string; pre: string[]; days: number }>) {
  const applicationId = `WT${Date.now()}${++seq}`;
  const officer = await db.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'officer')
    .executeTakeFirstOrThrow();
  await applicationsRepo.insert(db.db, {
    id: applicationId,
    officerId: officer.id,
    project: { name: 'p', code: null, investmentWanYuan: 1, location: 'l', industry: 'i' },
    investor: { name: 'n', creditCode: 'c', contactName: 'c', phone: 'p' },
    idempotencyKey: null,
    requestHash: null,
    createdAt: new Date(),
    steps: matters.map((m) => ({
      id: `${applicationId}-${m.code}`,
      matterCode: m.code,
      departmentCode: m.dept,
      prerequisites: m.pre,
      status: m.pre.length ? 'blocked' : 'submitted',
      submittedAt: null,
    })),
  });
  const input: ApplicationWorkflowInput = {
    applicationId,
    steps: matters.map((m) => ({
      stepId: `${applicationId}-${m.code}`,
      matterCode: m.code,
      departmentCode: m.dept,
      prerequisites: m.pre,
      promisedLimitDays: m.days,
    })),
  };
  return input;
}

/** Waits until the step's child workflow has been started by its parent, and returns its state. */
async function stepStarted(handle: ReturnType<typeof env.client.workflow.getHandle>) {
  for (let i = 0; i < 200; i++) {
    const state = await handle.query(stepStateQuery).catch(() => undefined);
    if (state) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`step workflow ${handle.workflowId} never started`);
}

function newWorker(taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ db: db.db, workingTime: createWorkingTimeSource(db.db, undefined) }),
  });
}

describe('application workflow', () => {
  it('when the filing is approved, then the dependent step starts, and when both are approved the application completes', async () => {
    const taskQueue = 'wf-slice';
    const input = await recordApplication([
      { code: 'PROJECT-FILING', dept: 'DRC', pre: [], days: 1 },
      { code: 'LAND-PREREVIEW', dept: 'NRB', pre: ['PROJECT-FILING'], days: 10 },
    ]);
    const worker = await newWorker(taskQueue);
    await worker.runUntil(async () => {
      const app = await env.client.workflow.start('applicationWorkflow', {
        workflowId: applicationWorkflowId(input.applicationId),
        taskQueue,
        args: [input],
      });
      const filing = env.client.workflow.getHandle(stepWorkflowId(input.applicationId, 'PROJECT-FILING'));
      const land = env.client.workflow.getHandle(stepWorkflowId(input.applicationId, 'LAND-PREREVIEW'));

      expect((await stepStarted(filing)).status).toBe('submitted');
      // Wrong department: refused by the validator.
      await expect(filing.executeUpdate(acceptUpdate, { args: [{ actor: staff('NRB') }] })).rejects.toBeInstanceOf(
        WorkflowUpdateFailedError,
      );
      // Deciding before acceptance does not fit the state.
      await expect(
        filing.executeUpdate(decideUpdate, { args: [{ actor: staff('DRC'), outcome: 'approved' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);

      const accepted = await filing.executeUpdate(acceptUpdate, { args: [{ actor: staff('DRC') }] });
      expect(accepted.status).toBe('in_review');
      expect(accepted.deadline).not.toBeNull();
      expect(new Date(accepted.deadline!).getTime()).toBeGreaterThan(new Date(accepted.acceptedAt!).getTime());

      // The dependent step is still blocked in the read model: no workflow yet.
      expect((await stepsRepo.find(db.db, `${input.applicationId}-LAND-PREREVIEW`))!.status).toBe('blocked');

      await filing.executeUpdate(decideUpdate, {
        args: [{ actor: staff('DRC'), outcome: 'approved', certificateNo: 'BA-1' }],
      });

      expect((await stepStarted(land)).status).toBe('submitted');

      await land.executeUpdate(acceptUpdate, { args: [{ actor: staff('NRB') }] });
      await land.executeUpdate(decideUpdate, { args: [{ actor: staff('NRB'), outcome: 'approved' }] });
      expect(await app.result()).toBe('completed');
    });

    const steps = await stepsRepo.listByApplication(db.db, input.applicationId);
    expect(steps.map((s) => [s.matter_code, s.status, s.light])).toEqual([
      ['LAND-PREREVIEW', 'approved', 'none'],
      ['PROJECT-FILING', 'approved', 'none'],
    ]);
    expect((await applicationsRepo.find(db.db, input.applicationId))!.status).toBe('completed');
    const types = (await eventsRepo.timeline(db.db, input.applicationId)).map((e) => e.type);
    expect(types).toEqual([
      'step_submitted',
      'step_accepted',
      'step_approved',
      'step_submitted',
      'step_accepted',
      'step_approved',
      'application_completed',
    ]);
  });

  it('when a step is rejected, then its dependents never start and the application needs attention', async () => {
    const taskQueue = 'wf-reject';
    const input = await recordApplication([
      { code: 'PROJECT-FILING', dept: 'DRC', pre: [], days: 1 },
      { code: 'EIA-FORM', dept: 'EEB', pre: ['PROJECT-FILING'], days: 15 },
    ]);
    const worker = await newWorker(taskQueue);
    await worker.runUntil(async () => {
      await env.client.workflow.start('applicationWorkflow', {
        workflowId: applicationWorkflowId(input.applicationId),
        taskQueue,
        args: [input],
      });
      const filing = env.client.workflow.getHandle(stepWorkflowId(input.applicationId, 'PROJECT-FILING'));
      await stepStarted(filing);
      await filing.executeUpdate(acceptUpdate, { args: [{ actor: staff('DRC') }] });
      await expect(
        filing.executeUpdate(decideUpdate, { args: [{ actor: staff('DRC'), outcome: 'rejected', reason: '  ' }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      await filing.executeUpdate(decideUpdate, {
        args: [{ actor: staff('DRC'), outcome: 'rejected', reason: '不符合产业政策' }],
      });
      for (let i = 0; i < 100; i++) {
        const a = await applicationsRepo.find(db.db, input.applicationId);
        if (a?.status === 'needs_attention') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    expect((await applicationsRepo.find(db.db, input.applicationId))!.status).toBe('needs_attention');
    const eia = (await stepsRepo.find(db.db, `${input.applicationId}-EIA-FORM`))!;
    expect(eia.status).toBe('blocked');
    const filing = (await stepsRepo.find(db.db, `${input.applicationId}-PROJECT-FILING`))!;
    expect([filing.status, filing.reason]).toEqual(['rejected', '不符合产业政策']);
  });
});
