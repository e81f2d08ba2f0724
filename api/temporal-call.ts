// Every call from the API to Temporal goes through here: it carries a deadline
// (TEMPORAL_RPC_TIMEOUT_SECONDS), so a frozen or partitioned Temporal server costs a request
// at most that long, and the request answers 503 with Retry-After instead of hanging.
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import type { Config } from '../lib/config';
import { currentUser } from './auth';
import { isTemporalUnavailable, unavailable } from './errors';

export interface TemporalCallDeps {
  temporal: Client;
  config: Pick<Config, 'temporalRpcTimeoutMs'>;
}

/**
 * Runs `fn` with one absolute deadline on every gRPC call made inside it (an Update's start and
 * each of its long polls alike: they share the deadline, the whole call is bounded). `fn` gets the
 * deadline (ms since the epoch) to bound its own waits. A deadline passed, a cancelled call or an
 * unreachable server becomes `unavailable(...)`; any other error passes through unchanged.
 *
 * A call that timed out may still take effect once the server answers again: callers send a
 * stable id (an Update id from the Idempotency-Key) so that the retried request is applied once.
 */
export async function callTemporal<T>(
  deps: TemporalCallDeps,
  fn: (deadline: number) => Promise<T>,
  timeoutMs: number = deps.config.temporalRpcTimeoutMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  try {
    return await deps.temporal.withDeadline(deadline, () => fn(deadline));
  } catch (err) {
    if (isTemporalUnavailable(err)) {
      throw unavailable('the workflow service did not answer in time; try again shortly', { cause: err });
    }
    throw err;
  }
}

/**
 * An Idempotency-Key (checked by the idempotency middleware) doubles as the Update id, per user:
 * Temporal applies an Update id once, even if the stored answer was lost.
 */
export function updateIdFrom(res: Response, key: string | undefined): string | undefined {
  return key === undefined ? undefined : `${currentUser(res).id}:${key}`;
}
