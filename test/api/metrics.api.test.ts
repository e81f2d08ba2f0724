// GET /metrics: request durations by route, business gauges from the read model, and the worker's
// own Temporal metrics served by the SDK's runtime.
import fs from 'node:fs';
import path from 'node:path';
import { metricsRefusal } from '../../api/metrics';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let officer: ApiClient;
/** The test process's Temporal runtime serves its metrics here (test/setup-runtime.ts installs it). */
const temporalMetricsPort = Number(process.env.TEST_TEMPORAL_METRICS_PORT);

beforeAll(async () => {
  stack = await startStack();
  officer = await ApiClient.login(stack.baseUrl, 'officer');
});

afterAll(() => stack?.stop());

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const r = await fetch(url, { headers });
  return { status: r.status, text: await r.text() };
};

/** The value of one sample line, e.g. `name{a="b"} 3`. */
const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || l.startsWith(`${name}{${labels},`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

it('when requests were served and a review is open, then /metrics shows their durations by route and the open steps by department and light', async () => {
  const launched = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
  expect(launched.status).toBe(201);
  for (let i = 0; i < 3; i++) expect((await officer.get(`/api/applications/${launched.body.id}`)).status).toBe(200);

  const { status, text } = await scrape(`${stack.baseUrl}/metrics`);
  expect(status).toBe(200);
  // By route pattern, never by raw URL (the id is not a label).
  expect(
    sample(text, 'http_request_duration_seconds_count', 'method="GET",route="/api/applications/:id",status="200"'),
  ).toBe(3);
  expect(text).not.toContain(launched.body.id);
  expect(
    sample(text, 'http_request_duration_seconds_count', 'method="POST",route="/api/applications",status="201"'),
  ).toBe(1);
  expect(sample(text, 'joint_approval_open_steps', 'department="DRC",light="green"')).toBe(1);
  expect(sample(text, 'joint_approval_applications', 'status="in_progress"')).toBe(1);
  expect(sample(text, 'joint_approval_outbox_backlog', 'outbox="launch"')).toBe(0);
  expect(sample(text, 'joint_approval_outbox_backlog', 'outbox="deliveries"')).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'joint_approval_outbox_backlog', 'outbox="documents"')).toBeGreaterThanOrEqual(0);
  expect(text).toContain('# TYPE joint_approval_open_supervision_cases gauge');
  expect(text).toContain('process_resident_memory_bytes');
});

it('when the worker has run tasks, then its Temporal runtime serves its own metrics', async () => {
  // The runtime exports what its workers recorded a moment ago.
  const text = await eventually(async () => {
    const r = await scrape(`http://127.0.0.1:${temporalMetricsPort}/metrics`);
    return r.status === 200 && r.text.includes('temporal_workflow_task_execution_latency_seconds_count') && r.text;
  });
  expect(text).toMatch(/^temporal_workflow_task_execution_latency_seconds_count\{/m);
  expect(text).toMatch(/temporal_worker_task_slots_available\{[^}]*worker_type="WorkflowWorker"/);
});

describe('who may read the metrics', () => {
  const TOKEN = 'metrics-token-metrics-token';
  it('without a token: the same machine only', () => {
    expect(metricsRefusal('127.0.0.1', undefined, undefined)).toBeUndefined();
    expect(metricsRefusal('::ffff:127.0.0.1', undefined, undefined)).toBeUndefined();
    expect(metricsRefusal('10.0.0.8', undefined, undefined)?.status).toBe(403);
  });
  it('with a token: whoever sends it, from anywhere; nobody else, not even the same machine', () => {
    expect(metricsRefusal('10.0.0.8', `Bearer ${TOKEN}`, TOKEN)).toBeUndefined();
    expect(metricsRefusal('127.0.0.1', undefined, TOKEN)?.status).toBe(401);
    expect(metricsRefusal('127.0.0.1', 'Bearer wrong', TOKEN)?.status).toBe(401);
  });
});

it('every metric the Grafana dashboard in deploy/grafana plots is one the API or the worker serves', async () => {
  const dashboard = fs.readFileSync(path.join(__dirname, '../../deploy/grafana/joint-approval.json'), 'utf8');
  const exprs = (JSON.parse(dashboard) as { panels: Array<{ targets: Array<{ expr: string }> }> }).panels.flatMap((p) =>
    p.targets.map((t) => t.expr),
  );
  // Histograms are declared once under their base name (…_bucket, …_count and …_sum are its series).
  const named = new Set(
    exprs
      .flatMap((e) => e.match(/\b(?:joint_approval|http|temporal|process)_\w+/g) ?? [])
      .map((n) => n.replace(/_(bucket|count|sum)$/, '')),
  );
  expect(named.size).toBeGreaterThan(8);
  const served =
    (await scrape(`${stack.baseUrl}/metrics`)).text +
    (await scrape(`http://127.0.0.1:${temporalMetricsPort}/metrics`)).text;
  for (const name of named) expect({ name, served: served.includes(`# TYPE ${name}`) }).toEqual({ name, served: true });
});
