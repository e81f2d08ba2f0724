// The center's documents on the real stack: a review with an acceptance, a correction, a refusal
// at the window, a refusal after review, an approval with a fee and the completion issues every
// kind of document through the API's background issuer; each PDF is read back with pdftotext as a
// reader would, its hash is the one in the timeline, a later one supersedes the earlier, those who
// may not read the application get 404, and issuers racing each other issue each document once.
// The first page of each kind is rendered to test-artifacts/documents/<kind>.png.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { startBackgroundJobs, type BackgroundJobs } from '../../api/background';
import type { AppDeps } from '../../api/deps';
import { issueDocuments } from '../../api/services/documents';
import { chineseDate } from '../../domain/documents';
import { createLogger } from '../../lib/logger';
import { projectRoot } from '../../lib/paths';
import { applicationBody } from '../helpers/fixtures';
import { firstPagePng, pdfText, qrCodesOnFirstPage, squash } from '../helpers/pdf';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const ARTIFACTS = path.join(projectRoot(), 'test-artifacts', 'documents');

let stack: Stack;
let deps: AppDeps;
let jobs: BackgroundJobs | undefined;
const as: Record<string, ApiClient> = {};

beforeAll(async () => {
  stack = await startStack({ centerName: '根河市政务服务中心', publicBaseUrl: 'https://zwfw.genhe.example' });
  deps = { config: stack.config, db: stack.db.db, temporal: stack.client, log: createLogger('silent') };
  jobs = startBackgroundJobs(deps);
  for (const u of ['officer', 'supervisor', 'cashier', 'staff.drc', 'staff.nrb', 'staff.eeb', 'staff.hud']) {
    as[u] = await ApiClient.login(stack.baseUrl, u);
  }
});

afterAll(async () => {
  await jobs?.stop();
  await stack?.stop();
});

interface DocumentView {
  id: string;
  kind: string;
  title: string;
  stepId?: string;
  issuedAt: string;
  sha256: string;
  supersedes?: string;
  supersededBy?: string;
}

const stepOf = async (appId: string, matter: string) =>
  (await as.officer!.get(`/api/applications/${appId}`)).body.steps.find((s: any) => s.matterCode === matter);

const ok = async (r: Promise<{ status: number; body: any }>) => {
  const res = await r;
  if (res.status >= 300) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

async function documentsOf(appId: string, client = as.officer!): Promise<DocumentView[]> {
  const r = await client.get(`/api/applications/${appId}/documents`);
  expect(r.status).toBe(200);
  return r.body;
}

/** Waits for the issuer to issue `count` documents of the application. */
const documentsIssued = (appId: string, count: number) =>
  eventually(async () => {
    const docs = await documentsOf(appId);
    return docs.length >= count && docs;
  }, 30_000);

async function pdf(id: string, client = as.officer!) {
  const res = await fetch(`${stack.baseUrl}/api/documents/${id}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const expectText = (text: string, ...needles: string[]) => {
  for (const n of needles) expect(text).toContain(squash(n));
};

describe("the center's documents", () => {
  it('when a review runs through acceptance, correction, refusals, a fee and completion, then every document is issued, readable as text, hashed in the timeline and private to its readers', async () => {
    const created = await ok(
      as.officer!.post('/api/applications', applicationBody(['LAND-PREREVIEW', 'EIA-FORM', 'WORKS-PLANNING'])),
    );
    const { id, caseNo, queryPassword } = created as { id: string; caseNo: string; queryPassword: string };
    const step = (m: string) => `${id}-${m}`;
    const { drc, nrb, eeb } = { drc: as['staff.drc']!, nrb: as['staff.nrb']!, eeb: as['staff.eeb']! };

    // The filing: accepted (受理通知书) and approved.
    const filingAccepted = await ok(drc.post(`/api/steps/${step('PROJECT-FILING')}/accept`));
    await ok(
      drc.post(`/api/steps/${step('PROJECT-FILING')}/decision`, { outcome: 'approved', certificateNo: 'BA-2026-018' }),
    );

    // The land pre-review: accepted, a correction with every missing item (补正通知书), supplied, approved.
    await eventually(async () => (await stepOf(id, 'LAND-PREREVIEW')).status === 'submitted');
    await ok(nrb.post(`/api/steps/${step('LAND-PREREVIEW')}/accept`));
    await ok(
      nrb.post(`/api/steps/${step('LAND-PREREVIEW')}/supplement-request`, {
        items: ['勘测定界图', '项目选址论证报告（加盖公章）', '土地权属证明'],
        reason: '申请材料不全',
      }),
    );
    await ok(as.officer!.post(`/api/steps/${step('LAND-PREREVIEW')}/supplement`, { note: '已补齐' }));
    await ok(
      nrb.post(`/api/steps/${step('LAND-PREREVIEW')}/decision`, { outcome: 'approved', certificateNo: 'YS-2026-007' }),
    );

    // The EIA: refused at the window (不予受理决定书); resubmitted, accepted and refused after review
    // (不予许可决定书); resubmitted, accepted again (its acceptance notice supersedes the earlier) and approved.
    await eventually(async () => (await stepOf(id, 'EIA-FORM')).status === 'submitted');
    await ok(
      eeb.post(`/api/steps/${step('EIA-FORM')}/decision`, {
        outcome: 'rejected',
        reason: '申请事项不属于本机关职权范围',
      }),
    );
    const resubmit = async (n: number) => {
      await eventually(
        async () => (await as.officer!.get(`/api/applications/${id}`)).body.status === 'needs_attention',
      );
      await ok(as.officer!.post(`/api/applications/${id}/resubmit`, { matterCode: 'EIA-FORM', note: '已补充' }));
      await eventually(async () => {
        const s = await stepOf(id, 'EIA-FORM');
        return s.attempt === n && s.status === 'submitted';
      });
    };
    await resubmit(2);
    await ok(eeb.post(`/api/steps/${step('EIA-FORM')}/accept`));
    await ok(
      eeb.post(`/api/steps/${step('EIA-FORM')}/decision`, { outcome: 'rejected', reason: '未落实污染防治措施' }),
    );
    await resubmit(3);
    await ok(eeb.post(`/api/steps/${step('EIA-FORM')}/accept`));
    await ok(
      eeb.post(`/api/steps/${step('EIA-FORM')}/decision`, { outcome: 'approved', certificateNo: 'HP-2026-031' }),
    );

    // Planning permits: the works permit carries a fee (缴费通知书), paid at the cashier, then approved.
    await eventually(async () => (await stepOf(id, 'LAND-USE-PLANNING')).status === 'submitted');
    await ok(nrb.post(`/api/steps/${step('LAND-USE-PLANNING')}/accept`));
    await ok(
      nrb.post(`/api/steps/${step('LAND-USE-PLANNING')}/decision`, {
        outcome: 'approved',
        certificateNo: 'YD-2026-011',
      }),
    );
    await eventually(async () => (await stepOf(id, 'WORKS-PLANNING')).status === 'submitted');
    await ok(nrb.post(`/api/steps/${step('WORKS-PLANNING')}/accept`));
    await ok(
      as.cashier!.post(`/api/steps/${step('WORKS-PLANNING')}/payment`, { amountFen: 50000, receiptNo: 'SF-0001' }),
    );
    await ok(
      nrb.post(`/api/steps/${step('WORKS-PLANNING')}/decision`, { outcome: 'approved', certificateNo: 'GC-2026-004' }),
    );
    await eventually(async () => (await as.officer!.get(`/api/applications/${id}`)).body.status === 'completed');

    // 6 acceptance notices (filing, land, EIA ×2, land use, works), 1 correction, 2 refusals, 1 fee, 1 completion.
    const docs = await documentsIssued(id, 11);
    const count = (kind: string) => docs.filter((d) => d.kind === kind).length;
    expect([
      count('acceptance_notice'),
      count('correction_notice'),
      count('refusal_decision'),
      count('fee_notice'),
      count('completion_notice'),
    ]).toEqual([6, 1, 2, 1, 1]);
    expect(docs).toHaveLength(11);
    const one = (kind: string, stepId: string | undefined, n = 0) =>
      docs.filter((d) => d.kind === kind && d.stepId === stepId)[n]!;

    // Each document's bytes hash to the SHA-256 in its document_issued timeline event.
    const timeline = (await as.officer!.get(`/api/applications/${id}/timeline`)).body as Array<{
      type: string;
      detail: Record<string, unknown>;
    }>;
    const issuedEvents = timeline.filter((e) => e.type === 'document_issued');
    expect(issuedEvents).toHaveLength(11);
    const texts: Record<string, string> = {};
    for (const d of docs) {
      const file = await pdf(d.id);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toContain(
        `filename*=UTF-8''${encodeURIComponent(`${d.title}-${d.id}.pdf`)}`,
      );
      expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const sha = createHash('sha256').update(file.bytes).digest('hex');
      expect(sha).toBe(d.sha256);
      const event = issuedEvents.find((e) => e.detail.documentId === d.id);
      expect(event?.detail.sha256).toBe(sha);
      texts[d.id] = await pdfText(file.bytes);
      // Every page: A4 (595 × 842 pt), and the center's name, case number and document number.
      expect(file.bytes.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
      expectText(texts[d.id]!, '根河市政务服务中心', caseNo, d.id, '盖章处');
    }

    // 受理通知书: case number, query password, the promised completion date, where to look it up.
    const acceptance = one('acceptance_notice', step('PROJECT-FILING'));
    expect(acceptance.title).toBe('受理通知书');
    expectText(
      texts[acceptance.id]!,
      '受理通知书',
      `查询密码：${queryPassword}`,
      '企业投资项目备案',
      '发展和改革委员会',
      `承诺办结日期：${chineseDate(filingAccepted.deadline)}`,
      '1个工作日',
      'https://zwfw.genhe.example/progress',
      '根河新能源有限公司',
    );

    // Its QR code opens the public progress page of this case.
    expect(await qrCodesOnFirstPage((await pdf(acceptance.id)).bytes)).toEqual([
      `https://zwfw.genhe.example/progress?caseNo=${caseNo}`,
    ]);

    // 补正通知书: every missing item at once, and the clock rule.
    const correction = one('correction_notice', step('LAND-PREREVIEW'));
    expectText(
      texts[correction.id]!,
      '补正通知书',
      '一次性告知',
      '勘测定界图',
      '项目选址论证报告（加盖公章）',
      '土地权属证明',
      '申请材料不全',
      '补正期间不计入承诺时限',
    );

    // 不予受理决定书 and 不予许可决定书: the reasons and the applicant's remedies with their time limits.
    const [refusedAtWindow, refusedAfterReview] = docs.filter((d) => d.kind === 'refusal_decision');
    expect(refusedAtWindow!.title).toBe('不予受理决定书');
    expect(refusedAfterReview!.title).toBe('不予许可决定书');
    expectText(texts[refusedAtWindow!.id]!, '不予受理决定书', '申请事项不属于本机关职权范围', '决定不予受理');
    expectText(texts[refusedAfterReview!.id]!, '不予许可决定书', '未落实污染防治措施', '决定不予行政许可');
    for (const d of [refusedAtWindow!, refusedAfterReview!]) {
      expectText(
        texts[d.id]!,
        '60日内依照《中华人民共和国行政复议法》的规定申请行政复议',
        '6个月内依照《中华人民共和国行政诉讼法》的规定向人民法院提起行政诉讼',
        '收到本决定书之日起',
      );
    }
    // A later document of the same kind for the same step supersedes the earlier; both are kept.
    expect(refusedAfterReview!.supersedes).toBe(refusedAtWindow!.id);
    expect(refusedAtWindow!.supersededBy).toBe(refusedAfterReview!.id);
    const eiaAcceptances = docs.filter((d) => d.kind === 'acceptance_notice' && d.stepId === step('EIA-FORM'));
    expect(eiaAcceptances).toHaveLength(2);
    expect(eiaAcceptances[1]!.supersedes).toBe(eiaAcceptances[0]!.id);
    expectText(texts[eiaAcceptances[1]!.id]!, `本文书替代编号为 ${eiaAcceptances[0]!.id} 的文书`);

    // 缴费通知书: item, amount in yuan (and in capitals), basis from the catalog, only at the cashier.
    const fee = one('fee_notice', step('WORKS-PLANNING'));
    expectText(
      texts[fee.id]!,
      '缴费通知书',
      '建设工程规划许可证',
      '500.00',
      '人民币伍佰元整',
      '工本费（示例，以当地收费目录为准）',
      '根河市政务服务中心收费处',
    );

    // 办结通知书: every approved matter with its certificate.
    const completion = one('completion_notice', undefined);
    expectText(
      texts[completion.id]!,
      '办结通知书',
      '根河光伏电站项目',
      '已全部办结',
      'BA-2026-018',
      'YS-2026-007',
      'HP-2026-031',
      'YD-2026-011',
      'GC-2026-004',
      '建设用地规划许可证',
    );

    // The first page of each kind, as a reader sees it.
    for (const d of [acceptance, correction, refusedAtWindow!, refusedAfterReview!, fee, completion]) {
      const file = await pdf(d.id);
      const name =
        d.kind === 'refusal_decision' ? `${d.kind}-${d === refusedAtWindow ? 'acceptance' : 'licensing'}` : d.kind;
      await firstPagePng(file.bytes, ARTIFACTS, name);
    }

    // Readers: staff of a department with a step read them; staff of an unrelated department, and a
    // document that does not exist, get the same 404; the cashier's role reads no applications.
    expect((await pdf(acceptance.id, as['staff.drc']!)).status).toBe(200);
    const unrelated = await as['staff.hud']!.get(`/api/documents/${acceptance.id}`);
    const missing = await as['staff.hud']!.get(`/api/documents/${caseNo}-SL-99`);
    expect(unrelated.status).toBe(404);
    expect(unrelated.body).toEqual(missing.body);
    expect((await as['staff.hud']!.get(`/api/applications/${id}/documents`)).status).toBe(404);
    expect((await as.cashier!.get(`/api/documents/${acceptance.id}`)).status).toBe(403);
    expect((await new ApiClient(stack.baseUrl).get(`/api/documents/${acceptance.id}`)).status).toBe(401);

    // Kept unchanged: the database refuses to alter or delete an issued document.
    await expect(
      sql`update documents set title = 'x' where id = ${acceptance.id}`.execute(stack.db.db),
    ).rejects.toThrow(/kept unchanged/);
    await expect(sql`delete from documents where id = ${acceptance.id}`.execute(stack.db.db)).rejects.toThrow(
      /kept unchanged/,
    );
  });

  it('when several issuers run at once, round after round, and one dies holding its lease, then every event has exactly one document of each kind', async () => {
    await jobs?.stop();
    jobs = undefined;
    const rounds = 5;
    const caseNos = new Map<string, string>();
    const caseNoOf = (id: string) => caseNos.get(id)!;
    for (let round = 0; round < rounds; round++) {
      // Three applications whose filings are accepted and approved: six events waiting in the outbox.
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const a = await ok(as.officer!.post('/api/applications', applicationBody(['PROJECT-FILING'])));
        ids.push(a.id);
        caseNos.set(a.id, a.caseNo);
        await ok(as['staff.drc']!.post(`/api/steps/${a.id}-PROJECT-FILING/accept`));
        await ok(
          as['staff.drc']!.post(`/api/steps/${a.id}-PROJECT-FILING/decision`, {
            outcome: 'rejected',
            reason: '不符合产业政策',
          }),
        );
      }
      await eventually(async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from document_queue where application_id in (${sql.join(ids)})`.execute(
          stack.db.db,
        );
        return rows[0]!.n === 6;
      });
      // A replica that leased an event and died: its lease ends, and the event is issued by another.
      if (round === 0) {
        const { rows } = await sql<{ event_id: string }>`
          update document_queue set leased_until = now() - interval '1 second', attempts = 1
           where event_id = (select event_id from document_queue where application_id = ${ids[0]!} order by event_seq limit 1)
          returning event_id`.execute(stack.db.db);
        expect(rows).toHaveLength(1);
      }
      const results = await Promise.all([issueDocuments(deps), issueDocuments(deps), issueDocuments(deps)]);
      expect(results.flatMap((r) => r.failed)).toEqual([]);
      expect(results.flatMap((r) => r.issued).sort()).toEqual(
        ids.flatMap((id) => [`${caseNoOf(id)}-SL-1`, `${caseNoOf(id)}-BY-1`]).sort(),
      );
    }
    const { rows: duplicates } = await sql<{ source_event_id: string }>`
      select source_event_id from documents group by source_event_id, kind having count(*) > 1`.execute(stack.db.db);
    expect(duplicates).toEqual([]);
    const { rows: counts } = await sql<{ documents: number; issued: number; queued: number }>`
      select (select count(*)::int from documents) as documents,
             (select count(*)::int from events where type = 'document_issued') as issued,
             (select count(*)::int from document_queue) as queued`.execute(stack.db.db);
    expect(counts[0]!.documents).toBe(counts[0]!.issued);
    expect(counts[0]!.queued).toBe(0);
  });
});
