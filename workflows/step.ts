// One department's step (审批环节) of an application: submitted → accepted → decided.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { Actor, Light, StepStatus } from '../domain/model';
import type { StepSnapshot, TimelineEvent } from '../domain/projection';
import {
  FailureType,
  SearchAttr,
  acceptUpdate,
  decideUpdate,
  stepStateQuery,
  type DecideArgs,
  type StepResult,
  type StepWorkflowInput,
} from './shared';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  // A database hiccup is retried until it passes; projections are idempotent.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [FailureType.InvalidInput],
  },
});

const nowIso = (): string => new Date().toISOString();

function forbidden(message: string): never {
  throw ApplicationFailure.create({ type: FailureType.Forbidden, message, nonRetryable: true });
}

function conflict(message: string): never {
  throw ApplicationFailure.create({ type: FailureType.Conflict, message, nonRetryable: true });
}

export async function stepWorkflow(input: StepWorkflowInput): Promise<StepResult> {
  const state: StepSnapshot = {
    status: 'submitted',
    light: 'green',
    attempt: input.attempt,
    submittedAt: new Date(workflowInfo().startTime).toISOString(),
    acceptedAt: null,
    deadline: null,
    decidedAt: null,
    outcome: null,
    overdue: false,
    certificateNo: null,
    reason: null,
  };
  let seq = 0;

  const lightFor = (status: StepStatus): Light => (status === 'submitted' || status === 'in_review' ? 'green' : 'none');

  /** Reports the current state and one timeline event to the read model. */
  const report = async (
    type: string,
    actor: Pick<Actor, 'id' | 'displayName'>,
    detail: Record<string, unknown> = {},
  ) => {
    state.light = lightFor(state.status);
    upsertSearchAttributes([
      { key: SearchAttr.stepStatus, value: state.status },
      { key: SearchAttr.light, value: state.light },
      ...(state.deadline ? [{ key: SearchAttr.deadline, value: new Date(state.deadline) }] : []),
    ]);
    const event: TimelineEvent = {
      type,
      at: nowIso(),
      actor: { id: actor.id, displayName: actor.displayName },
      detail,
    };
    await acts.projectStep({
      workflowId: workflowInfo().workflowId,
      seq: ++seq,
      applicationId: input.applicationId,
      stepId: input.stepId,
      snapshot: { ...state },
      event,
    });
  };

  const requireDepartmentStaff = (actor: Actor) => {
    if (actor.role !== 'staff' || actor.departmentCode !== input.departmentCode) {
      forbidden(`only staff of department ${input.departmentCode} may act on this step`);
    }
  };
  const requireStatus = (action: string, ...allowed: StepStatus[]) => {
    if (!allowed.includes(state.status)) conflict(`cannot ${action}: the step is ${state.status}`);
  };

  setHandler(stepStateQuery, () => ({ ...state }));

  setHandler(
    acceptUpdate,
    async ({ actor }) => {
      // State changes before any await so a concurrent update sees it.
      state.status = 'in_review';
      state.acceptedAt = nowIso();
      state.deadline = await acts.computeDeadline({ from: state.acceptedAt, workdays: input.promisedLimitDays });
      await report('step_accepted', actor, { deadline: state.deadline, promisedLimitDays: input.promisedLimitDays });
      return { ...state };
    },
    {
      validator: ({ actor }) => {
        requireDepartmentStaff(actor);
        requireStatus('accept', 'submitted');
      },
    },
  );

  setHandler(
    decideUpdate,
    async ({ actor, outcome, reason, certificateNo }: DecideArgs) => {
      state.status = outcome;
      state.outcome = outcome;
      state.decidedAt = nowIso();
      state.reason = reason ?? null;
      state.certificateNo = certificateNo ?? null;
      state.overdue = state.deadline !== null && state.decidedAt > state.deadline;
      await report(outcome === 'approved' ? 'step_approved' : 'step_rejected', actor, {
        reason: state.reason,
        certificateNo: state.certificateNo,
      });
      return { ...state };
    },
    {
      validator: ({ actor, outcome, reason }: DecideArgs) => {
        requireDepartmentStaff(actor);
        requireStatus('decide', 'in_review');
        if (outcome === 'rejected' && !reason?.trim()) {
          throw ApplicationFailure.create({
            type: FailureType.InvalidInput,
            message: 'a rejection needs its reasons',
            nonRetryable: true,
          });
        }
      },
    },
  );

  await report('step_submitted', { id: 'system', displayName: '系统' }, { attempt: input.attempt });

  await condition(() => state.outcome !== null);
  await condition(allHandlersFinished);
  return { stepId: input.stepId, matterCode: input.matterCode, outcome: state.outcome!, reason: state.reason };
}
