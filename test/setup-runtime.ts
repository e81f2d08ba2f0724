// One Temporal runtime for the whole test process (the SDK keeps it across test files): the SDK's
// own logging kept to warnings, and the workers' metrics served on a free port that
// test/api/metrics.api.test.ts reads from TEST_TEMPORAL_METRICS_PORT.
import { spawnSync } from 'node:child_process';
import { DefaultLogger } from '@temporalio/worker';
import { installTemporalRuntime } from '../lib/telemetry';

if (!process.env.TEST_TEMPORAL_METRICS_PORT) {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: 'utf8' },
  );
  process.env.TEST_TEMPORAL_METRICS_PORT = probe.stdout.trim();
  try {
    installTemporalRuntime(
      { temporalMetricsAddress: `127.0.0.1:${process.env.TEST_TEMPORAL_METRICS_PORT}` },
      new DefaultLogger('WARN'),
    );
  } catch {
    // Already installed in this process.
  }
}
