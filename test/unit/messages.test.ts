// The words sent outside the app (domain/messages.ts), the dispatcher's backoff and the delivery settings.
import { backoffMs } from '../../api/delivery/dispatcher';
import { maskPhone } from '../../api/routes/deliveries';
import {
  beijingDate,
  beijingDateTime,
  investorMessagesFor,
  investorSms,
  noticeEmail,
  INVESTOR_MESSAGE_KINDS,
} from '../../domain/messages';
import { NOTICE_CODES } from '../../domain/notices';
import { ConfigError, loadConfig } from '../../lib/config';

const app = { caseRef: 'GH-2026-000123', projectName: '根河光伏电站项目' };

describe('messages to people outside the app', () => {
  it('when a step event happens, then the investor hears of acceptance, a correction, a decision and a fee due, and of nothing else', () => {
    const noFee = { feeAmountFen: null, feePaid: false };
    expect(investorMessagesFor('step_accepted', noFee)).toEqual(['accepted']);
    expect(investorMessagesFor('step_accepted', { feeAmountFen: 50000, feePaid: false })).toEqual([
      'accepted',
      'fee_due',
    ]);
    expect(investorMessagesFor('step_deemed_accepted', { feeAmountFen: 50000, feePaid: true })).toEqual([
      'deemed_accepted',
    ]);
    expect(investorMessagesFor('supplement_requested', noFee)).toEqual(['correction_requested']);
    expect(investorMessagesFor('step_approved', noFee)).toEqual(['approved']);
    expect(investorMessagesFor('step_rejected', noFee)).toEqual(['rejected']);
    expect(investorMessagesFor('step_refused_acceptance', noFee)).toEqual(['refused_acceptance']);
    for (const quiet of ['step_submitted', 'step_urged', 'step_overdue', 'fee_paid', 'step_light_yellow']) {
      expect(investorMessagesFor(quiet, { feeAmountFen: 50000, feePaid: false })).toEqual([]);
    }
  });

  it('when an investor SMS is worded, then it is signed, names the project, the case number and the matter, and says what to do', () => {
    const facts = {
      ...app,
      matterName: '用地预审与选址',
      deadline: '2026-12-10T15:59:59.999Z',
      items: ['可行性研究报告', '红线图'],
      reason: '不符合规划',
      certificateNo: 'YS-2026-01',
      feeAmountFen: 50000,
    };
    for (const kind of INVESTOR_MESSAGE_KINDS) {
      const text = investorSms(kind, facts);
      expect(
        text.startsWith(
          '【行政审批服务中心】您申报的“根河光伏电站项目”（办件编号 GH-2026-000123）中“用地预审与选址”事项',
        ),
      ).toBe(true);
    }
    expect(investorSms('accepted', facts)).toContain('已受理，承诺办结期限为2026年12月10日。');
    expect(investorSms('correction_requested', facts)).toContain('需一次性补正以下材料：可行性研究报告；红线图。');
    expect(investorSms('approved', facts)).toContain('已准予许可，证照编号 YS-2026-01。');
    expect(investorSms('rejected', facts)).toMatch(/不予许可，理由：不符合规划。.*行政复议.*行政诉讼/);
    expect(investorSms('refused_acceptance', facts)).toMatch(/不予受理，理由：不符合规划。/);
    expect(investorSms('fee_due', facts)).toContain('需缴纳费用 500.00 元');
  });

  it('when any notice code is emailed, then the text is Chinese, names the matter and the application, and an unknown code is shown plainly', () => {
    for (const code of NOTICE_CODES) {
      const mail = noticeEmail(
        code,
        { matterName: '环评报告表', stepId: 'JA1-EIA-FORM', deadline: '2026-12-03T15:59:59.999Z', items: '图纸' },
        app,
        { displayName: '王窗口' },
      );
      expect(mail.subject).toMatch(/^【行政审批服务中心】.+ · GH-2026-000123$/);
      expect(mail.text).toMatch(/^王窗口，您好：\n/);
      expect(mail.text).toContain('项目：根河光伏电站项目');
      expect(mail.text).toContain('办件编号：GH-2026-000123');
      expect(mail.text).toContain('事项：环评报告表');
      expect(mail.text).not.toMatch(/undefined|\{\{/);
    }
    expect(
      noticeEmail('step_turning_yellow', { matterName: 'M', stepId: 'S', deadline: '2026-12-03T15:59:59.999Z' }, app, {
        displayName: 'x',
      }).subject,
    ).toContain('将于 2026年12月3日 到期');
    expect(noticeEmail('something_new', { a: 1 }, app, { displayName: 'x' }).text).toContain('something_new：a=1');
  });

  it('when an instant is shown, then it is Beijing time', () => {
    expect(beijingDate('2026-12-31T16:30:00Z')).toBe('2027年1月1日');
    expect(beijingDateTime('2026-12-03T02:05:00Z')).toBe('2026年12月3日 10:05');
  });

  it('when a phone is listed for the admin, then its middle is hidden', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('123')).toBe('****');
  });
});

describe('delivery policy', () => {
  it('when attempts fail, then the wait doubles from the base up to the maximum', () => {
    const policy = { backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 };
    expect([1, 2, 3, 4, 8, 20].map((a) => backoffMs(a, policy))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
  });

  it('when the channels are not set, then they are off; when set, they must be the right kind of URL', () => {
    const base = { DATA_DIR: '/tmp/ja-config-test' };
    const off = loadConfig({ ...base, SMTP_URL: '', SMS_GATEWAY_URL: '' });
    expect(off.smtpUrl).toBeUndefined();
    expect(off.smsGatewayUrl).toBeUndefined();
    expect(off.delivery).toMatchObject({ pollMs: 2000, maxAttempts: 8, backoffBaseMs: 30_000, leaseMs: 120_000 });
    const on = loadConfig({
      ...base,
      SMTP_URL: 'smtp://mail.internal:25',
      SMS_GATEWAY_URL: 'https://sms.internal/send',
    });
    expect(on.smtpUrl).toBe('smtp://mail.internal:25');
    expect(on.smsGatewayUrl).toBe('https://sms.internal/send');
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.internal' })).toThrow(/SMTP_URL: must start with smtp:/);
    expect(() => loadConfig({ ...base, SMS_GATEWAY_URL: 'not a url' })).toThrow(/SMS_GATEWAY_URL/);
    // A send may never outlast the lease that keeps other dispatchers off it.
    expect(() => loadConfig({ ...base, DELIVERY_SEND_TIMEOUT_SECONDS: '60', DELIVERY_LEASE_SECONDS: '60' })).toThrow(
      ConfigError,
    );
  });
});
