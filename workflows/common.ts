// What both workflows share: the activity proxy, the system as actor, and validator refusals.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Actor } from '../domain/model';
import type { Refusal } from '../domain/step-rules';
import { FailureType } from './shared';

export const acts = proxyActivities<Activities>({
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
