// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then one trace runs from
// the HTTP request (the server span of the HTTP instrumentation) through the Temporal client call
// (start, Update, signal: OpenTelemetryWorkflowClientInterceptor) into the workflow (its Update
// handler and the activities it schedules, exported from the sandbox through a sink) and each
// (local) activity on the worker. Spans leave by OTLP/HTTP (JSON) to the collector named by the
// standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_SERVICE_NAME, OTEL_BSP_SCHEDULE_DELAY, ...).
//
// Started first thing by each entry point (scripts/start.ts, api/server.ts, workers/main.ts), so the
// HTTP instrumentation is in place before a server exists. Off, nothing is installed: no tracer
// provider, no instrumentation, no interceptors, no sink.
//
// Express 5 is beyond the Express instrumentation of this OpenTelemetry release (it covers 4.x), so
// the server span is named here by the route pattern Express matched, and api/app.ts puts the
// request id on it.
import { context, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';

interface ActiveTracing {
  provider: NodeTracerProvider;
  processor: SpanProcessor;
  resource: Resource;
}

let active: ActiveTracing | undefined;

/** Paths never traced: probes and scrapes would drown the traces that matter. */
const UNTRACED_PATHS = new Set(['/healthz', '/metrics']);

/**
 * Installs the tracer provider and the HTTP instrumentation when OTEL_EXPORTER_OTLP_ENDPOINT is set;
 * returns whether tracing is on. Idempotent: a second call (npm start runs the API and the worker in
 * one process) changes nothing.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (active) return true;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return false;
  const resource = Resource.default().merge(
    new Resource({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || serviceName }),
  );
  // The exporter reads its headers, timeout and compression from the OTEL_* variables itself.
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // The global provider, the AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
        // The only outgoing HTTP calls are notification gateways and the exporter itself.
        disableOutgoingRequestInstrumentation: true,
        // Name the server span by the route pattern Express matched (never the raw URL).
        applyCustomAttributesOnSpan: (span, request) => {
          const req = request as { method?: string; baseUrl?: string; route?: { path?: unknown } };
          const pattern = req.route?.path;
          if (typeof pattern !== 'string') return;
          const route = `${req.baseUrl ?? ''}${pattern}`;
          span.setAttribute(ATTR_HTTP_ROUTE, route);
          span.updateName(`${req.method ?? 'HTTP'} ${route}`);
        },
      }),
    ],
  });
  // The instrumentation patches `http` when it is next required: require it now, so servers
  // created by modules loaded before this call (Express in the entry points' imports) are covered.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('http');
  active = { provider, processor, resource };
  return true;
}

export const tracingEnabled = (): boolean => active !== undefined;

/** Sends the spans still buffered and stops; call before the process exits. */
export async function stopTracing(): Promise<void> {
  const current = active;
  active = undefined;
  await current?.provider.shutdown();
}

/** The Temporal client's interceptors: none when tracing is off. */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  if (!active) return undefined;
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/**
 * The worker's part: the workflow interceptor modules (bundled into the workflow sandbox), the
 * activity interceptors, and the sink through which the sandbox hands its spans to the processor.
 * Empty when tracing is off.
 */
export function tracingWorkerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!active) return {};
  return {
    interceptors: {
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(active.processor, active.resource) },
  };
}

/** The span of the request being handled (the HTTP server span), if tracing is on. */
export const currentSpan = (): Span | undefined => trace.getSpan(context.active());

/** The trace id of the request being handled, for its log line; undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  const ctx = currentSpan()?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}
