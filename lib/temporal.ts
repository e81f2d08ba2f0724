// The Temporal connection, read the standard way (@temporalio/envconfig: TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE and the config file),
// so a Temporal cluster or Temporal Cloud is configuration only.
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ClientConnectConfig } from '@temporalio/envconfig';

export const LOCAL_TEMPORAL_ADDRESS = '127.0.0.1:7233';

export function temporalConnectConfig(): {
  connectionOptions: ClientConnectConfig['connectionOptions'];
  namespace: string;
} {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? LOCAL_TEMPORAL_ADDRESS },
    namespace: namespace ?? 'default',
  };
}
