// Notifications reach people: the outbox of deliveries, sent by the dispatcher that runs with the
// API's background jobs to a real local SMTP server and a real local HTTP SMS gateway, on the real
// stack (PostgreSQL, Temporal dev server, worker, API).
import { randomUUID } from 'node:crypto';
import { startBackgroundJobs, type BackgroundJobs } from '../../api/background';
import { channelsFrom } from '../../api/delivery/channels';
import { DeliveryDispatcher } from '../../api/delivery/dispatcher';
import { deliveriesRepo, type NewDelivery } from '../../db/repositories/deliveries';
import type { DeliveryPolicy } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { startSmsGateway, startSmtpServer, type LocalSmsGateway, type LocalSmtp } from '../helpers/channels';
import { applicationBody, complaintBody } from '../helpers/fixtures';
import { ApiClient, eventually, startStack, type Stack } from '../helpers/stack';

const POLICY: DeliveryPolicy = {
  pollMs: 50,
  maxAttempts: 3,
  backoffBaseMs: 200,
  backoffMaxMs: 1000,
  sendTimeoutMs: 3000,
  leaseMs: 8000,
  batchSize: 20,
};
const PHONE = '13912345678';

let stack: Stack;
let smtp: LocalSmtp;
let gateway: LocalSmsGateway;
let jobs: BackgroundJobs | undefined;
let officer: ApiClient;
let drc: ApiClient;
let admin: ApiClient;
const log = createLogger('silent');

beforeAll(async () => {
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway()]);
  stack = await startStack({
    smtpUrl: smtp.url,
    smtpFrom: '"行政审批服务中心" <noreply@center.example.cn>',
    smsGatewayUrl: gateway.url,
    delivery: POLICY,
  });
  [officer, drc, admin] = await Promise.all([
    ApiClient.login(stack.baseUrl, 'officer'),
    ApiClient.login(stack.baseUrl, 'staff.drc'),
    ApiClient.login(stack.baseUrl, 'admin'),
  ]);
  // A matter with a fee, so that acceptance makes a fee due.
  const matter = await admin.request('PUT', '/api/matters/NOTIFY-FEE', {
    name: '通知测试收费事项',
    departmentCode: 'DRC',
    caseType: 'promised',
    legalBasis: '测试依据',
    conditions: '条件',
    procedure: '程序',
    materials: ['申请表'],
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    fee: { amountFen: 20000, basis: '工本费' },
    prerequisites: [],
    stage: 1,
  });
  expect(matter.status).toBe(200);
  // The dispatcher runs where it runs in production: with the API's background jobs.
  jobs = startBackgroundJobs({ config: stack.config, db: stack.db.db, temporal: stack.client, log });
});

afterAll(async () => {
  await jobs?.stop();
  await stack?.stop();
  await smtp?.close();
  await gateway?.close();
});

/** Launches a review of one matter with the investor's phone; returns the application and its step id. */
async function launch(matter: string): Promise<{ appId: string; caseNo: string; stepId: string }> {
  const investor = applicationBody([]).investor;
  const created = await officer.post(
    '/api/applications',
    applicationBody([matter], { investor: { ...investor, phone: PHONE } }),
  );
  expect(created.status).toBe(201);
  return {
    appId: created.body.id,
    caseNo: created.body.caseNo,
    stepId: created.body.steps.find((s: any) => s.matterCode === matter).id,
  };
}

const deliveriesOf = async (appId: string, status?: string) => {
  const r = await admin.get(`/api/deliveries?pageSize=200${status ? `&status=${status}` : ''}`);
  expect(r.status).toBe(200);
  return (r.body.items as any[]).filter((d) => d.applicationId === appId);
};

/** The SMS the phones got about one application (they name it by its case number). */
const smsFor = (caseNo: string) =>
  [...gateway.sent.entries()].filter(([, m]) => m.text.includes(`办件编号 ${caseNo}）`));

describe('notification delivery through the real channels', () => {
  it('when staff accept a fee-bearing step and ask for a correction, then the investor gets the SMS (acceptance, fee due, the items) and the officer who chose email gets the email in Chinese', async () => {
    const chose = await officer.request('PUT', '/api/me/notification-settings', {
      email: 'officer@center.example.cn',
      notifyBy: 'email',
    });
    expect(chose.status).toBe(200);
    expect(chose.body).toEqual({
      email: 'officer@center.example.cn',
      notifyBy: 'email',
      channels: { email: true, sms: true },
    });

    const { appId, caseNo, stepId } = await launch('NOTIFY-FEE');
    expect(caseNo).toMatch(/^GH-\d{4}-\d{6}$/);
    expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
    const items = ['可行性研究报告', '项目用地红线图'];
    const asked = await drc.post(`/api/steps/${stepId}/supplement-request`, { items, reason: '材料不全' });
    expect(asked.status).toBe(200);

    // The gateway received three SMS for this application, all to the investor's phone.
    const sms = await eventually(async () => {
      const got = smsFor(caseNo);
      return got.length >= 3 && got;
    });
    expect(sms).toHaveLength(3);
    for (const [, m] of sms) expect(m.to).toBe(PHONE);
    const texts = sms.map(([, m]) => m.text);
    const accepted = texts.find((t) => t.includes('已受理'));
    expect(accepted).toMatch(
      /^【行政审批服务中心】您申报的“根河光伏电站项目”（办件编号 GH-\d{4}-\d{6}）中“通知测试收费事项”事项已受理，承诺办结期限为\d{4}年\d{1,2}月\d{1,2}日。$/,
    );
    expect(accepted).toContain(`（办件编号 ${caseNo}）`);
    expect(texts.find((t) => t.includes('缴纳费用'))).toContain('需缴纳费用 200.00 元，请到中心收费处缴纳');
    const correction = texts.find((t) => t.includes('补正'));
    expect(correction).toContain('需一次性补正以下材料：可行性研究报告；项目用地红线图。');
    expect(correction).toContain(`（办件编号 ${caseNo}）`);

    // The officer's email: the in-app notice of the correction, in Chinese, naming matter and application.
    const mail = await eventually(async () =>
      smtp.received.find((m) => m.to.includes('officer@center.example.cn') && m.text.includes(caseNo)),
    );
    expect(mail.from).toBe('noreply@center.example.cn');
    expect(mail.subject).toContain('需一次性补正：可行性研究报告；项目用地红线图');
    expect(mail.subject).toContain(caseNo);
    // The step it concerns, by its id (which carries the application's).
    expect(mail.text).toContain(`（环节 ${stepId}）`);
    const me = (await officer.get('/api/me')).body;
    expect(mail.text.startsWith(`${me.displayName}，您好：\n`)).toBe(true);
    expect(mail.text).toContain('“通知测试收费事项”');
    expect(mail.text).toContain('项目：根河光伏电站项目');
    expect(mail.text).toContain(`办件编号：${caseNo}`);

    // The admin sees every delivery sent, once each, with its id as the channel's idempotency key.
    const sent = await eventually(async () => {
      const rows = await deliveriesOf(appId, 'sent');
      return rows.length === 4 && rows;
    });
    const smsRows = sent.filter((d) => d.channel === 'sms');
    expect(smsRows.map((d) => d.kind).sort()).toEqual(['accepted', 'correction_requested', 'fee_due']);
    for (const d of smsRows) {
      expect(d).toMatchObject({ status: 'sent', attempts: 1, lastError: null, recipient: '139****5678' });
      expect(gateway.requests.filter((r) => r.id === d.id)).toHaveLength(1);
      expect(gateway.requests.find((r) => r.id === d.id)!.idempotencyKey).toBe(d.id);
    }
    const emailRow = sent.find((d) => d.channel === 'email')!;
    expect(emailRow).toMatchObject({
      kind: 'supplement_requested',
      recipient: 'officer@center.example.cn',
      attempts: 1,
    });
    expect(mail.messageId).toBe(`<${emailRow.id}@center.example.cn>`);
    expect(mail.headers['x-delivery-id']).toBe(emailRow.id);
  });

  it('when a complaint is assigned to a department whose staff chose email, then the notice reaches them by email, naming the complaint', async () => {
    const chose = await drc.request('PUT', '/api/me/notification-settings', {
      email: 'drc@center.example.cn',
      notifyBy: 'email',
    });
    expect(chose.status).toBe(200);
    const filed = await new ApiClient(stack.baseUrl).post('/api/public/complaints', complaintBody());
    expect(filed.status).toBe(201);
    const complaintNo = filed.body.complaintNo as string;
    const supervisor = await ApiClient.login(stack.baseUrl, 'supervisor');
    await eventually(async () => (await supervisor.get(`/api/complaints/${complaintNo}`)).body.registerDueAt);
    const assigned = await supervisor.post(`/api/complaints/${complaintNo}/assign`, {
      departmentCode: 'DRC',
      replyWorkdays: 5,
    });
    expect(assigned.status).toBe(200);

    const mail = await eventually(
      async () => smtp.received.find((m) => m.to.includes('drc@center.example.cn') && m.subject.includes(complaintNo)),
      20_000,
    );
    expect(mail.subject).toContain('已交办本部门');
    expect(mail.text).toContain(`投诉编号：${complaintNo}`);
    // The admin's list shows it beside the applications' deliveries, with no application.
    const listed = (await admin.get('/api/deliveries?pageSize=200')).body.items as any[];
    expect(
      listed.find((d) => d.recipient === 'drc@center.example.cn' && d.subject.includes(complaintNo)),
    ).toMatchObject({
      applicationId: null,
      status: 'sent',
    });
    // Back to in-app only, so the department's staff get no email in the other tests.
    expect(
      (await drc.request('PUT', '/api/me/notification-settings', { email: null, notifyBy: 'in_app' })).status,
    ).toBe(200);
  });

  it('when the gateway fails once, then the delivery is retried after its backoff and the SMS is sent exactly once', async () => {
    const { appId, caseNo, stepId } = await launch('PROJECT-FILING');
    gateway.failNext(1);
    expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
    const [row] = await eventually(async () => {
      const rows = await deliveriesOf(appId, 'sent');
      return rows.length === 1 && rows;
    });
    expect(row).toMatchObject({ channel: 'sms', kind: 'accepted', status: 'sent', attempts: 2 });
    const requests = gateway.requests.filter((r) => r.id === row.id);
    expect(requests.map((r) => r.status)).toEqual([500, 200]);
    // Both attempts were the same message under the same id; the phone got it once.
    expect(new Set(requests.map((r) => r.text)).size).toBe(1);
    expect(smsFor(caseNo)).toHaveLength(1);
  });

  it('when the gateway keeps failing, then the delivery ends failed with its attempts and error visible to the admin, and a retry by the admin sends it', async () => {
    const { appId, caseNo, stepId } = await launch('PROJECT-FILING');
    gateway.failAll(true);
    try {
      expect((await drc.post(`/api/steps/${stepId}/accept`)).status).toBe(200);
      const [failed] = await eventually(async () => {
        const rows = await deliveriesOf(appId, 'failed');
        return rows.length === 1 && rows;
      });
      expect(failed).toMatchObject({
        channel: 'sms',
        kind: 'accepted',
        status: 'failed',
        attempts: POLICY.maxAttempts,
      });
      expect(failed.lastError).toMatch(/SMS gateway answered 500.*gave up after 3 attempts/);
      expect(gateway.requests.filter((r) => r.id === failed.id)).toHaveLength(3);
      const list = await admin.get('/api/deliveries?status=failed');
      expect(list.body.counts.failed).toBeGreaterThanOrEqual(1);
      expect(list.body.total).toBe(list.body.counts.failed);
      // Only the admin reads the outbox.
      expect((await officer.get('/api/deliveries')).status).toBe(403);
    } finally {
      gateway.failAll(false);
    }
    const [failed] = await deliveriesOf(appId, 'failed');
    const retried = await admin.post(`/api/deliveries/${failed.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
    const [sent] = await eventually(async () => {
      const rows = await deliveriesOf(appId, 'sent');
      return rows.length === 1 && rows;
    });
    expect(sent).toMatchObject({ id: failed.id, attempts: 1 });
    expect(smsFor(caseNo)).toHaveLength(1);
    // A sent delivery cannot be queued again.
    const again = await admin.post(`/api/deliveries/${failed.id}/retry`, {});
    expect(again.status).toBe(409);
    expect((await admin.post(`/api/deliveries/${randomUUID()}/retry`, {})).status).toBe(404);
  });
});

describe('several dispatchers and crashes', () => {
  beforeAll(async () => {
    // From here on the test runs the dispatchers itself.
    await jobs?.stop();
    jobs = undefined;
  });

  const enqueue = async (n: number, round: number) => {
    const rows: NewDelivery[] = Array.from({ length: n }, (_, i) => {
      const email = i % 4 === 0;
      return {
        id: randomUUID(),
        dedupeKey: `race:${round}:${i}`,
        eventId: `race-${round}`,
        notificationId: null,
        applicationId: `RACE${round}`,
        kind: 'accepted',
        channel: email ? 'email' : 'sms',
        recipientUserId: null,
        recipient: email ? `race${i}@center.example.cn` : `1380000${String(i).padStart(4, '0')}`,
        subject: email ? `第 ${round} 轮 ${i}` : null,
        body: `竞争测试 RACE${round} 第 ${i} 条`,
      };
    });
    await deliveriesRepo.enqueue(stack.db.db, rows);
    return rows;
  };

  it('when two dispatchers race over the same outbox for several rounds, then every delivery is sent exactly once', async () => {
    gateway.delayMs = 15;
    try {
      for (let round = 1; round <= 4; round++) {
        const rows = await enqueue(40, round);
        const policy = { ...POLICY, pollMs: 5, batchSize: 4 };
        const dispatchers = [1, 2].map(() =>
          new DeliveryDispatcher({ db: stack.db.db, log, policy, channels: channelsFrom(stack.config) }).start(),
        );
        try {
          await eventually(async () => {
            const left = await stack.db.db
              .selectFrom('deliveries')
              .select('id')
              .where('application_id', '=', `RACE${round}`)
              .where('status', '!=', 'sent')
              .execute();
            return left.length === 0;
          }, 60_000);
        } finally {
          await Promise.all(dispatchers.map((d) => d.stop()));
        }
        for (const r of rows) {
          if (r.channel === 'sms') expect(gateway.requests.filter((q) => q.id === r.id)).toHaveLength(1);
          else expect(smtp.received.filter((m) => m.messageId === `<${r.id}@center.example.cn>`)).toHaveLength(1);
        }
        const attempts = await stack.db.db
          .selectFrom('deliveries')
          .select('attempts')
          .where('application_id', '=', `RACE${round}`)
          .execute();
        expect(attempts.every((a) => a.attempts === 1)).toBe(true);
      }
    } finally {
      gateway.delayMs = 0;
    }
  });

  it('when a dispatcher dies after claiming (and perhaps sending), then once its lease runs out the delivery is sent again under the same id and the phone gets one SMS', async () => {
    // Row 0 is an email, row 1 an SMS.
    const [emailRow, smsRow] = (await enqueue(2, 100)) as [NewDelivery, NewDelivery];
    // The dying dispatcher: claims both with a short lease, sends both, and never records the outcome.
    const claimed = await deliveriesRepo.claim(stack.db.db, { limit: 10, leaseMs: 500, token: 'dead-dispatcher' });
    expect(claimed.map((c) => c.id)).toEqual(expect.arrayContaining([smsRow.id, emailRow.id]));
    const channels = channelsFrom(stack.config);
    await channels.sms!.send({ id: smsRow.id, to: smsRow.recipient, text: smsRow.body });
    await channels.email!.send({
      id: emailRow.id,
      to: emailRow.recipient,
      subject: emailRow.subject!,
      text: emailRow.body,
    });
    channels.email!.close();

    const live = new DeliveryDispatcher({ db: stack.db.db, log, policy: POLICY, channels: channelsFrom(stack.config) });
    // While the lease holds, nobody else takes the rows.
    await live.runOnce();
    const held = await stack.db.db
      .selectFrom('deliveries')
      .select(['status', 'claim_token'])
      .where('id', 'in', [smsRow.id, emailRow.id])
      .execute();
    expect(held).toEqual([
      { status: 'sending', claim_token: 'dead-dispatcher' },
      { status: 'sending', claim_token: 'dead-dispatcher' },
    ]);
    await new Promise((r) => setTimeout(r, 600));
    expect(await live.runOnce()).toBeGreaterThanOrEqual(2);
    const after = await stack.db.db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', 'in', [smsRow.id, emailRow.id])
      .execute();
    expect(after.map((a) => [a.status, a.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
    // The dead claim can no longer record anything over the live one.
    expect(
      await deliveriesRepo.settle(stack.db.db, smsRow.id, 'dead-dispatcher', { status: 'failed', error: 'x' }),
    ).toBe(false);
    // The gateway saw the same id twice and sent one SMS; the email came twice with one Message-ID.
    const requests = gateway.requests.filter((q) => q.id === smsRow.id);
    expect(requests).toHaveLength(2);
    expect(requests.every((q) => q.idempotencyKey === smsRow.id && q.text === smsRow.body)).toBe(true);
    expect([...gateway.sent.keys()].filter((id) => id === smsRow.id)).toHaveLength(1);
    const mails = smtp.received.filter((m) => m.headers['x-delivery-id'] === emailRow.id);
    expect(mails.map((m) => m.messageId)).toEqual([
      `<${emailRow.id}@center.example.cn>`,
      `<${emailRow.id}@center.example.cn>`,
    ]);
  });

  it('when a channel is not configured, then its deliveries are recorded as skipped with the reason, not dropped', async () => {
    const rows = await enqueue(4, 200);
    const off = new DeliveryDispatcher({ db: stack.db.db, log, policy: POLICY, channels: {} });
    expect(await off.runOnce()).toBeGreaterThanOrEqual(4);
    const skipped = await admin.get('/api/deliveries?status=skipped&pageSize=200');
    const mine = (skipped.body.items as any[]).filter((d) => d.applicationId === 'RACE200');
    expect(mine).toHaveLength(rows.length);
    expect(mine.find((d) => d.channel === 'sms').lastError).toBe('the SMS channel is off: SMS_GATEWAY_URL is not set');
    expect(mine.find((d) => d.channel === 'email').lastError).toBe('the email channel is off: SMTP_URL is not set');
  });
});

describe('unread notifications and notification settings', () => {
  it('when the officer reads notices one by one and then all, then the unread count follows, and another user cannot mark theirs', async () => {
    const { stepId } = await launch('PROJECT-FILING');
    const before = (await officer.get('/api/notifications/unread-count')).body.unread as number;
    await drc.post(`/api/steps/${stepId}/supplement-request`, { items: ['补充材料'], reason: '不全' });
    const list = await eventually(async () => {
      const r = await officer.get('/api/notifications');
      return r.body.some((n: any) => n.stepId === stepId && n.code === 'supplement_requested') && r.body;
    });
    const notice = list.find((n: any) => n.stepId === stepId);
    expect(notice.read).toBe(false);
    expect((await officer.get('/api/notifications/unread-count')).body.unread).toBe(before + 1);

    const marked = await officer.post(`/api/notifications/${notice.id}/read`, {});
    expect(marked.status).toBe(200);
    expect(marked.body.unread).toBe(before);
    // Twice is the same as once.
    expect((await officer.post(`/api/notifications/${notice.id}/read`, {})).body.unread).toBe(before);
    expect((await officer.get('/api/notifications')).body.find((n: any) => n.id === notice.id).read).toBe(true);
    // Not addressed to the cashier: as if it did not exist.
    const cashier = await ApiClient.login(stack.baseUrl, 'cashier');
    expect((await cashier.post(`/api/notifications/${notice.id}/read`, {})).status).toBe(404);
    const bad = await officer.post('/api/notifications/abc/read', {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('params.id');

    const all = await officer.post('/api/notifications/read-all', {});
    expect(all.status).toBe(200);
    expect(all.body.unread).toBe(0);
    expect((await officer.get('/api/notifications')).body.every((n: any) => n.read)).toBe(true);
    expect((await officer.get('/api/notifications/unread-count')).body.unread).toBe(0);

    // A user created now starts with nothing unread, though their department has notices already.
    const created = await admin.post('/api/users', {
      username: 'staff.drc.new',
      password: 'password-9',
      displayName: '新窗口人员',
      role: 'staff',
      departmentCode: 'DRC',
    });
    expect(created.status).toBe(201);
    const newcomer = await ApiClient.login(stack.baseUrl, 'staff.drc.new', 'password-9');
    expect((await newcomer.get('/api/notifications')).body.length).toBeGreaterThan(0);
    expect((await newcomer.get('/api/notifications/unread-count')).body.unread).toBe(0);
  });

  it('when a user or the admin sets notification settings with bad input, then a 400 names the field and nothing changes', async () => {
    const supervisor = await ApiClient.login(stack.baseUrl, 'supervisor');
    const noEmail = await supervisor.request('PUT', '/api/me/notification-settings', {
      email: null,
      notifyBy: 'email',
    });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.details).toEqual([
      {
        field: 'body.email',
        message: 'an email address is needed to be notified by email',
        code: 'custom',
        params: {},
      },
    ]);
    const badEmail = await supervisor.request('PUT', '/api/me/notification-settings', {
      email: 'not an address',
      notifyBy: 'in_app',
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details[0].field).toBe('body.email');
    expect((await supervisor.get('/api/me/notification-settings')).body).toMatchObject({
      email: null,
      notifyBy: 'in_app',
    });

    const users = (await admin.get('/api/users')).body as any[];
    const sup = users.find((u) => u.username === 'supervisor');
    expect(sup).toMatchObject({ email: null, notifyBy: 'in_app' });
    const set = await admin.request('PUT', `/api/users/${sup.id}/notification-settings`, {
      email: ' duban@center.example.cn ',
      notifyBy: 'email',
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: 'duban@center.example.cn', notifyBy: 'email' });
    expect((await supervisor.get('/api/me/notification-settings')).body.email).toBe('duban@center.example.cn');
    expect((await supervisor.request('PUT', `/api/users/${sup.id}/notification-settings`, set.body)).status).toBe(403);
    expect(
      (
        await admin.request('PUT', `/api/users/${randomUUID()}/notification-settings`, {
          email: null,
          notifyBy: 'in_app',
        })
      ).status,
    ).toBe(404);
    const audit = (await admin.get('/api/audit')).body as any[];
    expect(audit.find((a) => a.action === 'notification_settings_changed' && a.target === 'supervisor')).toBeDefined();
  });
});
