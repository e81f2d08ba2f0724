// Workflows on a Temporal test environment with the real activities writing to an in-memory
// PGlite database seeded with the demo catalog. Each test launches its own application.
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createWorkingTimeSource } from '../../activities/calendar';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { seedDemo } from '../../db/seed';
import type { Actor } from '../../domain/model';
import type { StepSnapshot } from '../../domain/projection';
import {
  DEFAULT_CLOCK_POLICY,
  applicationWorkflowId,
  stepStateQuery,
  stepWorkflowId,
  type ApplicationWorkflowInput,
  type ClockPolicy,
} from '../../workflows/shared';

export const staff = (departmentCode: string): Actor => ({
  id: `staff-${departmentCode}`,
  username: `staff.${departmentCode.toLowerCase()}`,
  displayName: `${departmentCode} window`,
  role: 'staff',
  departmentCode,
});
export const supervisor: Actor = {
  id: 'sup',
  username: 'supervisor',
  displayName: '督查协调室',
  role: 'supervisor',
  departmentCode: null,
};
export const cashier: Actor = {
  id: 'cash',
  username: 'cashier',
  displayName: '收费处',
  role: 'cashier',
  departmentCode: null,
};

export interface PlannedMatter {
  code: string;
  dept: string;
  pre?: string[];
  days: number;
  fee?: number;
}

/**
 * One worker for all tests of a file: on the time-skipping server, time is global, and a timer
 * that fires for a workflow nobody polls would stop time from moving on for every other test.
 * Workflows a test leaves open are not terminated: a termination racing a workflow task leaves
 * the test server's time-skipping lock held. Their ladders end at the last level by themselves.
 */
export class WorkflowHarness {
  private seq = 0;
  private bundle?: WorkflowBundleWithSourceMap;
  private running?: { worker: Worker; run: Promise<void> };
  readonly taskQueue = 'harness';
  officer!: Actor;

  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly db: DatabaseHandle,
  ) {}

  static async create(env: TestWorkflowEnvironment): Promise<WorkflowHarness> {
    const db = await openDatabase({ inMemory: true });
    await migrateToLatest(db.db);
    await seedDemo(db.db, 'admin');
    const h = new WorkflowHarness(env, db);
    const officer = await db.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', 'officer')
      .executeTakeFirstOrThrow();
    h.officer = {
      id: officer.id,
      username: officer.username,
      displayName: officer.display_name,
      role: 'officer',
      departmentCode: null,
    };
    return h;
  }

  async worker(taskQueue: string, workdaySeconds?: number): Promise<Worker> {
    this.bundle ??= await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: quietLogger,
    });
    return Worker.create({
      connection: this.env.nativeConnection,
      taskQueue,
      workflowBundle: this.bundle,
      activities: createActivities({
        db: this.db.db,
        workingTime: createWorkingTimeSource(this.db.db, workdaySeconds),
      }),
    });
  }

  /** Starts the file's worker (once). */
  async start(workdaySeconds?: number): Promise<void> {
    if (this.running) return;
    const worker = await this.worker(this.taskQueue, workdaySeconds);
    this.running = { worker, run: worker.run() };
  }

  /** Records an application with the given plan and starts its workflow. */
  async launch(matters: PlannedMatter[], policy: Partial<ClockPolicy> = {}, taskQueue = this.taskQueue) {
    const applicationId = `WT${Date.now()}${++this.seq}`;
    const steps = matters.map((m) => ({
      id: `${applicationId}-${m.code}`,
      matterCode: m.code,
      matterName: m.code,
      departmentCode: m.dept,
      prerequisites: m.pre ?? [],
      promisedLimitDays: m.days,
      feeAmountFen: m.fee ?? null,
      status: (m.pre?.length ? 'blocked' : 'submitted') as 'blocked' | 'submitted',
      submittedAt: null,
    }));
    await applicationsRepo.insert(this.db.db, {
      id: applicationId,
      officerId: this.officer.id,
      project: { name: 'p', code: null, investmentWanYuan: 1, location: 'l', industry: 'i' },
      investor: { name: 'n', creditCode: 'c', contactName: 'c', phone: 'p' },
      idempotencyKey: null,
      requestHash: null,
      createdAt: new Date(),
      steps,
    });
    const input: ApplicationWorkflowInput = {
      applicationId,
      officerId: this.officer.id,
      policy: { ...DEFAULT_CLOCK_POLICY, ...policy },
      steps: steps.map((s) => ({
        stepId: s.id,
        matterCode: s.matterCode,
        matterName: s.matterName,
        departmentCode: s.departmentCode,
        prerequisites: s.prerequisites,
        promisedLimitDays: s.promisedLimitDays,
        feeAmountFen: s.feeAmountFen,
      })),
    };
    const handle = await this.env.client.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(applicationId),
      taskQueue,
      args: [input],
    });
    return { applicationId, handle, input };
  }

  step(applicationId: string, matterCode: string): WorkflowHandle {
    return this.env.client.workflow.getHandle(stepWorkflowId(applicationId, matterCode));
  }

  /** Waits until the step's child workflow has been started by its parent, and returns its state. */
  async started(applicationId: string, matterCode: string): Promise<StepSnapshot> {
    const handle = this.step(applicationId, matterCode);
    for (let i = 0; i < 200; i++) {
      const state = await handle.query(stepStateQuery).catch(() => undefined);
      // Started, and its first report (with the acceptance window) made.
      if (state?.acceptanceDeadline) return state;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`step workflow ${handle.workflowId} never started`);
  }

  state(applicationId: string, matterCode: string): Promise<StepSnapshot> {
    return this.step(applicationId, matterCode).query(stepStateQuery);
  }

  /** Advances the test server's clock to just after `iso`. */
  async sleepUntil(iso: string, slackMs = 60_000): Promise<void> {
    const now = await this.env.currentTimeMs();
    const target = Date.parse(iso) + slackMs;
    if (target > now) await this.env.sleep(target - now);
  }

  async eventTypes(applicationId: string): Promise<string[]> {
    const rows = await this.db.db
      .selectFrom('events')
      .select('type')
      .where('application_id', '=', applicationId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.type);
  }

  async close(): Promise<void> {
    if (this.running) {
      this.running.worker.shutdown();
      await this.running.run;
    }
    await this.db.close();
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The validator's refusal of an update: its failure type and message. */
export async function refusal(update: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await update;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message: string } }).cause;
    if (cause) return { type: cause.type, message: cause.message };
    throw err;
  }
  throw new Error('the update was accepted, but a refusal was expected');
}
