// The read model on real PostgreSQL and on the embedded PGlite: same migrations, same rules.
import { sql } from 'kysely';
import { createActivities } from '../../activities';
import { createWorkingTimeSource } from '../../lib/working-time';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { mattersRepo } from '../../db/repositories/matters';
import { stepsRepo } from '../../db/repositories/steps';
import { DEMO_USERS, seedDemo } from '../../db/seed';
import type { StepReport } from '../../domain/projection';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const report = (seq: number, status: 'in_review' | 'approved'): StepReport => ({
  workflowId: 'application-T1/step-PROJECT-FILING',
  seq,
  applicationId: 'T1',
  stepId: 'T1-PROJECT-FILING',
  departmentCode: 'DRC',
  snapshot: {
    status,
    light: status === 'in_review' ? 'green' : 'none',
    attempt: 1,
    submittedAt: '2026-11-30T01:00:00.000Z',
    acceptanceDeadline: '2026-12-07T15:59:59.999Z',
    acceptedAt: '2026-11-30T02:00:00.000Z',
    deemedAccepted: false,
    deadline: '2026-12-01T15:59:59.999Z',
    yellowAt: '2026-11-30T02:00:00.000Z',
    pausedWorkdays: 0,
    extensionDays: 0,
    extension: null,
    specialProcedures: [],
    deemedConsent: false,
    pause: null,
    decidedAt: status === 'approved' ? '2026-11-30T03:00:00.000Z' : null,
    outcome: status === 'approved' ? 'approved' : null,
    overdue: false,
    certificateNo: null,
    reason: null,
    assignee: null,
    feeAmountFen: null,
    feePaidAt: null,
    feeReceiptNo: null,
    workdaysUsed: status === 'approved' ? 0 : null,
    escalationLevel: 0,
    lastUrgedAt: null,
  },
  event: {
    type: `step_${status}`,
    at: '2026-11-30T02:00:00.000Z',
    actor: { id: 'u1', displayName: 'DRC' },
    detail: {},
  },
});

async function exerciseReadModel(db: DatabaseHandle): Promise<void> {
  await seedDemo(db.db, 'admin');
  await seedDemo(db.db, 'admin'); // idempotent
  expect((await mattersRepo.list(db.db)).length).toBe(9);
  expect(await db.db.selectFrom('users').select('username').execute()).toHaveLength(DEMO_USERS.length + 1);

  const officer = await db.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'officer')
    .executeTakeFirstOrThrow();
  await applicationsRepo.insert(db.db, {
    id: 'T1',
    caseNo: 'GH-2026-900001',
    queryPassword: 'ABC234',
    officerId: officer.id,
    project: { name: 'p', code: null, investmentWanYuan: 1, location: 'l', industry: 'i' },
    investor: { name: 'n', creditCode: 'c', contactName: 'c', phone: 'p' },
    createdAt: new Date(),
    steps: [
      {
        id: 'T1-PROJECT-FILING',
        matterCode: 'PROJECT-FILING',
        matterName: '企业投资项目备案',
        departmentCode: 'DRC',
        prerequisites: [],
        promisedLimitDays: 1,
        feeAmountFen: null,
        status: 'submitted',
        submittedAt: new Date(),
      },
    ],
  });

  // The projection the worker runs: a newer report wins; an older or repeated one changes nothing
  // and logs nothing twice.
  const activities = createActivities({ db: db.db, workingTime: createWorkingTimeSource(db.db, undefined) });
  const apply = (r: StepReport) => activities.projectStep(r);
  await apply(report(2, 'approved'));
  await apply(report(1, 'in_review'));
  await apply(report(2, 'approved'));
  const step = await stepsRepo.find(db.db, 'T1-PROJECT-FILING');
  expect([step!.status, step!.seq]).toEqual(['approved', 2]);
  expect((await eventsRepo.timeline(db.db, 'T1')).map((e) => e.type)).toEqual(['step_approved', 'step_in_review']);

  // The event log is append-only.
  await expect(sql`update events set type = 'forged'`.execute(db.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from events`.execute(db.db)).rejects.toThrow(/append-only/);
}

describe('read model on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('when reports arrive twice or out of order, then each applies once and the log stays append-only', async () => {
    await exerciseReadModel(db);
  });
});

describe('read model on embedded PGlite (smoke)', () => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openDatabase({ inMemory: true });
    await migrateToLatest(db.db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('when the same migrations run on PGlite, then the same rules hold', async () => {
    await exerciseReadModel(db);
  });
});
