// What both workflows share: the activity proxy, the system as actor, and validator refusals.
import type { RetryPolicy, UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Activities } from '../activities';
import type { Actor } from '../domain/model';
import type { Refusal } from '../domain/step-rules';
import { FailureType } from './shared';

/** A database hiccup is retried until it passes; every activity is idempotent. */
const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [FailureType.InvalidInput],
};

/**
 * The computations (working days, deadlines, clocks: pure functions of their input and the
 * calendar) run as local activities: in the worker that runs the workflow, recorded as a marker,
 * with no round trip through the Temporal server. That is Temporal's guidance for sub-second work
 * and takes server round trips off every human action (bench/ W1 measures it).
 */
export const acts = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });

/**
 * The writes to the read model run as regular activities, though they are as short, because a
 * regular activity is scheduled by a command of a completed workflow task: it writes only what the
 * history holds. A local activity runs inside the workflow task that schedules it; if that task is
 * lost (the worker and the Temporal server killed together), an Update it was handling is lost with
 * it while the write stands: the read model would show a decision the engine never took, and the
 * event that really comes next would find its sequence number taken. The fault suite's round (c)
 * caught exactly that (one approval twice in a timeline, an overdue light lost). A timer barrier
 * before a local write would do the same, but the Temporal server fires timers on whole seconds:
 * 1 s per write, against about 10 ms for a regular activity dispatched eagerly to this worker.
 */
const writes = proxyActivities<ReadModelWrites>({ startToCloseTimeout: '30 seconds', retry });

type ReadModelWrites = Pick<
  Activities,
  | 'projectStep'
  | 'projectApplication'
  | 'projectSession'
  | 'markStepFailed'
  | 'cancelBlockedSteps'
  | 'projectComplaint'
  | 'projectWarning'
>;

/** Every write to the read model: `project('projectStep', report)`, once the history holds it. */
export function project<K extends keyof ReadModelWrites>(
  write: K,
  args: Parameters<ReadModelWrites[K]>[0],
): Promise<void> {
  return (writes[write] as (a: typeof args) => Promise<void>)(args);
}

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

/** A write to the read model held back while an answering Update's change runs. */
export type HeldWrite = {
  [K in keyof ReadModelWrites]: { write: K; args: Parameters<ReadModelWrites[K]>[0] };
}[keyof ReadModelWrites];

/**
 * The one lock each workflow runs its state changes under. `exclusive(check, change)` runs a change
 * alone after repeating its check (the state may have moved while it waited for the lock);
 * `onUpdate(def, check, change)` registers an Update whose validator and locked handler use the
 * same check, so two conflicting actions give one winner and a refusal for the other.
 *
 * `onAnsweringUpdate` is an Update that answers as soon as its change is made, with the writes the
 * change made (`write` holds them back meanwhile), and then applies them as activities, in order,
 * before it releases the lock. The caller applies the same writes before it answers its user: a
 * human action does not wait for an activity's round trip through the server (bench W1), and the
 * read model still only gets what the history holds, since the answer is sent by the workflow task
 * that also schedules the activities. Nothing else changes the workflow before they are applied.
 */
export function lockedChanges() {
  const lock = new Mutex();
  let holding: HeldWrite[] | null = null;
  /** `project`, or held back for the answer while an answering Update's change runs. */
  const write = <K extends keyof ReadModelWrites>(kind: K, args: Parameters<ReadModelWrites[K]>[0]): Promise<void> => {
    if (holding) {
      holding.push({ write: kind, args } as HeldWrite);
      return Promise.resolve();
    }
    return project(kind, args);
  };
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
  const onAnsweringUpdate = <R, A>(
    def: UpdateDefinition<R, [A]>,
    check: (a: A) => void,
    change: (a: A) => Promise<void>,
    answer: (held: readonly HeldWrite[]) => R,
  ) =>
    setHandler(
      def,
      (args: A) =>
        new Promise<R>((resolve, reject) => {
          lock
            .runExclusive(async () => {
              check(args);
              const held: HeldWrite[] = [];
              holding = held;
              try {
                await change(args);
                holding = null;
                resolve(answer(held));
              } catch (err) {
                holding = null;
                reject(err);
              }
              // Also after a change that failed halfway: what it changed is reported.
              for (const w of held) await project(w.write, w.args as never);
            })
            .catch(reject);
        }),
      { validator: check },
    );
  return { lock, exclusive, onUpdate, onAnsweringUpdate, write, noCheck: (): void => undefined };
}
