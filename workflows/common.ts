// What both workflows share: the activity proxy, the system as actor, and validator refusals.
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Activities } from '../activities';
import type { Actor } from '../domain/model';
import type { Refusal } from '../domain/step-rules';
import { FailureType } from './shared';

/**
 * Every activity is short (a working-day computation, or one idempotent transaction of a few rows),
 * so each runs as a local activity: in the worker that runs the workflow, recorded as a marker,
 * with no round trip through the Temporal server to schedule it and none to report it. That is
 * Temporal's own guidance for sub-second work, and it takes two or three server round trips off
 * every human action (bench/ W1 measures it). If the worker dies mid-activity, the workflow task
 * times out and the next worker runs it again: the writes are idempotent. A write to the read model
 * waits for `afterCommit()` first (below), so it never records what the history does not hold.
 */
export const acts = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A database hiccup is retried until it passes; projections are idempotent.
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [FailureType.InvalidInput],
  },
});

export type Who = Pick<Actor, 'id' | 'displayName'>;

/** The system itself in timelines (deemed acceptance, timers, escalation). */
export const SYSTEM: Who = { id: 'system', displayName: '系统' };

/**
 * Refuses an update (from its validator, or from its handler once it holds the lock). The API maps
 * the kind to 403/409/400/429 and passes the code and parameters on, for the UI to word.
 */
export function refuse(refusal: Refusal): never {
  throw ApplicationFailure.create({
    type: FailureType[refusal.kind],
    message: refusal.message,
    nonRetryable: true,
    details: [{ code: refusal.code, params: refusal.params }],
  });
}

/** Refuses with a code of this workflow's own (the step rules have theirs in domain/step-rules.ts). */
export function fail(kind: Refusal['kind'], code: string, message: string, params: Refusal['params'] = {}): never {
  refuse({ kind, code, message, params });
}

/**
 * The one lock each workflow runs its state changes under. `exclusive(check, change)` runs a change
 * alone after repeating its check (the state may have moved while it waited for the lock);
 * `onUpdate(def, check, change)` registers an Update whose validator and locked handler use the
 * same check, so two conflicting actions give one winner and a refusal for the other.
 */
export function lockedChanges() {
  const lock = new Mutex();
  const exclusive = <T>(check: () => void, change: () => Promise<T>): Promise<T> =>
    lock.runExclusive(async () => {
      check();
      return change();
    });
  const onUpdate = <R, A>(def: UpdateDefinition<R, [A]>, check: (a: A) => void, change: (a: A) => Promise<R>) =>
    setHandler(
      def,
      (args: A) =>
        exclusive(
          () => check(args),
          () => change(args),
        ),
      { validator: check },
    );
  return { lock, exclusive, onUpdate, noCheck: (): void => undefined };
}

/**
 * Resolves in a later workflow task than the one calling it, once the calling task is in the history.
 *
 * A local activity runs inside the workflow task that schedules it. If that task is lost (the worker
 * and the Temporal server killed together), an Update it was handling is lost with it, while the
 * activity's write stands: the read model would show a decision the engine never took, and the
 * event that really comes next would find its sequence number taken (the fault suite's round (c)
 * caught exactly that: one approval twice in a timeline, an overdue light lost). So every write
 * to the read model is computed in one task and made in the next, from state the history already
 * holds, as a regular activity would be: a 1 ms timer ends the task. Writes computed in the same
 * task share one timer.
 */
function commitBarrier(): () => Promise<void> {
  let pending: { task: number; done: Promise<void> } | null = null;
  return () => {
    // The history length is fixed for the whole of a workflow task and grows with the next one.
    const task = workflowInfo().historyLength;
    if (pending?.task !== task) pending = { task, done: sleep(1) };
    return pending.done;
  };
}

/**
 * Each workflow's one way to write to the read model: `project(acts.projectStep, report)` takes the
 * report as it stands now and writes it once this workflow task is in the history.
 */
export function readModelWriter() {
  const afterCommit = commitBarrier();
  return async <A>(write: (args: A) => Promise<void>, args: A): Promise<void> => {
    await afterCommit();
    await write(args);
  };
}
