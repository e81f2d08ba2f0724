// Builds the worker that runs both workflows and activities on the task queue.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import { createWorkingTimeSource } from '../lib/working-time';
import type { Database } from '../db/schema';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Kysely<Database>;
  workdaySeconds: number | undefined;
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: deps.db, workingTime: createWorkingTimeSource(deps.db, deps.workdaySeconds) }),
    // On SIGTERM, activities in flight get this long to finish before they are told to cancel
    // (the process exits within 10 s; a projection takes milliseconds).
    shutdownGraceTime: '7 seconds',
  });
}
