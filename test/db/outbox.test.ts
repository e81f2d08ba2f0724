// The outbox on real PostgreSQL: a projection writes its deliveries with its notices, once, and
// a projection that fails writes neither.
import { sql } from 'kysely';
import { createActivities } from '../../activities';
import { applicationsRepo } from '../../db/repositories/applications';
import { usersRepo } from '../../db/repositories/users';
import { seedDemo } from '../../db/seed';
import type { StepReport } from '../../domain/projection';
import { createWorkingTimeSource } from '../../lib/working-time';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let officerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo(db.db, 'admin');
  const officer = (await usersRepo.findByUsername(db.db, 'officer'))!;
  officerId = officer.id;
  await usersRepo.setNotificationSettings(db.db, officerId, { email: 'officer@center.example.cn', notifyBy: 'email' });
  // A supervisor who chose email but was then disabled hears nothing.
  const supervisor = (await usersRepo.findByUsername(db.db, 'supervisor'))!;
  await usersRepo.setNotificationSettings(db.db, supervisor.id, { email: 'sup@center.example.cn', notifyBy: 'email' });
  await db.db.updateTable('users').set({ disabled: true }).where('id', '=', supervisor.id).execute();
  await applicationsRepo.insert(db.db, {
    id: 'OB1',
    caseNo: 'GH-2026-900101',
    queryPassword: 'ABC234',
    officerId,
    project: { name: '根河水厂扩建项目', code: null, investmentWanYuan: 1, location: '根河市', industry: '水务' },
    investor: { name: '根河水务有限公司', creditCode: 'c', contactName: '孙', phone: '13600000000' },
    createdAt: new Date(),
    steps: [
      {
        id: 'OB1-PROJECT-FILING',
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
});

afterAll(async () => {
  await db?.drop();
});

const supplementRequested = (seq: number): StepReport => ({
  workflowId: 'application-OB1/step-PROJECT-FILING',
  seq,
  applicationId: 'OB1',
  stepId: 'OB1-PROJECT-FILING',
  departmentCode: 'DRC',
  snapshot: {
    status: 'awaiting_supplement',
    light: 'none',
    attempt: 1,
    submittedAt: '2026-11-30T01:00:00.000Z',
    acceptanceDeadline: '2026-12-07T15:59:59.999Z',
    acceptedAt: null,
    deemedAccepted: false,
    deadline: null,
    yellowAt: null,
    pausedWorkdays: 0,
    extensionDays: 0,
    extension: null,
    specialProcedures: [],
    deemedConsent: false,
    pause: { kind: 'supplement', since: '2026-11-30T02:00:00.000Z', reason: '缺件', items: ['申请表'] },
    decidedAt: null,
    outcome: null,
    overdue: false,
    certificateNo: null,
    reason: null,
    assignee: null,
    feeAmountFen: null,
    feePaidAt: null,
    feeReceiptNo: null,
    workdaysUsed: null,
    escalationLevel: 0,
    lastUrgedAt: null,
  },
  event: {
    type: 'supplement_requested',
    at: '2026-11-30T02:00:00.000Z',
    actor: { id: 'u1', displayName: 'DRC' },
    detail: { items: ['申请表'], reason: '缺件', deadline: null },
  },
  notices: [
    {
      audience: { userId: officerId },
      code: 'supplement_requested',
      params: { matterName: '企业投资项目备案', stepId: 'OB1-PROJECT-FILING', items: '申请表' },
    },
    { audience: { role: 'supervisor' }, code: 'case_opened', params: { caseId: 'C1' } },
  ],
});

const deliveries = () =>
  db.db.selectFrom('deliveries').selectAll().where('application_id', '=', 'OB1').orderBy('channel').execute();

describe('the outbox', () => {
  it('when a projection runs, is retried and replayed, then its email and SMS are enqueued exactly once', async () => {
    const activities = createActivities({ db: db.db, workingTime: createWorkingTimeSource(db.db, undefined) });
    await activities.projectStep(supplementRequested(1));
    await activities.projectStep(supplementRequested(1));
    // A user who chooses email later is not sent an old notice when its projection is replayed.
    await usersRepo.setNotificationSettings(db.db, officerId, { email: 'other@center.example.cn', notifyBy: 'email' });
    await activities.projectStep(supplementRequested(1));
    const rows = await deliveries();
    expect(rows.map((r) => [r.channel, r.kind, r.recipient, r.status, r.attempts])).toEqual([
      ['email', 'supplement_requested', 'officer@center.example.cn', 'pending', 0],
      ['sms', 'correction_requested', '13600000000', 'pending', 0],
    ]);
    expect(rows[1]!.body).toContain(
      '“根河水厂扩建项目”（办件编号 GH-2026-900101）中“企业投资项目备案”事项需一次性补正以下材料：申请表',
    );
  });

  it('when writing the deliveries fails, then the notice and its event are not written either, and the retry writes all three', async () => {
    const activities = createActivities({ db: db.db, workingTime: createWorkingTimeSource(db.db, undefined) });
    const report = {
      ...supplementRequested(2),
      event: { ...supplementRequested(2).event, at: '2026-11-30T03:00:00.000Z' },
    };
    const counts = async () => ({
      events: (await db.db.selectFrom('events').select('id').where('application_id', '=', 'OB1').execute()).length,
      notifications: (
        await db.db.selectFrom('notifications').select('id').where('application_id', '=', 'OB1').execute()
      ).length,
      deliveries: (await deliveries()).length,
    });
    const before = await counts();
    await sql`create function refuse_delivery() returns trigger language plpgsql as $$
      begin raise exception 'outbox unavailable'; end $$`.execute(db.db);
    await sql`create trigger refuse_delivery before insert on deliveries for each row execute function refuse_delivery()`.execute(
      db.db,
    );
    await expect(activities.projectStep(report)).rejects.toThrow(/outbox unavailable/);
    expect(await counts()).toEqual(before);
    await sql`drop trigger refuse_delivery on deliveries`.execute(db.db);
    // The activity is retried (as Temporal retries it): everything is written, once.
    await activities.projectStep(report);
    expect(await counts()).toEqual({
      events: before.events + 1,
      notifications: before.notifications + 2,
      deliveries: before.deliveries + 2,
    });
  });
});
