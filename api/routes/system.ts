// Health, for load balancers and `npm start`.
import { healthRepo } from '../../db/repositories/health';
import { scopes } from '../access';
import { unavailable } from '../errors';
import { callTemporal } from '../temporal-call';
import { defineRoute } from './define';

/** Health answers quickly (3 s, or the RPC deadline if shorter): a load balancer must not wait on it. */
const HEALTH_TIMEOUT_MS = 3_000;

export const systemRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Health: ok once the database and Temporal answer',
    tag: 'system',
    access: 'public',
    scope: scopes.none,
    handler: async ({ deps }) => {
      try {
        await healthRepo.ping(deps.db);
      } catch {
        throw unavailable('the database does not answer');
      }
      try {
        await callTemporal(
          deps,
          () => deps.temporal.workflowService.getSystemInfo({}),
          Math.min(HEALTH_TIMEOUT_MS, deps.config.temporalRpcTimeoutMs),
        );
      } catch {
        throw unavailable('Temporal does not answer');
      }
      return { status: 'ok' };
    },
  }),
];
