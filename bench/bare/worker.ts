// The bare baseline's worker process (W1): its own workflow bundle (bench/bare/workflows.ts), no
// activities, the SDK's default options. Started by the bench as a child process beside the
// project's worker, on the same Temporal server, on its own task queue.
//   node dist/bench/bare/worker.js <temporal address> <task queue>
import { NativeConnection, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const [address, taskQueue] = process.argv.slice(2);
  if (!address || !taskQueue) throw new Error('usage: worker.js <temporal address> <task queue>');
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./workflows'),
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      });
    }
    console.log(`bare worker running on ${taskQueue}`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
