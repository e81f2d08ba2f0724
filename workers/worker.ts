// Builds the worker that runs both workflows and activities on the task queue.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import { createWorkingTimeSource } from '../lib/working-time';
import type { Database } from '../db/schema';
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
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    dataConverter: dataConverterFor(deps.payloadKeys),
    activities: createActivities({ db: deps.db, workingTime: createWorkingTimeSource(deps.db, deps.workdaySeconds) }),
    // On SIGTERM, activities in flight get this long to finish before they are told to cancel
    // (the process exits within 10 s; a projection takes milliseconds).
    shutdownGraceTime: '7 seconds',
    // OpenTelemetry interceptors and the workflow span sink, only when tracing is on (lib/tracing.ts).
    ...tracingWorkerOptions(),
  });
}
