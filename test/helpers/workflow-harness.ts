// Workflows on a Temporal test environment with the real activities writing to an in-memory
// PGlite database seeded with the demo catalog. Each test launches its own application.
// With RECORD_HISTORIES=1 the harness keeps the history of every workflow run it launched
// (the application, its step children, every attempt and continued run) as the replay corpus.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createWorkingTimeSource } from '../../lib/working-time';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { complaintsRepo } from '../../db/repositories/complaints';
import { ratingsRepo } from '../../db/repositories/ratings';
import type { ComplaintKind, ComplaintPolicy } from '../../domain/complaints';
import { seedDemo } from '../../db/seed';
import type { Actor } from '../../domain/model';
import type { StepReport, StepSnapshot } from '../../domain/projection';
import { applyAnsweredStepReports } from '../../db/read-model';
import {
  DEFAULT_CLOCK_POLICY,
  applicationWorkflowId,
  stepStateQuery,
  stepWorkflowId,
  type ApplicationWorkflowInput,
  type ClockPolicy,
} from '../../workflows/shared';
import { complaintWorkflowId, type ComplaintWorkflowInput } from '../../workflows/complaints-shared';
import { warningsRepo } from '../../db/repositories/warnings';
import type { WarningPolicy } from '../../domain/warnings';
import { warningWorkflowId, type WarningWorkflowInput } from '../../workflows/warnings-shared';

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

const History = temporal.api.history.v1.History;
type HistoryData = temporal.api.history.v1.IHistory;
/** Plain JSON: 64-bit numbers and bytes as strings, enums as numbers (round-trips through fromObject). */
const PLAIN = { longs: String, bytes: String, defaults: false };

/** The replay corpus: test/histories, or HISTORIES_DIR (relative to the working directory). */
export const historiesDir = (): string =>
  process.env.HISTORIES_DIR ? path.resolve(process.env.HISTORIES_DIR) : path.join(__dirname, '..', 'histories');
export const recordingHistories = (): boolean => process.env.RECORD_HISTORIES === '1';

export function historyToJson(history: HistoryData): string {
  return JSON.stringify(History.toObject(History.fromObject(history), PLAIN));
}
export function historyFromJson(json: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(json));
}

/**
 * A short, stable file-name part for a test: its "when …" clause up to the first comma, without
 * articles, kebab-cased, at most 48 characters (cut at a word).
 */
export function scenarioSlug(testName: string): string {
  const when = /\bwhen\b/i.exec(testName);
  const clause = (when ? testName.slice(when.index + when[0].length) : testName).split(/[,;:]/)[0]!;
  const words = clause
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !['a', 'an', 'the'].includes(w));
  let slug = '';
  for (const w of words) {
    if (slug && slug.length + 1 + w.length > 48) break;
    slug = slug ? `${slug}-${w}` : w.slice(0, 48);
  }
  return slug || 'scenario';
}

interface Launched {
  /** File-name prefix: `<test file>.<scenario>`. */
  prefix: string;
  workflowId: string;
  firstRunId: string;
}

export interface PlannedMatter {
  code: string;
  dept: string;
  pre?: string[];
  days: number;
  fee?: number;
  /** The statutory limit (the extension's legal cap); none when left out. */
  statutory?: number;
  /** The matter's deemed-consent policy (超时默许). */
  deemedConsent?: boolean;
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
  /** Applications launched, when recording, with the file name each test's histories get. */
  private readonly launched: Launched[] = [];
  private readonly scenarios = new Map<string, { slug: string; launches: number }>();
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

  /** Records an application with the given plan (its rows only). */
  async record(matters: PlannedMatter[]) {
    const applicationId = `WT${Date.now()}${++this.seq}`;
    const steps = matters.map((m) => ({
      id: `${applicationId}-${m.code}`,
      matterCode: m.code,
      matterName: m.code,
      departmentCode: m.dept,
      prerequisites: m.pre ?? [],
      promisedLimitDays: m.days,
      feeAmountFen: m.fee ?? null,
      statutoryLimitDays: m.statutory ?? null,
      deemedConsent: m.deemedConsent ?? false,
      status: (m.pre?.length ? 'blocked' : 'submitted') as 'blocked' | 'submitted',
      submittedAt: null,
    }));
    await applicationsRepo.insert(this.db.db, {
      id: applicationId,
      caseNo: await applicationsRepo.nextCaseNo(this.db.db, new Date()),
      queryPassword: 'ABC234',
      officerId: this.officer.id,
      project: { name: 'p', code: null, investmentWanYuan: 1, location: 'l', industry: 'i' },
      investor: { name: 'n', creditCode: 'c', contactName: 'c', phone: 'p' },
      createdAt: new Date(),
      steps,
    });
    return { applicationId, steps };
  }

  /** Records an application with the given plan and starts its workflow. */
  async launch(
    matters: PlannedMatter[],
    policy: Partial<ClockPolicy> = {},
    taskQueue = this.taskQueue,
    options: Pick<ApplicationWorkflowInput, 'historyLimit'> = {},
  ) {
    const { applicationId, steps } = await this.record(matters);
    const input: ApplicationWorkflowInput = {
      ...options,
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
        statutoryLimitDays: s.statutoryLimitDays,
        deemedConsent: s.deemedConsent,
      })),
    };
    const handle = await this.env.client.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId(applicationId),
      taskQueue,
      args: [input],
    });
    if (recordingHistories()) {
      this.launched.push({
        prefix: this.scenarioPrefix(),
        workflowId: handle.workflowId,
        firstRunId: handle.firstExecutionRunId,
      });
    }
    return { applicationId, handle, input };
  }

  /**
   * Records a complaint (or a rectification task, with the rating it follows) and starts its
   * workflow, like api/services/complaints.ts; its history is kept like an application's.
   */
  async launchComplaint(
    options: {
      kind?: ComplaintKind;
      assignment?: ComplaintWorkflowInput['assignment'];
      policy?: Partial<ComplaintPolicy>;
    } = {},
  ) {
    const kind = options.kind ?? 'complaint';
    const filedAt = new Date(await this.env.currentTimeMs());
    const complaintId = await complaintsRepo.nextNumber(this.db.db, kind, filedAt);
    let ratingId: number | null = null;
    if (kind === 'rectification') {
      const { applicationId } = await this.record([{ code: 'PROJECT-FILING', dept: 'DRC', days: 1 }]);
      ratingId = (
        await ratingsRepo.insert(this.db.db, {
          applicationId,
          caseNo: 'GH-2026-000001',
          stepId: `${applicationId}-PROJECT-FILING`,
          matterCode: 'PROJECT-FILING',
          departmentCode: 'DRC',
          attempt: 1,
          staffId: null,
          score: 1,
          comment: '差',
        })
      ).id;
    }
    await complaintsRepo.insert(this.db.db, {
      id: complaintId,
      kind,
      password: kind === 'complaint' ? 'ABC234' : null,
      category: kind === 'complaint' ? 'delay' : null,
      content: kind === 'complaint' ? '投诉内容' : null,
      contactName: kind === 'complaint' ? '投诉人' : null,
      phone: kind === 'complaint' ? '13800000000' : null,
      caseNo: null,
      applicationId: null,
      stepId: null,
      suggestedDepartment: null,
      ratingId,
      departmentCode: options.assignment?.departmentCode ?? null,
      replyWorkdays: options.assignment?.replyWorkdays ?? null,
      filedAt,
    });
    const input: ComplaintWorkflowInput = {
      complaintId,
      kind,
      filedAt: filedAt.toISOString(),
      assignment: options.assignment ?? null,
      about: { caseNo: null, stepId: null, matterName: null },
      policy: {
        registerWorkdays: 5,
        caseResponseDays: DEFAULT_CLOCK_POLICY.caseResponseDays,
        escalationLevels: DEFAULT_CLOCK_POLICY.escalationLevels,
        yellowRatio: DEFAULT_CLOCK_POLICY.yellowRatio,
        yellowDaysLeft: DEFAULT_CLOCK_POLICY.yellowDaysLeft,
        ...options.policy,
      },
    };
    const handle = await this.env.client.workflow.start('complaintWorkflow', {
      workflowId: complaintWorkflowId(complaintId),
      taskQueue: this.taskQueue,
      args: [input],
    });
    if (recordingHistories()) {
      this.launched.push({
        prefix: this.scenarioPrefix(),
        workflowId: handle.workflowId,
        firstRunId: handle.firstExecutionRunId,
      });
    }
    return { complaintId, handle, input };
  }

  /**
   * Records a warning issued by hand (on a fresh application's project filing, or on a department)
   * and starts its workflow, like api/services/warnings.ts; its history is kept like an application's.
   */
  async launchWarning(
    options: {
      onStep?: boolean;
      departmentCode?: string;
      replyWorkdays?: number;
      policy?: Partial<WarningPolicy>;
    } = {},
  ) {
    const issuedAt = new Date(await this.env.currentTimeMs());
    const replyWorkdays = options.replyWorkdays ?? 3;
    const recorded = options.onStep ? await this.record([{ code: 'PROJECT-FILING', dept: 'DRC', days: 1 }]) : undefined;
    const step = recorded?.steps[0];
    const departmentCode = step ? step.departmentCode : (options.departmentCode ?? 'DRC');
    const warningId = await warningsRepo.nextNumber(this.db.db, issuedAt);
    const applicationId = recorded?.applicationId ?? null;
    await warningsRepo.insert(this.db.db, {
      id: warningId,
      step: step ? { id: step.id, applicationId: applicationId! } : null,
      departmentCode,
      reason: '限期说明延误原因',
      replyWorkdays,
      issuedBy: { id: supervisor.id, displayName: supervisor.displayName },
      issuedAt,
      replyDueAt: issuedAt,
    });
    const input: WarningWorkflowInput = {
      warningId,
      issuedAt: issuedAt.toISOString(),
      issuedBy: { id: supervisor.id, displayName: supervisor.displayName },
      departmentCode,
      replyWorkdays,
      reason: '限期说明延误原因',
      about: step ? { stepId: step.id, applicationId: applicationId!, matterName: step.matterName } : null,
      policy: {
        caseResponseDays: DEFAULT_CLOCK_POLICY.caseResponseDays,
        escalationLevels: DEFAULT_CLOCK_POLICY.escalationLevels,
        yellowRatio: DEFAULT_CLOCK_POLICY.yellowRatio,
        yellowDaysLeft: DEFAULT_CLOCK_POLICY.yellowDaysLeft,
        ...options.policy,
      },
    };
    const handle = await this.env.client.workflow.start('warningWorkflow', {
      workflowId: warningWorkflowId(warningId),
      taskQueue: this.taskQueue,
      args: [input],
    });
    if (recordingHistories()) {
      this.launched.push({
        prefix: this.scenarioPrefix(),
        workflowId: handle.workflowId,
        firstRunId: handle.firstExecutionRunId,
      });
    }
    return { warningId, applicationId, stepId: step?.id ?? null, handle, input };
  }

  /**
   * The step's workflow, called as the API calls it: a step Update answers with its reports, which
   * the caller applies to the read model before it goes on (the workflow applies them too).
   * `rawStep` is the handle alone.
   */
  step(applicationId: string, matterCode: string): WorkflowHandle {
    const handle = this.rawStep(applicationId, matterCode);
    const db = this.db.db;
    const executeUpdate = async (...args: Parameters<WorkflowHandle['executeUpdate']>) => {
      const answer: unknown = await handle.executeUpdate(...args);
      const reports = (answer as { reports?: StepReport[] } | undefined)?.reports;
      if (reports) await applyAnsweredStepReports(db, reports);
      return answer;
    };
    return { ...handle, executeUpdate } as WorkflowHandle;
  }

  rawStep(applicationId: string, matterCode: string): WorkflowHandle {
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

  /** `<test file>.<scenario>` for the running test; a test's second launch gets `-2`, and so on. */
  private scenarioPrefix(): string {
    const { testPath, currentTestName } = expect.getState();
    const file = path.basename(testPath ?? 'workflow').replace(/(\.workflow)?\.test\.ts$/, '');
    const test = currentTestName ?? 'outside a test';
    let scenario = this.scenarios.get(test);
    if (!scenario) {
      const base = scenarioSlug(test);
      const taken = new Set([...this.scenarios.values()].map((s) => s.slug));
      let slug = base;
      for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
      scenario = { slug, launches: 0 };
      this.scenarios.set(test, scenario);
    }
    scenario.launches += 1;
    return `${file}.${scenario.slug}${scenario.launches > 1 ? `-${scenario.launches}` : ''}`;
  }

  /**
   * Writes the history of every run of every launched workflow: from the application's first run,
   * each child run its history started (a resubmitted step is a new run under the same id) and each
   * run it continued as new. Open runs are kept too: a partial history replays as far as it goes.
   * File: `<test file>.<scenario>.application[.step-<matter>][.run-<n>].json`, runs numbered by start.
   */
  async recordHistories(dir = historiesDir()): Promise<string[]> {
    const written: string[] = [];
    fs.mkdirSync(dir, { recursive: true });
    for (const app of this.launched) {
      const runs: { workflowId: string; runId: string; history: HistoryData; order: number }[] = [];
      const seen = new Set<string>();
      const queue = [{ workflowId: app.workflowId, runId: app.firstRunId }];
      for (let next = queue.shift(); next; next = queue.shift()) {
        const key = `${next.workflowId}\n${next.runId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const history = await this.env.client.workflow.getHandle(next.workflowId, next.runId).fetchHistory();
        runs.push({ ...next, history, order: runs.length });
        for (const event of history.events ?? []) {
          const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
          if (child?.workflowId && child.runId) queue.push({ workflowId: child.workflowId, runId: child.runId });
          const continued = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
          if (continued) queue.push({ workflowId: next.workflowId, runId: continued });
        }
      }
      const startedAt = (h: HistoryData) => {
        const t = h.events?.[0]?.eventTime;
        return t ? Number(String(t.seconds ?? 0)) * 1e3 + (t.nanos ?? 0) / 1e6 : 0;
      };
      runs.sort((a, b) => startedAt(a.history) - startedAt(b.history) || a.order - b.order);
      const perWorkflow = new Map<string, number>();
      for (const run of runs) {
        const n = (perWorkflow.get(run.workflowId) ?? 0) + 1;
        perWorkflow.set(run.workflowId, n);
        const role = run.workflowId
          .replace(/^application-[^/]+/, 'application')
          .replace(/^complaint-.+$/, 'complaint')
          .replace(/^warning-.+$/, 'warning')
          .replace(/\//g, '.');
        const file = `${app.prefix}.${role}${n > 1 ? `.run-${n}` : ''}.json`;
        fs.writeFileSync(path.join(dir, file), historyToJson(run.history));
        written.push(file);
      }
    }
    this.launched.length = 0;
    return written;
  }

  async close(): Promise<void> {
    if (this.running) {
      this.running.worker.shutdown();
      await this.running.run;
    }
    try {
      // After the worker stopped, so that no workflow task moves a history while it is fetched.
      if (this.launched.length > 0) await this.recordHistories();
    } finally {
      await this.db.close();
    }
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
