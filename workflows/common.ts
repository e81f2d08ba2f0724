// What both workflows share: the activity proxy, the system as actor, and validator refusals.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Actor } from '../domain/model';
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

/** Refuses an update from its validator; the API maps the type to 403/409/400/429. */
export function fail(type: keyof typeof FailureType, message: string): never {
  throw ApplicationFailure.create({ type: FailureType[type], message, nonRetryable: true });
}
