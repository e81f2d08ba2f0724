// The delivery dispatcher: sends what the outbox holds (db/repositories/deliveries.ts), in every
// API process beside the other background jobs (api/background.ts).
//
// Delivery is at least once, made exactly once by an idempotency key:
// 1. A change and its deliveries commit together (db/outbox.ts): nothing to send is lost.
// 2. A dispatcher *claims* due rows before sending: one statement sets them 'sending' under its
//    own claim token with a lease (`for update skip locked`, so several API replicas claim
//    disjoint rows and never wait on each other), and counts the attempt.
// 3. It sends, then records the outcome under its token: 'sent', or 'pending' again after an
//    exponential backoff, or 'failed' once the attempts are used up or the channel refuses the
//    message for good. A channel that is not configured records 'skipped', with the reason.
// 4. If the process dies (or hangs) between claim and record, the row stays 'sending' until its
//    lease runs out; then any dispatcher claims it again and sends it again *with the same
//    delivery id*. The message may have gone out the first time, so the id is the idempotency
//    key: the SMS gateway accepts an id once (a repeat is answered 2xx without a second SMS), and
//    the email carries `Message-ID: <id@domain>`, which mail systems and clients use to recognise
//    the same message. A dispatcher whose lease was overtaken cannot record over the new claim
//    (the token no longer matches).
// The lease is longer than a send may take (config: DELIVERY_LEASE_SECONDS > DELIVERY_SEND_TIMEOUT_SECONDS),
// so a live sender is never overtaken; only a dead or stuck one is. A send that times out counts
// as failed and is retried after its backoff, under the same id: if it did get through late, the
// idempotency key again keeps the recipient from a second message.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { deliveriesRepo } from '../../db/repositories/deliveries';
import type { Database, DeliveryRow } from '../../db/schema';
import type { DeliveryPolicy } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { DeliveryError, type Channels } from './channels';

/** Wait before attempt n + 1 after attempt n failed: base, 2 × base, 4 × base, … up to the maximum. */
export const backoffMs = (attempt: number, policy: Pick<DeliveryPolicy, 'backoffBaseMs' | 'backoffMaxMs'>): number =>
  Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1));

const UNCONFIGURED = {
  email: 'the email channel is off: SMTP_URL is not set',
  sms: 'the SMS channel is off: SMS_GATEWAY_URL is not set',
} as const;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeliveryError(`no answer within ${ms / 1000} s`, false)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface DispatcherDeps {
  db: Kysely<Database>;
  log: Logger;
  policy: DeliveryPolicy;
  channels: Channels;
}

export class DeliveryDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** One round: claims the due deliveries, sends them side by side, records each outcome. Returns how many it claimed. */
  async runOnce(): Promise<number> {
    const { db, policy } = this.deps;
    const token = randomUUID();
    const rows = await deliveriesRepo.claim(db, { limit: policy.batchSize, leaseMs: policy.leaseMs, token });
    await Promise.all(rows.map((row) => this.deliver(row, token)));
    return rows.length;
  }

  private async deliver(row: DeliveryRow, token: string): Promise<void> {
    const { db, log, policy, channels } = this.deps;
    const settle = async (outcome: Parameters<typeof deliveriesRepo.settle>[3]) => {
      const recorded = await deliveriesRepo.settle(db, row.id, token, outcome);
      if (!recorded) log.warn({ deliveryId: row.id }, 'delivery: the lease ran out before the outcome was recorded');
    };
    const channel = row.channel === 'email' ? channels.email : channels.sms;
    if (!channel) return settle({ status: 'skipped', error: UNCONFIGURED[row.channel] });
    if (row.attempts > policy.maxAttempts) {
      // Claimed again after its last attempt's lease ran out: that attempt's outcome is unknown.
      return settle({
        status: 'failed',
        error: `gave up after ${policy.maxAttempts} attempts (the last one never answered)`,
      });
    }
    try {
      const sending =
        row.channel === 'email'
          ? channels.email!.send({ id: row.id, to: row.recipient, subject: row.subject ?? '', text: row.body })
          : channels.sms!.send({ id: row.id, to: row.recipient, text: row.body });
      await withTimeout(sending, policy.sendTimeoutMs);
    } catch (err) {
      const permanent = err instanceof DeliveryError && err.permanent;
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
      const last = permanent || row.attempts >= policy.maxAttempts;
      log.warn({ deliveryId: row.id, channel: row.channel, attempt: row.attempts, error }, 'delivery attempt failed');
      return settle(
        last
          ? { status: 'failed', error: permanent ? error : `${error} (gave up after ${row.attempts} attempts)` }
          : { status: 'pending', error, retryInMs: backoffMs(row.attempts, policy) },
      );
    }
    await settle({ status: 'sent' });
  }

  /** Runs rounds until stopped: at once again after a full batch, else after the poll interval. */
  start(): { stop(): Promise<void> } {
    const { log, policy } = this.deps;
    let stopped = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const loop = async () => {
      while (!stopped) {
        let claimed = 0;
        try {
          claimed = await this.runOnce();
        } catch (err) {
          log.warn({ err }, 'delivery dispatcher round failed; will retry');
        }
        if (!stopped && claimed < policy.batchSize) await pause(policy.pollMs);
      }
    };
    const running = loop();
    return {
      async stop() {
        stopped = true;
        wake?.();
        await running;
      },
    };
  }
}
