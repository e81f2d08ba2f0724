// The documents outbox (migration 0011) on real PostgreSQL and on the embedded PGlite of `npm
// start`: events logged before the migration are enqueued by it, events logged after by the
// trigger in their own transaction; the issuer stores each document once, with its hash in the
// timeline, and leaves the queue empty; the migration goes down and up again.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createActivities } from '../../activities';
import { issueDocuments } from '../../api/services/documents';
import { migrateToLatest, migrator, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { seedDemoBeforeVersions } from '../helpers/legacy-seed';
import type { StepReport } from '../../domain/projection';
import { createLogger } from '../../lib/logger';
import { createWorkingTimeSource } from '../../lib/working-time';
import { pdfText, squash } from '../helpers/pdf';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const BEFORE = '2026_11_30_0010_case_numbers';

function report(seq: number, type: string, detail: Record<string, unknown>): StepReport {
  return {
    workflowId: 'application-D1/step-WORKS-PLANNING',
    seq,
    applicationId: 'D1',
    stepId: 'D1-WORKS-PLANNING',
    departmentCode: 'NRB',
    snapshot: {
      status: 'in_review',
      light: 'green',
      attempt: 1,
      submittedAt: '2026-11-30T01:00:00.000Z',
      acceptanceDeadline: null,
      acceptedAt: '2026-11-30T02:00:00.000Z',
      deemedAccepted: false,
      deadline: '2026-12-09T15:59:59.999Z',
      yellowAt: null,
      pausedWorkdays: 0,
      extensionDays: 0,
      extension: null,
      specialProcedures: [],
      deemedConsent: false,
      pause: null,
      decidedAt: null,
      outcome: null,
      overdue: false,
      certificateNo: null,
      reason: null,
      assignee: null,
      feeAmountFen: 50000,
      feePaidAt: null,
      feeReceiptNo: null,
      workdaysUsed: null,
      escalationLevel: 0,
      lastUrgedAt: null,
    },
    event: { type, at: '2026-11-30T02:00:00.000Z', actor: { id: 'u1', displayName: 'NRB' }, detail },
    notices: [],
  };
}

async function exerciseOutbox(db: DatabaseHandle): Promise<void> {
  await migrator(db.db).migrateTo(BEFORE);
  await seedDemoBeforeVersions(db.db);
  const officer = await db.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'officer')
    .executeTakeFirstOrThrow();
  await applicationsRepo.insert(db.db, {
    id: 'D1',
    caseNo: 'GH-2026-900002',
    queryPassword: 'XYZ789',
    officerId: officer.id,
    project: { name: '根河木材加工项目', code: null, investmentWanYuan: 800, location: '根河市', industry: '制造业' },
    investor: { name: '根河林产有限公司', creditCode: '91150785MA0N2XY41M', contactName: '周', phone: '13700000000' },
    createdAt: new Date('2026-11-30T01:00:00Z'),
    steps: [
      {
        id: 'D1-WORKS-PLANNING',
        matterCode: 'WORKS-PLANNING',
        matterName: '建设工程规划许可证',
        departmentCode: 'NRB',
        prerequisites: [],
        promisedLimitDays: 7,
        feeAmountFen: 50000,
        status: 'submitted',
        submittedAt: new Date('2026-11-30T01:00:00Z'),
      },
    ],
  });
  // Logged before the documents existed: the migration enqueues it.
  await eventsRepo.append(db.db, {
    eventId: 'before-0011',
    applicationId: 'D1',
    stepId: 'D1-WORKS-PLANNING',
    event: {
      type: 'step_accepted',
      at: '2026-11-30T02:00:00.000Z',
      actor: { id: 'u1', displayName: 'NRB' },
      detail: { deadline: '2026-12-09T15:59:59.999Z', promisedLimitDays: 7 },
    },
  });
  await migrateToLatest(db.db);
  // Logged after: the trigger enqueues it with the event (and nothing for an event that issues none).
  const activities = createActivities({ db: db.db, workingTime: createWorkingTimeSource(db.db, undefined) });
  await activities.projectStep(report(1, 'supplement_requested', { items: ['设计方案总平面图'], reason: '缺图' }));
  await activities.projectStep(report(2, 'step_urged', { message: '请抓紧' }));
  const queued = await db.db.selectFrom('document_queue').select('event_id').orderBy('event_seq').execute();
  expect(queued.map((q) => q.event_id)).toEqual(['before-0011', 'application-D1/step-WORKS-PLANNING#a1#1']);

  const deps = {
    db: db.db,
    config: { centerName: '根河市政务服务中心', publicBaseUrl: 'http://localhost:3000' },
    log: createLogger('silent'),
  };
  const first = await issueDocuments(deps);
  expect(first).toEqual({
    issued: ['GH-2026-900002-SL-1', 'GH-2026-900002-JF-1', 'GH-2026-900002-BZ-1'],
    failed: [],
  });
  expect(await issueDocuments(deps)).toEqual({ issued: [], failed: [] });
  expect(await db.db.selectFrom('document_queue').selectAll().execute()).toEqual([]);

  const docs = await db.db.selectFrom('documents').selectAll().orderBy('source_event_seq').orderBy('id').execute();
  const issuedEvents = await db.db.selectFrom('events').selectAll().where('type', '=', 'document_issued').execute();
  expect(issuedEvents.map((e) => e.detail.sha256).sort()).toEqual(docs.map((d) => d.sha256).sort());
  for (const d of docs) expect(createHash('sha256').update(d.pdf).digest('hex')).toBe(d.sha256);
  const fee = docs.find((d) => d.kind === 'fee_notice')!;
  const text = await pdfText(fee.pdf);
  for (const s of ['缴费通知书', '500.00', '人民币伍佰元整', '工本费（示例，以当地收费目录为准）']) {
    expect(text).toContain(squash(s));
  }
  await expect(sql`update documents set pdf = ''::bytea`.execute(db.db)).rejects.toThrow(/kept unchanged/);

  // Down and up again: the documents go with their tables, the log stays and is enqueued anew.
  await migrator(db.db).migrateTo(BEFORE);
  await migrateToLatest(db.db);
  expect((await db.db.selectFrom('document_queue').select('event_id').execute()).length).toBe(2);
}

describe('documents outbox on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('when events issue documents before and after the migration, then each document is issued once and the queue empties', async () => {
    await exerciseOutbox(db);
  });
});

describe('documents outbox on embedded PGlite', () => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openDatabase({ inMemory: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('when the same migrations and issuer run on PGlite, then the same holds', async () => {
    await exerciseOutbox(db);
  });
});
