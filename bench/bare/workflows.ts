// The bare Temporal baseline of W1: the same shape as one joint review, with nothing but the
// engine. A parent starts one child per step in the plan's dependency order (a child once every
// prerequisite child has been decided); each child takes an accept Update and a decide Update
// and runs one deadline timer from its acceptance. No activities, no database, no search
// attributes, no locks: what is left is what Temporal itself costs for this shape.
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';

export interface BareStepPlan {
  matterCode: string;
  prerequisites: string[];
}

export interface BareReviewInput {
  steps: BareStepPlan[];
  /** The deadline timer each child starts at its acceptance (long enough never to fire in a run). */
  deadlineMs: number;
}

export interface BareStepTimes {
  matterCode: string;
  /** When the child started (the step is ready for its department), epoch ms. */
  readyAt: number;
  acceptedAt: number;
  decidedAt: number;
}

export interface BareReviewState {
  completed: boolean;
  /** Children started and not yet finished, by matter code. */
  running: string[];
}

export const bareAcceptUpdate = defineUpdate<string, [{ by: string }]>('accept');
export const bareDecideUpdate = defineUpdate<string, [{ by: string; certificateNo: string }]>('decide');
export const bareReviewStateQuery = defineQuery<BareReviewState>('reviewState');

export const bareStepWorkflowId = (parentId: string, matterCode: string): string => `${parentId}/step-${matterCode}`;

export async function bareReview(input: BareReviewInput): Promise<BareStepTimes[]> {
  const status = new Map<string, 'blocked' | 'starting' | 'running' | 'decided'>(
    input.steps.map((s) => [s.matterCode, 'blocked']),
  );
  const times: BareStepTimes[] = [];
  let changed = 0;
  setHandler(bareReviewStateQuery, () => ({
    completed: times.length === input.steps.length,
    running: [...status].filter(([, s]) => s === 'running').map(([m]) => m),
  }));

  const parentId = workflowInfo().workflowId;
  while (times.length < input.steps.length) {
    const ready = input.steps.filter(
      (s) => status.get(s.matterCode) === 'blocked' && s.prerequisites.every((p) => status.get(p) === 'decided'),
    );
    for (const s of ready) {
      status.set(s.matterCode, 'starting');
      const child = await startChild(bareStep, {
        workflowId: bareStepWorkflowId(parentId, s.matterCode),
        args: [{ matterCode: s.matterCode, deadlineMs: input.deadlineMs }],
      });
      status.set(s.matterCode, 'running');
      void child.result().then((t) => {
        status.set(s.matterCode, 'decided');
        times.push(t);
        changed++;
      });
    }
    const seen = changed;
    await condition(() => changed !== seen);
  }
  return times;
}

export async function bareStep(input: { matterCode: string; deadlineMs: number }): Promise<BareStepTimes> {
  const at: { accepted: number | null; decided: number | null } = { accepted: null, decided: null };
  setHandler(
    bareAcceptUpdate,
    (_args) => {
      at.accepted = Date.now();
      return 'in_review';
    },
    {
      validator: (_args) => {
        if (at.accepted !== null) throw new Error('accepted already');
      },
    },
  );
  setHandler(
    bareDecideUpdate,
    (_args) => {
      at.decided = Date.now();
      return 'approved';
    },
    {
      validator: (_args) => {
        if (at.accepted === null) throw new Error('not accepted yet');
        if (at.decided !== null) throw new Error('decided already');
      },
    },
  );
  await condition(() => at.accepted !== null);
  // The deadline timer: cancelled when the decision comes first (as it always does in W1).
  if (!(await condition(() => at.decided !== null, input.deadlineMs))) await condition(() => at.decided !== null);
  await condition(allHandlersFinished);
  return {
    matterCode: input.matterCode,
    readyAt: workflowInfo().startTime.getTime(),
    acceptedAt: at.accepted!,
    decidedAt: at.decided!,
  };
}
