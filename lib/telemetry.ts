// The Temporal SDK's runtime: installed once per process, before the first connection, so the
// worker's own metrics (workflow and activity task latencies, task slots, sticky cache hits, polls)
// are served in the Prometheus format on TEMPORAL_METRICS_ADDRESS (a second scrape target beside
// the API's GET /metrics).
import { Runtime, type Logger } from '@temporalio/worker';
import type { Config } from './config';

export function installTemporalRuntime(config: Pick<Config, 'temporalMetricsAddress'>, logger?: Logger): void {
  if (!config.temporalMetricsAddress && !logger) return;
  Runtime.install({
    ...(logger ? { logger } : {}),
    telemetryOptions: {
      ...(config.temporalMetricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: config.temporalMetricsAddress,
                countersTotalSuffix: true,
                unitSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
}
