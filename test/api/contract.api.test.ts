// The API contract as a whole: the OpenAPI document, the authorization matrix generated from
// the route declarations (api/routes/*.ts), random and mutated bodies on every write route, and
// the repositories' real list queries using their indexes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CompiledQuery, sql } from 'kysely';
import { DEFAULT_WEIGHTS } from '../../domain/assessment';
import type { Role } from '../../domain/model';
import { ROUTES } from '../../api/routes';
import type { RouteSpec } from '../../api/routes/define';
import { statsRepo } from '../../db/repositories/stats';
import { stepsRepo } from '../../db/repositories/steps';
import { supervisionRepo } from '../../db/repositories/supervision';
import { applicationBody } from '../helpers/fixtures';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
const as: Record<string, ApiClient> = {};
let appId: string;
let stepId: string;
let sessionId: string;
let userId: string;
/** The account the admin's account actions (disable, reset, revoke) act on: not one of the callers. */
let accountId: string;
let caseNo: string;
let queryPassword: string;
let complaintNo: string;
let warningNo: string;

beforeAll(async () => {
  stack = await startStack();
  for (const u of ['officer', 'supervisor', 'cashier', 'admin', 'staff.drc', 'staff.eeb']) {
    as[u] = await ApiClient.login(stack.baseUrl, u);
  }
  const second = await as.admin!.post('/api/users', {
    username: 'officer.two',
    password: 'password-2',
    displayName: '第二代办员',
    role: 'officer',
  });
  expect(second.status).toBe(201);
  userId = second.body.id;
  as['officer.two'] = await ApiClient.login(stack.baseUrl, 'officer.two', 'password-2');
  const account = await as.admin!.post('/api/users', {
    username: 'account.target',
    password: 'password-3',
    displayName: '账号操作对象',
    role: 'cashier',
  });
  accountId = account.body.id;
  const created = await as.officer!.post('/api/applications', applicationBody(['PROJECT-FILING']));
  appId = created.body.id;
  stepId = created.body.steps[0].id;
  const session = await as.officer!.post(`/api/applications/${appId}/sessions`, {
    kind: 'review_meeting',
    topic: '联审',
    scheduledAt: '2026-12-03T10:00:00+08:00',
    location: '会议室',
    invitedDepartments: ['DRC'],
  });
  sessionId = session.body.id;
  caseNo = created.body.caseNo;
  queryPassword = created.body.queryPassword;
  // A complaint assigned to the DRC: its staff may reach it, the EEB's may not.
  const filed = await new ApiClient(stack.baseUrl).post('/api/public/complaints', {
    category: 'delay',
    content: '拖延',
    contactName: '张三',
    phone: '13800000001',
  });
  complaintNo = filed.body.complaintNo;
  expect(
    (await as.supervisor!.post(`/api/complaints/${complaintNo}/assign`, { departmentCode: 'DRC', replyWorkdays: 5 }))
      .status,
  ).toBe(200);
  // A warning on the DRC's step: its staff may reach it, the EEB's may not.
  const warning = await as.supervisor!.post('/api/warnings', { stepId, reason: '限期说明', replyWorkdays: 5 });
  expect(warning.status).toBe(201);
  warningNo = warning.body.id;
});

afterAll(async () => {
  await stack?.stop();
});

/** A valid example request for each route, on the fixtures above. */
function example(spec: RouteSpec): { path: string; body?: unknown } {
  const path = spec.path
    .replace(
      ':id',
      spec.path.startsWith('/api/sessions')
        ? sessionId
        : spec.path.startsWith('/api/steps')
          ? stepId
          : spec.path.startsWith('/api/supervision')
            ? `${stepId}-A1-L1`
            : /^\/api\/users\/:id\/(disable|enable|reset-password|sessions|sign-ins)/.test(spec.path)
              ? accountId
              : spec.path.startsWith('/api/users')
                ? userId
                : spec.path.startsWith('/api/complaints')
                  ? complaintNo
                  : spec.path.startsWith('/api/warnings')
                    ? warningNo
                    : appId,
    )
    .replace(':no', complaintNo)
    .replace(':code', 'PROJECT-FILING')
    .replace(':date', '2030-01-02');
  const bodies: Record<string, unknown> = {
    'post /api/auth/login': { username: 'cashier', password: 'demo1234' },
    'post /api/users': {
      username: `u${Math.random().toString(36).slice(2, 10)}`,
      password: 'password-9',
      displayName: 'x',
      role: 'cashier',
    },
    'post /api/departments': { code: 'TAX', name: '税务局' },
    'put /api/matters/:code': {
      name: '企业投资项目备案',
      departmentCode: 'DRC',
      caseType: 'promised',
      legalBasis: '条例',
      conditions: '条件',
      procedure: '程序',
      materials: ['申请表'],
      statutoryLimitDays: 3,
      promisedLimitDays: 1,
      fee: null,
      prerequisites: [],
      stage: 1,
    },
    'post /api/calendar/days': { date: '2030-01-02', workday: false, note: '测试' },
    'post /api/plan': { matters: ['PROJECT-FILING'] },
    'post /api/applications': applicationBody(['PROJECT-FILING']),
    'post /api/applications/:id/withdraw': { reason: '测试' },
    'post /api/applications/:id/resubmit': { matterCode: 'PROJECT-FILING', note: '测试' },
    'post /api/applications/:id/sessions': {
      kind: 'site_inspection',
      topic: 't',
      scheduledAt: '2026-12-04T10:00:00+08:00',
      location: 'l',
      invitedDepartments: ['DRC'],
    },
    'post /api/sessions/:id/opinions': { opinion: 'agree' },
    'post /api/sessions/:id/close': { minutes: '纪要' },
    'post /api/steps/:id/accept': {},
    'post /api/steps/:id/supplement-request': { items: ['材料'], reason: '不全' },
    'post /api/steps/:id/supplement': { note: '已补' },
    'post /api/steps/:id/special-procedure': { procedure: 'hearing', reason: '听证', approvedBy: '主任' },
    'post /api/steps/:id/special-procedure/end': { note: '结束' },
    'post /api/steps/:id/decision': { outcome: 'rejected', reason: '测试' },
    'post /api/steps/:id/reassign': { assigneeId: 'nobody' },
    'post /api/steps/:id/extension': { workdays: 1, reason: '测试' },
    'post /api/steps/:id/urge': { message: '催办' },
    'post /api/steps/:id/payment': { amountFen: 100, receiptNo: 'R' },
    'post /api/supervision/cases/:id/answer': { answer: '答复' },
    'post /api/supervision/cases/:id/accountability': {
      departmentCode: 'DRC',
      what: '逾期',
      measure: 'criticism_education',
      decision: '批评教育',
    },
    'put /api/assessment/weights': { version: 0, weights: { ...DEFAULT_WEIGHTS } },
    'put /api/me/notification-settings': { email: 'someone@center.example.cn', notifyBy: 'email' },
    'put /api/users/:id/notification-settings': { email: 'someone@center.example.cn', notifyBy: 'email' },
    'post /api/public/complaints': { category: 'other', content: '内容', contactName: '李四', phone: '13800000002' },
    'post /api/public/ratings': { caseNo, password: queryPassword, stepId, score: 4 },
    'post /api/complaints/:id/assign': { departmentCode: 'DRC', replyWorkdays: 5 },
    'post /api/complaints/:id/reply': { reply: '答复' },
    'post /api/complaints/:id/close': { upheld: false, conclusion: '不属实' },
    'post /api/warnings': { stepId, reason: '限期说明', replyWorkdays: 5 },
    'post /api/warnings/:id/reply': { reply: '答复' },
    'post /api/warnings/:id/accept': {},
    'post /api/warnings/:id/return': { reason: '退回' },
    // A wrong current password: the route is reached and refuses (400), nobody's password changes.
    'post /api/me/password': { currentPassword: 'not-the-password-1', newPassword: 'another-pass-2' },
  };
  return { path, body: bodies[`${spec.method} ${spec.path}`] ?? (spec.body ? {} : undefined) };
}

type Caller = { name: string; client: () => ApiClient; role: Role | null; department?: string; owner?: boolean };
const CALLERS: Caller[] = [
  { name: 'anonymous', client: () => new ApiClient(stack.baseUrl), role: null },
  { name: 'officer (owner)', client: () => as.officer!, role: 'officer', owner: true },
  { name: 'officer (not owner)', client: () => as['officer.two']!, role: 'officer', owner: false },
  { name: 'staff of the step', client: () => as['staff.drc']!, role: 'staff', department: 'DRC' },
  { name: 'staff of another department', client: () => as['staff.eeb']!, role: 'staff', department: 'EEB' },
  { name: 'supervisor', client: () => as.supervisor!, role: 'supervisor' },
  { name: 'cashier', client: () => as.cashier!, role: 'cashier' },
  { name: 'admin', client: () => as.admin!, role: 'admin' },
];

/** What the table says this caller must get on this route: allowed, or the denial status. */
function expected(spec: RouteSpec, c: Caller): 'allowed' | 401 | 403 | 404 {
  if (spec.access === 'public') return 'allowed';
  if (c.role === null) return 401;
  if (spec.access !== 'user' && !spec.access.includes(c.role)) return 403;
  // Documents: whoever may not read the application is told nothing exists.
  if (c.role === 'staff' && c.department !== 'DRC' && spec.scope.name === 'readable-hidden') return 404;
  if (
    c.role === 'staff' &&
    c.department !== 'DRC' &&
    ['department', 'readable'].includes(spec.scope.name) &&
    spec.path.includes(':id')
  )
    return 403;
  if (c.role === 'officer' && c.owner === false && spec.scope.name === 'owner' && spec.path.includes(':id')) return 403;
  return 'allowed';
}

describe('OpenAPI', () => {
  it('when the document is validated, then it is valid OpenAPI 3.1 and lists every route of the router', async () => {
    const doc = (await new ApiClient(stack.baseUrl).get('/openapi.json')).body;
    // The validator is ESM inside; Jest's module system cannot load it, plain Node can.
    const file = path.join(os.tmpdir(), `openapi-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    const check = spawnSync(
      process.execPath,
      [
        '-e',
        "require('@apidevtools/swagger-parser').validate(process.argv[1]).then(() => console.log('valid'), (e) => { console.error(e.message); process.exit(1); })",
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('valid');
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops as object).map((m) => `${m} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const mounted: string[] = [];
    const walk = (stackLayers: any[]) => {
      for (const layer of stackLayers) {
        if (layer.route && typeof layer.route.path === 'string')
          for (const m of Object.keys(layer.route.methods)) mounted.push(`${m} ${layer.route.path}`);
        else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((stack.app as any).router.stack);
    expect(mounted.length).toBeGreaterThan(40);
    expect(mounted.filter((r) => !documented.has(r) && !r.startsWith('get /docs'))).toEqual([]);
    const page = await fetch(`${stack.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});

describe('authorization matrix (from the route declarations)', () => {
  it('when every route is called as every role, then only the allowed combinations pass, denials are 401/403 and nothing is a 5xx', async () => {
    const failures: string[] = [];
    let cases = 0;
    // Reads first, writes after, destructive last and signing out at the very end (it ends each
    // caller's session), so earlier cases find the fixtures and the sessions intact.
    const order = (s: RouteSpec) =>
      s.path === '/api/auth/logout'
        ? 3
        : s.method === 'get'
          ? 0
          : s.path.endsWith('/withdraw') || s.method === 'delete'
            ? 2
            : 1;
    for (const spec of [...ROUTES].sort((a, b) => order(a) - order(b))) {
      for (const caller of CALLERS) {
        const { path, body } = example(spec);
        const r = await caller.client().request(spec.method.toUpperCase(), path, body);
        cases++;
        const want = expected(spec, caller);
        const got = r.status;
        const ok = got < 500 && (want === 'allowed' ? got !== 401 && got !== 403 && got !== 404 : got === want);
        const allowedNotFound =
          want === 'allowed' &&
          got === 404 &&
          /supervision case|calendar entry|document not found|unknown delivery/.test(r.body?.error?.message ?? '');
        if (!ok && !allowedNotFound)
          failures.push(
            `${spec.method.toUpperCase()} ${spec.path} as ${caller.name}: ${got} (expected ${want}) ${JSON.stringify(r.body?.error ?? '')}`,
          );
      }
    }
    // Signing out ended every caller's session: the later tests sign in again.
    expect((await as.officer!.get('/api/me')).body.error.reason).toBe('session_revoked');
    for (const u of Object.keys(as))
      as[u] = await ApiClient.login(stack.baseUrl, u, u === 'officer.two' ? 'password-2' : 'demo1234');
    console.log(`authorization matrix: ${cases} route × caller cases`);
    expect(failures).toEqual([]);
    expect(cases).toBe(ROUTES.length * CALLERS.length);
  });
});

describe('fuzzing the write routes', () => {
  it('when thousands of random and mutated bodies are sent, then there is never a 5xx and a refused request writes nothing', async () => {
    // Tables only a request itself writes (workflow projections land in others at any moment).
    const tables = ['applications', 'steps', 'users', 'departments', 'matters', 'calendar_days'] as const;
    const counts = async () =>
      (
        await sql<{
          n: string;
        }>`select concat_ws(',', ${sql.join(tables.map((t) => sql`(select count(*) from ${sql.table(t)})`))}) as n`.execute(
          stack.db.db,
        )
      ).rows[0]!.n;
    const writes = ROUTES.filter((r) => r.method !== 'get' && r.body && r.path !== '/api/auth/login');
    const callerFor = (spec: RouteSpec): ApiClient => {
      if (spec.access === 'public' || spec.access === 'user') return as.officer!;
      const role = spec.access[0]!;
      return role === 'staff' ? as['staff.drc']! : as[role]!;
    };
    const mutated = (valid: Record<string, unknown>) =>
      fc.oneof(
        fc.jsonValue(),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
        fc.record({ drop: fc.constantFrom(...Object.keys(valid), 'none') }).map(({ drop }) => {
          const copy = { ...valid };
          delete copy[drop];
          return copy;
        }),
        fc
          .tuple(fc.constantFrom(...Object.keys(valid).concat(['extra'])), fc.jsonValue({ maxDepth: 2 }))
          .map(([k, v]) => ({ ...valid, [k]: v })),
      );
    let sent = 0;
    for (const spec of writes) {
      const { path, body } = example(spec);
      const valid = (body ?? {}) as Record<string, unknown>;
      // The property fails on the first bad answer, so fast-check shrinks the body to a minimal one.
      await fc.assert(
        fc.asyncProperty(Object.keys(valid).length ? mutated(valid) : fc.jsonValue(), async (candidate) => {
          const before = await counts();
          const r = await callerFor(spec).request(spec.method.toUpperCase(), path, JSON.stringify(candidate));
          sent++;
          const what = `${spec.method} ${path} answered ${r.status} ${JSON.stringify(r.body?.error ?? '')}`;
          if (r.status >= 500) throw new Error(`${what}: a 5xx`);
          // A body the route's own schema refuses must be a 400 naming the fields, never a success.
          if (spec.body && !spec.body.safeParse(candidate).success) {
            if (r.status !== 400) throw new Error(`${what}: invalid input not refused with 400`);
            if (!Array.isArray(r.body?.error?.details) || r.body.error.details.length === 0)
              throw new Error(`${what}: a 400 without details`);
          }
          if (r.status >= 400 && r.status < 500 && (await counts()) !== before)
            throw new Error(`${what}: refused, but rows changed`);
          return true;
        }),
        { numRuns: 100, seed: 20261129 },
      );
    }
    console.log(`fuzz: ${sent} requests on ${writes.length} write routes`);
    expect(sent).toBeGreaterThanOrEqual(2000);
  }, 400_000);
});

const plan = async (compiled: { sql: string; parameters: readonly unknown[] }) => {
  const r = await stack.db.db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
  );
  return r.rows.map((row) => row['QUERY PLAN']).join('\n');
};

describe('list queries at scale', () => {
  it('when there are 10,000 steps and cases, then the inbox and the supervision cases use an index', async () => {
    const db = stack.db.db;
    await sql`
      insert into applications (id, case_no, query_password, status, project, investor, officer_id, updated_at)
      select 'BULK' || g, 'GH-1999-' || lpad(g::text, 6, '0'), 'ABC234', 'in_progress', '{}'::jsonb, '{}'::jsonb, (select id from users where username = 'officer'), now()
      from generate_series(1, 10000) g`.execute(db);
    await sql`
      insert into steps (id, application_id, matter_code, department_code, prerequisites, status, light, deadline, decided_at, updated_at)
      select 'BULK' || g || '-S', 'BULK' || g, 'PROJECT-FILING', (array['DRC','NRB','EEB','FGB','WRB','HUD'])[1 + g % 6], '[]'::jsonb,
             (array['submitted','in_review','approved','rejected','blocked'])[1 + g % 5], (array['green','yellow','red','none','none','none','none','none','none','none'])[1 + g % 10],
             now() + (g || ' minutes')::interval,
             case when g % 5 in (2, 3) then timestamptz '2026-12-01' - (g || ' hours')::interval end, now()
      from generate_series(1, 10000) g`.execute(db);
    await sql`
      insert into supervision_cases (id, step_id, application_id, department_code, attempt, level, opened_at, due_at, status)
      select 'BULK' || g || '-C', 'BULK' || g || '-S', 'BULK' || g, 'DRC', 1, 1, now(), now(), (array['open','closed','closed','closed'])[1 + g % 4]
      from generate_series(1, 10000) g`.execute(db);
    await sql`analyze`.execute(db);
    // The queries the API runs, compiled from the repositories themselves (not copies of them).
    const inboxPlan = await plan(stepsRepo.inboxQuery(db, 'DRC', 50, 0).compile());
    // The partial index of migration 0019 gives the rows in the inbox's own order: no sort of the department's steps.
    expect(inboxPlan).toMatch(/steps_inbox/);
    expect(inboxPlan).not.toMatch(/Sort/);
    // The statistics read the per-day table (migration 0055), not the steps, and count what the steps hold.
    const statsPlan = await plan(statsRepo.departmentsQuery(db, { from: '2026-11-01', to: '2026-11-30' }).compile());
    expect(statsPlan).toMatch(/step_decision_days/);
    expect(statsPlan).not.toMatch(/on steps/);
    const { rows: decided } = await sql<{
      n: number;
    }>`select count(*)::integer as n from steps where decided_at is not null`.execute(db);
    const stats = (await as['supervisor']!.get('/api/stats/departments')).body as Array<{ decided: number }>;
    expect(stats.reduce((n, r) => n + r.decided, 0)).toBe(decided[0]!.n);
    expect(decided[0]!.n).toBeGreaterThanOrEqual(4000);
    const casesPlan = await plan(supervisionRepo.listQuery(db, { status: 'open', limit: 50, offset: 0 }).compile());
    expect(casesPlan).toMatch(/supervision_cases_status_opened/);
    const departmentCasesPlan = await plan(
      supervisionRepo.listQuery(db, { status: 'open', departmentCode: 'DRC', limit: 50, offset: 0 }).compile(),
    );
    expect(departmentCasesPlan).toMatch(/supervision_cases_status_opened/);
    // A broad search counts up to its cap and says there are more; a narrow one counts exactly.
    const broad = (await as['supervisor']!.get(`/api/applications?q=${encodeURIComponent('GH-1999')}`)).body;
    expect(broad).toMatchObject({ total: 1000, totalCapped: true });
    expect(broad.items).toHaveLength(50);
    const narrow = (await as['supervisor']!.get(`/api/applications?q=${encodeURIComponent('GH-1999-000012')}`)).body;
    expect(narrow.total).toBe(1);
    expect(narrow.totalCapped).toBeUndefined();
    expect(narrow.items.map((a: { caseNo: string }) => a.caseNo)).toEqual(['GH-1999-000012']);
    // And the real endpoints answer on it.
    expect((await as['staff.drc']!.get('/api/inbox')).body.length).toBe(50);
    expect(await stepsRepo.board(db, 10, 0)).toHaveLength(10);
    expect(await supervisionRepo.list(db, { status: 'open', limit: 10, offset: 0 })).toHaveLength(10);
  });

  // The board asks for yellow and red steps *or* failed ones, failed first: the partial index of
  // migration 0008 serves exactly that predicate and order.
  it('when there are 10,000 steps, then the supervision board uses an index', async () => {
    const boardPlan = await plan(stepsRepo.boardQuery(stack.db.db, 50, 0).compile());
    expect(boardPlan).not.toMatch(/Seq Scan on steps/);
  });
});
