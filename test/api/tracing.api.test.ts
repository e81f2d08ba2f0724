// Tracing (lib/tracing.ts): with OTEL_EXPORTER_OTLP_ENDPOINT set, one HTTP accept of a step is one
// trace, from the HTTP server span through the client's Update and the workflow's Update handler to
// the activity it runs; the request's log line carries the trace id. The collector is a local
// OTLP/HTTP receiver (the exporter speaks OTLP JSON).
//
// The API runs as its production process (`node dist/api/server.js`, built here if stale): the HTTP
// instrumentation hooks Node's module loader, which Jest's module registry bypasses, so an API inside
// this Jest process would get no server span. The worker runs here, with the same tracing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startTracing, stopTracing, tracingEnabled } from '../../lib/tracing';
import { projectRoot } from '../../lib/paths';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface OtlpRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

const received: OtlpSpan[] = [];
let receiver: http.Server;
let stack: Stack;
let api: ChildProcess;
let apiUrl: string;
const logLines: Record<string, unknown>[] = [];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        for (const rs of body.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) received.push(span);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  expect(startTracing('joint-approval-worker', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toBe(true);
  stack = await startStack();

  const built = spawnSync(process.execPath, ['scripts/build-if-changed.js', 'server'], {
    cwd: projectRoot(),
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`);
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, [path.join(projectRoot(), 'dist/api/server.js')], {
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: stack.db.url,
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATA_DIR: stack.config.dataDir,
      JWT_SECRET: stack.config.jwtSecret,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  api.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) logLines.push(JSON.parse(line));
  });
  await eventually(async () => (await fetch(`${apiUrl}/healthz`).catch(() => undefined))?.ok);
}, 300_000);

afterAll(async () => {
  if (api && api.exitCode === null) {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }
  await stack?.stop();
  await stopTracing();
  await new Promise((r) => receiver?.close(r));
});

const attr = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;

it('when OTEL_EXPORTER_OTLP_ENDPOINT is not set, then tracing does not start', () => {
  expect(tracingEnabled()).toBe(true);
  // Off in a fresh process: the entry points call startTracing, which returns before creating anything.
  const probe = spawnSync(
    process.execPath,
    ['-e', "const t = require('./dist/lib/tracing'); console.log(t.startTracing('probe', {}), t.tracingEnabled())"],
    { cwd: projectRoot(), encoding: 'utf8' },
  );
  expect(probe.stdout.trim()).toBe('false false');
});

it('when a step is accepted over HTTP, then the server span, the Update, its handler in the workflow and an activity share one trace, and the log line names it', async () => {
  const officer = await ApiClient.login(apiUrl, 'officer');
  const drc = await ApiClient.login(apiUrl, 'staff.drc');
  const launched = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
  expect(launched.status).toBe(201);
  const stepId = launched.body.steps[0].id as string;

  const requestId = `trace-test-${Date.now()}`;
  const accepted = await drc.post(`/api/steps/${stepId}/accept`, {}, { 'x-request-id': requestId });
  expect(accepted.status).toBe(200);
  expect(accepted.headers.get('x-request-id')).toBe(requestId);

  // The HTTP server span of that request, named by its route, with the request id on it.
  const serverSpan = await eventually(async () => received.find((s) => attr(s, 'http.request_id') === requestId));
  expect(serverSpan.kind).toBe(2); // SERVER
  expect(serverSpan.name).toBe('POST /api/steps/:id/accept');
  expect(attr(serverSpan, 'http.route')).toBe('/api/steps/:id/accept');
  const traceId = serverSpan.traceId;

  // The rest of the chain arrives as the worker finishes its tasks.
  const trace = await eventually(async () => {
    const spans = received.filter((s) => s.traceId === traceId);
    const update = spans.find((s) => s.name === 'StartWorkflowUpdate:accept');
    const handler = spans.find((s) => s.name === 'HandleUpdate:accept');
    const activity = spans.find((s) => s.name.startsWith('RunActivity:'));
    return update && handler && activity && { spans, update, handler, activity };
  });
  const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  const ancestors = (span: OtlpSpan): string[] => {
    const names: string[] = [];
    for (let p = span.parentSpanId && byId.get(span.parentSpanId); p; p = p.parentSpanId && byId.get(p.parentSpanId))
      names.push(p.name);
    return names;
  };
  // Parent links: the Update under the request, the handler under the Update, the activity under both.
  expect(ancestors(trace.update)).toContain('POST /api/steps/:id/accept');
  expect(ancestors(trace.handler)).toEqual(expect.arrayContaining(['StartWorkflowUpdate:accept', serverSpan.name]));
  expect(ancestors(trace.activity)).toEqual(expect.arrayContaining(['HandleUpdate:accept', serverSpan.name]));
  console.log(`trace ${traceId}: ${trace.spans.map((s) => s.name).join(', ')}`);

  // The request's log line (pino-http) carries the request id and the trace id.
  const line = await eventually(async () =>
    logLines.find((l) => (l.req as { id?: string } | undefined)?.id === requestId),
  );
  expect(line.traceId).toBe(traceId);
});
