// Housekeeping that every API process runs beside the HTTP server: starting launches whose
// workflow never started, issuing the center's documents, sending notification deliveries, and
// purging old idempotency keys. Every job is safe to run in several API replicas at once: a
// workflow start uses the business id (a second start attaches to the first), the documents issuer
// leases each event to one replica and stores its documents once, the delivery dispatcher claims
// rows with a lease (api/delivery/dispatcher.ts), a purge deletes what is old.
import { applicationsRepo } from '../db/repositories/applications';
import { idempotencyKeysRepo } from '../db/repositories/idempotency-keys';
import { authSessionsRepo } from '../db/repositories/auth-sessions';
import { deliveriesRepo } from '../db/repositories/deliveries';
import { loginFailuresRepo } from '../db/repositories/login-failures';
import { signInsRepo } from '../db/repositories/sign-ins';
import { channelsFrom } from './delivery/channels';
import { DeliveryDispatcher } from './delivery/dispatcher';
import type { AppDeps } from './deps';
import { applicationServiceDeps, startApplicationWorkflow } from './services/applications';
import { issueDocuments } from './services/documents';
import { recoverComplaints } from './services/complaints';
import { recoverWarnings } from './services/warnings';

export interface BackgroundJobs {
  stop(): Promise<void>;
}

const RECOVER_EVERY_MS = 30_000;
const PURGE_EVERY_MS = 3600_000;
/** The documents outbox is read this often (an idle read is one indexed query). */
const ISSUE_DOCUMENTS_EVERY_MS = 2_000;
/** A launch younger than this may still be starting its workflow in the request that made it. */
const LAUNCH_GRACE_MS = 5_000;
const RECOVER_BATCH = 100;
/** After this many failed starts in a row the run ends: Temporal is likely down; the next run retries. */
const MAX_FAILURES_PER_RUN = 3;

/**
 * Starts the workflow of every application committed more than `olderThanMs` ago whose workflow
 * is not known to be started (its launch failed to start it, or its process died before). Returns
 * the ids started and the ids that failed this time.
 */
export async function recoverLaunches(
  deps: AppDeps,
  { olderThanMs = LAUNCH_GRACE_MS }: { olderThanMs?: number } = {},
): Promise<{ started: string[]; failed: string[] }> {
  const service = applicationServiceDeps(deps);
  const pending = await applicationsRepo.listNotStarted(deps.db, new Date(Date.now() - olderThanMs), RECOVER_BATCH);
  const started: string[] = [];
  const failed: string[] = [];
  let failuresInARow = 0;
  for (const id of pending) {
    try {
      await startApplicationWorkflow(service, id);
      started.push(id);
      failuresInARow = 0;
      deps.log.info({ applicationId: id }, 'launch recovery started the workflow');
    } catch (err) {
      failed.push(id);
      deps.log.warn({ err, applicationId: id }, 'launch recovery could not start the workflow; will retry');
      if (++failuresInARow >= MAX_FAILURES_PER_RUN) break;
    }
  }
  return { started, failed };
}

/** Deletes idempotency keys (and their stored answers) older than the configured retention. */
export async function purgeIdempotencyKeys(deps: AppDeps): Promise<number> {
  const before = new Date(Date.now() - deps.config.idempotencyRetentionMs);
  return idempotencyKeysRepo.purge(deps.db, before);
}

/** Runs `job` now and every `everyMs`, one run at a time; a failed run is logged and retried next time. */
function every(deps: AppDeps, name: string, everyMs: number, job: () => Promise<unknown>) {
  const run = async () => {
    try {
      await job();
    } catch (err) {
      deps.log.warn({ err }, `${name} failed; will retry`);
    }
  };
  let running: Promise<void> = run();
  const timer = setInterval(() => {
    running = running.then(run);
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The notification delivery dispatcher on the configured channels, until stopped. */
function deliveries(deps: AppDeps) {
  const channels = channelsFrom(deps.config);
  const loop = new DeliveryDispatcher({ db: deps.db, log: deps.log, policy: deps.config.delivery, channels }).start();
  return {
    async stop() {
      await loop.stop();
      channels.email?.close();
    },
  };
}

export function startBackgroundJobs(deps: AppDeps): BackgroundJobs {
  const jobs = [
    deliveries(deps),
    every(deps, 'launch recovery', RECOVER_EVERY_MS, () => recoverLaunches(deps)),
    every(deps, 'complaint recovery', RECOVER_EVERY_MS, () => recoverComplaints(deps)),
    every(deps, 'warning recovery', RECOVER_EVERY_MS, () => recoverWarnings(deps)),
    every(deps, 'purging old idempotency keys', PURGE_EVERY_MS, () => purgeIdempotencyKeys(deps)),
    // The center's documents of every event that issues one (api/services/documents.ts).
    every(deps, 'issuing documents', ISSUE_DOCUMENTS_EVERY_MS, () => issueDocuments(deps)),
    // A failed-sign-in window that has ended locks nothing any more.
    every(deps, 'purging ended sign-in lockout windows', PURGE_EVERY_MS, () =>
      loginFailuresRepo.purgeExpired(
        deps.db,
        // The longest window kept in the table: lockouts, public lookups, anonymous rate counters.
        new Date(
          Date.now() -
            Math.max(
              deps.config.loginLockoutSeconds,
              deps.config.publicLookupLimit.windowSeconds,
              deps.config.anonymousRateLimit.windowSeconds,
            ) *
              1000,
        ),
      ),
    ),
    // The sign-in history and ended deliveries (addresses, phone numbers, texts) are kept as long
    // as configured, not for ever.
    every(deps, 'purging old sign-in history', PURGE_EVERY_MS, () =>
      signInsRepo.purge(deps.db, new Date(Date.now() - deps.config.signInHistoryDays * 86_400_000)),
    ),
    every(deps, 'purging ended deliveries', PURGE_EVERY_MS, () =>
      deliveriesRepo.purgeEnded(deps.db, new Date(Date.now() - deps.config.deliveryRetentionDays * 86_400_000)),
    ),
    // Sign-in sessions expired for 30 days are gone from "my sessions" (the sign-in history stays).
    every(deps, 'purging expired sign-in sessions', PURGE_EVERY_MS, () =>
      authSessionsRepo.purgeExpired(deps.db, new Date(Date.now() - 30 * 86_400_000)),
    ),
  ];
  return {
    async stop() {
      await Promise.all(jobs.map((j) => j.stop()));
    },
  };
}
