// Filing complaints and opening rectification tasks: the row (with the complainant's words and
// contact, which never enter a workflow) and its first event commit in one transaction, then the
// workflow `complaint-<number>` starts with ids and the rules' inputs only. A start that fails is
// made by recovery (api/background.ts), like an application's launch; starting by business id makes
// a repeated start harmless.
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Transaction } from 'kysely';
import { queryPasswordFrom } from '../../domain/case-number';
import type { ComplaintCategory, ComplaintPolicy } from '../../domain/complaints';
import { complaintsRepo } from '../../db/repositories/complaints';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import type { ApplicationRow, CaseRow, ComplaintRow, Database, RatingRow, StepRow } from '../../db/schema';
import type { Config } from '../../lib/config';
import { calendarChangedSignal } from '../../workflows/shared';
import {
  answerComplaintCaseUpdate,
  complaintWorkflowId,
  type ComplaintWorkflowInput,
} from '../../workflows/complaints-shared';
import { asActor, type UserView } from '../auth';
import { toCaseView } from '../views';
import type { AppDeps } from '../deps';
import { isTemporalUnavailable, notFound, unavailable } from '../errors';
import { callTemporal } from '../temporal-call';

/** The complaint rules fixed into each complaint's workflow when it starts. */
export const complaintPolicy = (config: Config): ComplaintPolicy => ({
  registerWorkdays: config.complaints.registerWorkdays,
  caseResponseDays: config.clockPolicy.caseResponseDays,
  escalationLevels: config.clockPolicy.escalationLevels,
  yellowRatio: config.clockPolicy.yellowRatio,
  yellowDaysLeft: config.clockPolicy.yellowDaysLeft,
});

/** The public's actor in the permanent record (the complainant's name stays in the row). */
const PUBLIC_ACTOR = { id: 'public', displayName: '服务对象' };

export interface ComplaintFiling {
  category: ComplaintCategory;
  content: string;
  contactName: string;
  phone: string;
  application: ApplicationRow | null;
  departmentCode: string | null;
}

/**
 * Records a complaint with its number and password and its `complaint_filed` event in one
 * transaction (in which `recorded` runs too, to keep the answer of the request's Idempotency-Key),
 * then starts its workflow. A start that fails is logged and left to recovery: the complaint is
 * recorded and numbered, which is what the complainant needs.
 */
export async function fileComplaint(
  deps: AppDeps,
  filing: ComplaintFiling,
  recorded: (trx: Transaction<Database>, answer: { complaintNo: string; password: string }) => Promise<void>,
): Promise<{ complaintNo: string; password: string }> {
  const now = new Date();
  const answer = await deps.db.transaction().execute(async (trx) => {
    const id = await complaintsRepo.nextNumber(trx, 'complaint', now);
    const password = queryPasswordFrom(randomBytes(16));
    await complaintsRepo.insert(trx, {
      id,
      kind: 'complaint',
      password,
      category: filing.category,
      content: filing.content,
      contactName: filing.contactName,
      phone: filing.phone,
      caseNo: filing.application?.case_no ?? null,
      applicationId: filing.application?.id ?? null,
      stepId: null,
      suggestedDepartment: filing.departmentCode,
      ratingId: null,
      departmentCode: null,
      replyWorkdays: null,
      filedAt: now,
    });
    await complaintsRepo.appendEvent(trx, {
      eventId: `${complaintWorkflowId(id)}#filed`,
      complaintId: id,
      event: {
        type: 'complaint_filed',
        at: now.toISOString(),
        actor: PUBLIC_ACTOR,
        detail: {
          category: filing.category,
          caseNo: filing.application?.case_no ?? null,
          suggestedDepartment: filing.departmentCode,
        },
      },
    });
    const result = { complaintNo: id, password };
    await recorded(trx, result);
    return result;
  });
  await startComplaintWorkflowLogged(deps, answer.complaintNo);
  return answer;
}

/**
 * Opens the rectification task (整改) of a bad rating inside the rating's transaction: assigned to
 * the rated step's department with the configured reply days, or, for a rating of the whole
 * application, filed for the supervision office to assign. Returns its number; the caller starts
 * its workflow after the commit (`startComplaintWorkflowLogged`).
 */
export async function openRectification(
  trx: Transaction<Database>,
  config: Config,
  r: { rating: RatingRow; application: ApplicationRow; step: StepRow | null },
): Promise<string> {
  const now = new Date();
  const id = await complaintsRepo.nextNumber(trx, 'rectification', now);
  await complaintsRepo.insert(trx, {
    id,
    kind: 'rectification',
    password: null,
    category: null,
    content: null,
    contactName: null,
    phone: null,
    caseNo: r.application.case_no,
    applicationId: r.application.id,
    stepId: r.step?.id ?? null,
    suggestedDepartment: null,
    ratingId: r.rating.id,
    departmentCode: r.step?.department_code ?? null,
    replyWorkdays: r.step ? config.complaints.rectificationReplyWorkdays : null,
    filedAt: now,
  });
  await complaintsRepo.appendEvent(trx, {
    eventId: `${complaintWorkflowId(id)}#filed`,
    complaintId: id,
    event: {
      type: 'rectification_opened',
      at: now.toISOString(),
      actor: PUBLIC_ACTOR,
      detail: {
        ratingId: r.rating.id,
        score: r.rating.score,
        caseNo: r.application.case_no,
        stepId: r.step?.id ?? null,
      },
    },
  });
  return id;
}

/** The workflow input of a recorded complaint, from its row as filed (ids and the rules' inputs). */
async function workflowInputFor(deps: AppDeps, row: ComplaintRow): Promise<ComplaintWorkflowInput> {
  const step = row.step_id ? await stepsRepo.find(deps.db, row.step_id) : undefined;
  return {
    complaintId: row.id,
    kind: row.kind,
    filedAt: row.filed_at.toISOString(),
    assignment:
      row.kind === 'rectification' && row.department_code && row.reply_workdays
        ? { departmentCode: row.department_code, replyWorkdays: row.reply_workdays }
        : null,
    about: { caseNo: row.case_no, stepId: row.step_id, matterName: step?.matter_name ?? null },
    policy: complaintPolicy(deps.config),
  };
}

/**
 * Starts the workflow of a recorded complaint and records that it runs. Safe to call any number of
 * times, concurrently: a running workflow is used as it is, a closed one counts as started.
 */
export async function startComplaintWorkflow(deps: AppDeps, complaintId: string): Promise<void> {
  const row = await complaintsRepo.find(deps.db, complaintId);
  if (!row) throw notFound('complaint');
  if (row.workflow_started_at) return;
  const input = await workflowInputFor(deps, row);
  try {
    await callTemporal(deps, () =>
      deps.temporal.workflow.start('complaintWorkflow', {
        workflowId: complaintWorkflowId(complaintId),
        taskQueue: deps.config.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  } catch (err) {
    // Only a closed execution refuses the id (REJECT_DUPLICATE): it started long ago.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await complaintsRepo.markWorkflowStarted(deps.db, complaintId, new Date());
}

/** Starts it now if Temporal answers; otherwise recovery does within a minute. */
export async function startComplaintWorkflowLogged(deps: AppDeps, complaintId: string): Promise<void> {
  try {
    await startComplaintWorkflow(deps, complaintId);
  } catch (err) {
    deps.log.warn({ err, complaintId }, 'complaint workflow not started; recovery will start it');
  }
}

const RECOVER_BATCH = 100;

/** Starts the workflow of every complaint recorded more than `olderThanMs` ago and not known started. */
export async function recoverComplaints(
  deps: AppDeps,
  { olderThanMs = 5_000 }: { olderThanMs?: number } = {},
): Promise<{ started: string[]; failed: string[] }> {
  const pending = await complaintsRepo.listNotStarted(deps.db, new Date(Date.now() - olderThanMs), RECOVER_BATCH);
  const started: string[] = [];
  const failed: string[] = [];
  for (const id of pending) {
    try {
      await startComplaintWorkflow(deps, id);
      started.push(id);
      deps.log.info({ complaintId: id }, 'complaint recovery started the workflow');
    } catch (err) {
      failed.push(id);
      deps.log.warn({ err, complaintId: id }, 'complaint recovery could not start the workflow; will retry');
      if (failed.length >= 3) break;
    }
  }
  return { started, failed };
}

/**
 * Tells every open complaint that the calendar changed (its deadlines are recomputed like the
 * steps'). Returns how many were told; throws 503 when Temporal does not answer.
 */
export async function notifyOpenComplaints(deps: AppDeps, note: string): Promise<number> {
  const open = await complaintsRepo.openIds(deps.db);
  let unreachable: unknown;
  await callTemporal(deps, () =>
    Promise.all(
      open.map((id) =>
        deps.temporal.workflow
          .getHandle(complaintWorkflowId(id))
          .signal(calendarChangedSignal, { note })
          .catch((err: unknown) => {
            if (isTemporalUnavailable(err)) unreachable ??= err;
            else deps.log.warn({ err, complaintId: id }, 'calendar change not delivered');
          }),
      ),
    ),
  );
  if (unreachable !== undefined) {
    throw unavailable('the calendar entry is saved, but the open complaints could not be told; send it again', {
      cause: unreachable,
    });
  }
  return open.length;
}

/** The department's answer to a supervision case about a complaint's late reply, sent to its workflow. */
export async function answerComplaintCase(
  deps: AppDeps,
  user: UserView,
  found: CaseRow,
  answer: string,
  updateId: string | undefined,
) {
  await callTemporal(deps, () =>
    deps.temporal.workflow
      .getHandle(complaintWorkflowId(found.complaint_id!))
      .executeUpdate(answerComplaintCaseUpdate, {
        args: [{ actor: asActor(user), caseId: found.id, answer }],
        updateId,
      }),
  );
  return toCaseView((await supervisionRepo.find(deps.db, found.id))!);
}
