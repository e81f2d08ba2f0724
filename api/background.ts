// Housekeeping that every API process runs beside the HTTP server: purging old idempotency
// keys (and, with the launch work, starting launches whose workflow never started).
// Every job is safe to run in several API replicas at once.
import type { AppDeps } from './deps';

export interface BackgroundJobs {
  stop(): Promise<void>;
}

const PURGE_EVERY_MS = 3600_000;

export function startBackgroundJobs(deps: AppDeps): BackgroundJobs {
  const purge = async () => {
    const before = new Date(Date.now() - deps.config.idempotencyRetentionMs);
    try {
      await deps.db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
    } catch (err) {
      deps.log.warn({ err }, 'purging old idempotency keys failed; will retry');
    }
  };
  let running: Promise<void> = purge();
  const timer = setInterval(() => {
    running = running.then(purge);
  }, PURGE_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
