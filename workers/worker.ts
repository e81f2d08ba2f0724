// Builds the worker that runs both workflows and activities on the task queue.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import { createWorkingTimeSource } from '../lib/working-time';
import type { Database } from '../db/schema';
import { DB_POOL_MAX } from '../db/database';
import { dataConverterFor, type PayloadKeys } from '../lib/payload-codec';
import { tracingWorkerOptions } from '../lib/tracing';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  workdaySeconds: number | undefined;
  /** Encrypts what the worker sends to Temporal (lib/payload-codec.ts); the clients use the same keys. */
  payloadKeys: PayloadKeys;
  /** WORKER_CACHED_WORKFLOWS; CACHED_WORKFLOWS when absent. */
  cachedWorkflows?: number;
}

/**
 * Workflows kept in the sticky cache. Measured by bench W4: a cached open application (its own
 * workflow and its open step's) costs about 640 KiB of worker RSS, so 2,000 cached workflows hold
 * about 650 MiB, a third of a 2 GiB worker. A workflow evicted from the cache is replayed from its
 * history when it next has work (a step's history is tens of events: milliseconds). The SDK's own
 * default is sized from the heap limit, that is from the machine (2,310 on this 24 GiB one), not
 * from what an application costs, and would grow a worker moved to a bigger machine past its
 * container's limit.
 */
export const CACHED_WORKFLOWS = 2000;

/**
 * Activities run at once. Each write to the read model holds one of the process's DB_POOL_MAX (10)
 * connections for milliseconds. The SDK's default of 100 would, in a burst (bench W3: thousands of
 * lights changing within minutes), take 100 tasks off the queue and leave 90 of them waiting for a
 * connection inside this process, with their timeouts running, where another worker replica cannot
 * take them. Twice the pool keeps every connection busy and leaves the rest on the server.
 */
export const MAX_CONCURRENT_ACTIVITIES = 2 * DB_POOL_MAX;

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    dataConverter: dataConverterFor(deps.payloadKeys),
    activities: createActivities({ db: deps.db, workingTime: createWorkingTimeSource(deps.db, deps.workdaySeconds) }),
    maxCachedWorkflows: deps.cachedWorkflows ?? CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: MAX_CONCURRENT_ACTIVITIES,
    // Workflow task slots keep the SDK's default: workflow code runs on the worker's one workflow
    // thread, so more slots add no CPU, only tasks held away from other replicas.
    // On SIGTERM, activities in flight get this long to finish before they are told to cancel
    // (the process exits within 10 s; a projection takes milliseconds).
    shutdownGraceTime: '7 seconds',
    // OpenTelemetry interceptors and the workflow span sink, only when tracing is on (lib/tracing.ts).
    ...tracingWorkerOptions(),
  });
}
