// GET /metrics in the Prometheus text format: request durations by route and status, and the
// business gauges the supervision office and the operators watch (open steps by department and
// light, open supervision cases by level, applications by status, outbox backlogs), read from
// PostgreSQL at scrape time. Every API replica reports the same business gauges: aggregate them
// with max(), not sum() (the Grafana dashboard in deploy/grafana does).
//
// The worker's own Temporal metrics (task latencies, slots, sticky cache) come from the SDK's
// runtime on TEMPORAL_METRICS_ADDRESS (lib/telemetry.ts): a second scrape target.
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { metricsRepo } from '../db/repositories/metrics';
import type { AppDeps } from './deps';
import { HttpError } from './errors';

export interface Metrics {
  registry: Registry;
  /** Times every request; mount before the routes. */
  timing: RequestHandler;
  /** GET /metrics. */
  endpoint: RequestHandler;
}

/** The label of a request: its route pattern (bounded), never its raw URL. */
function routeLabel(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return req.originalUrl.startsWith('/api/') ? 'unmatched' : 'static';
}

const isLoopback = (address: string | undefined) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may read the metrics: with METRICS_TOKEN set, whoever sends it as a bearer token; without
 * it, only the same machine (a Prometheus agent beside the API, or a tunnel), never the network.
 */
export function metricsRefusal(
  remoteAddress: string | undefined,
  authorization: string | undefined,
  token: string | undefined,
): HttpError | undefined {
  if (token) {
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    return given && sameToken(given, token)
      ? undefined
      : new HttpError(401, 'unauthenticated', 'metrics need the metrics token');
  }
  return isLoopback(remoteAddress)
    ? undefined
    : new HttpError(403, 'forbidden', 'metrics are served to this machine only unless METRICS_TOKEN is set');
}

export function createMetrics(deps: Pick<AppDeps, 'db' | 'config' | 'log'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** A gauge set from one grouped query at each scrape; a failed query leaves it empty and is logged. */
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<Array<{ labels: Record<L, string | number>; value: number }>>,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const { labels, value } of await read()) this.set(labels, value);
        } catch (err) {
          deps.log.warn({ err, metric: name }, 'metric not collected');
        }
      },
    });

  gauge('joint_approval_open_steps', 'Open steps by department and light', ['department', 'light'], async () =>
    (await metricsRepo.openSteps(deps.db)).map((r) => ({
      labels: { department: r.department_code, light: r.light },
      value: Number(r.n),
    })),
  );
  gauge('joint_approval_open_supervision_cases', 'Open supervision cases by level', ['level'], async () =>
    (await metricsRepo.openCases(deps.db)).map((r) => ({ labels: { level: r.level }, value: Number(r.n) })),
  );
  gauge('joint_approval_applications', 'Applications by status', ['status'], async () =>
    (await metricsRepo.applicationsByStatus(deps.db)).map((r) => ({
      labels: { status: r.status },
      value: Number(r.n),
    })),
  );
  gauge('joint_approval_outbox_backlog', 'Rows written but not yet carried out, by outbox', ['outbox'], async () =>
    (await metricsRepo.outboxBacklog(deps.db)).map((r) => ({ labels: { outbox: r.outbox }, value: r.n })),
  );

  const timing: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
    next();
  };

  const endpoint: RequestHandler = async (req, res) => {
    const refusal = metricsRefusal(req.socket.remoteAddress, req.get('authorization'), deps.config.metricsToken);
    if (refusal) throw refusal;
    res.type(registry.contentType).send(await registry.metrics());
  };

  return { registry, timing, endpoint };
}
