// The words of what is sent outside the app, in Simplified Chinese: the email of an in-app notice
// (from its code and parameters, domain/notices.ts) and the SMS to the investor's contact phone.
// Each names the matter and the application (its case number once it has one). Which events the
// investor hears of is decided here too (`investorMessagesFor`), so the delivery code only resolves
// addresses and the rule has one home. Pure: no I/O, no clock.
import { SHANGHAI_OFFSET_MS } from './calendar';
import type { NoticeCode, NoticeParams } from './notices';
import { SPECIAL_PROCEDURE_NAMES } from './special-procedures';

/** How the center signs its messages (an SMS gateway requires a signature in brackets). */
export const CENTER_NAME = '行政审批服务中心';

export interface ApplicationRef {
  /** The application's human case number (GH-2026-000123). */
  caseRef: string;
  projectName: string;
}

/** What a notice email is about: an application, or an efficiency complaint / rectification task. */
export type NoticeSubject = ApplicationRef | { complaintNo: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** Beijing date of an instant: 2026年12月3日. */
export function beijingDate(iso: string): string {
  const d = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** Beijing date and time of an instant: 2026年12月3日 09:30. */
export function beijingDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + SHANGHAI_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return iso;
  return `${beijingDate(iso)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** An amount in fen as yuan: 50000 → 500.00. */
export const yuan = (fen: number): string => (fen / 100).toFixed(2);

const PROCEDURES: Readonly<Record<string, string>> = SPECIAL_PROCEDURE_NAMES;
const SESSION_KINDS: Record<string, string> = { site_inspection: '联合踏勘', review_meeting: '联审会' };

type Params = Record<string, string>;
const str = (params: NoticeParams): Params =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
const step = (p: Params) => `“${p.matterName ?? ''}”（环节 ${p.stepId ?? ''}）`;
/** What a warning concerns: its step, else nothing more (a department's warning names no matter). */
const warned = (p: Params) => (p.stepId ? `（${step(p)}）` : '');

/** One sentence per notice code: what happened, for the email of an in-app notice. */
const NOTICE_SENTENCES: Record<NoticeCode, (p: Params) => string> = {
  new_step: (p) => `新的待办：${step(p)}已提交到窗口，请及时受理。`,
  step_turning_yellow: (p) => `${step(p)}亮黄灯，将于 ${p.deadline ? beijingDate(p.deadline) : '—'} 到期。`,
  step_deemed_accepted: (p) => `${step(p)}逾期未受理，依法视为受理。`,
  step_overdue: (p) => `${step(p)}已超期（红灯），立案督办 ${p.caseId ?? ''}。`,
  case_opened: (p) => `督办件 ${p.caseId ?? ''} 已立案：${step(p)}。`,
  case_escalated: (p) => `督办件 ${p.caseId ?? ''} 升级为第 ${p.level ?? ''} 级：${step(p)}。`,
  supplement_requested: (p) => `${step(p)}需一次性补正：${p.items ?? ''}。`,
  supplement_received: (p) => `${step(p)}补正材料已提交，办理时限恢复计算。`,
  special_procedure_started: (p) =>
    `${step(p)}进入特别程序：${PROCEDURES[p.procedure ?? ''] ?? p.procedure ?? ''}，办理时限暂停。`,
  special_procedure_limit_reached: (p) =>
    `${step(p)}的特别程序（${PROCEDURES[p.procedure ?? ''] ?? p.procedure ?? ''}）已满 ${p.limitDays ?? ''} 个工作日自动结束，办理时限恢复计算。`,
  step_deemed_consent: (p) =>
    `${step(p)}未在 ${p.deadline ? beijingDate(p.deadline) : '—'} 前答复，依该事项的超时默许规定视为同意。`,
  step_extended: (p) => `${step(p)}批准延期 ${p.workdays ?? ''} 个工作日：${p.reason ?? ''}。`,
  step_urged: (p) => `督查协调室催办${step(p)}：${p.message ?? ''}。`,
  case_answered: (p) => `督办件 ${p.caseId ?? ''} 已回复：${step(p)}。`,
  step_approved: (p) => `${step(p)}准予许可。`,
  step_rejected: (p) => `${step(p)}不予许可：${p.reason ?? ''}。`,
  step_cancelled: (p) => `${step(p)}已撤销：${p.reason ?? ''}。`,
  application_needs_attention: (p) => `申请 ${p.applicationId ?? ''} 需处理：${p.reasons ?? ''}。`,
  application_completed: (p) => `申请 ${p.applicationId ?? ''} 已全部办结。`,
  session_scheduled: (p) =>
    `已安排${SESSION_KINDS[p.kind ?? ''] ?? p.kind ?? ''}“${p.topic ?? ''}”：${
      p.scheduledAt ? beijingDateTime(p.scheduledAt) : ''
    }，${p.location ?? ''}。`,
  step_failed: (p) => `环节 ${p.stepId ?? ''} 流程异常终止，可重新申报。`,
  complaint_filed: (p) =>
    `收到效能投诉 ${p.complaintId ?? ''}，请于 ${p.deadline ? beijingDate(p.deadline) : '—'} 前登记交办。`,
  rectification_opened: (p) =>
    `差评整改 ${p.complaintId ?? ''}（${p.subject ?? ''}），请于 ${p.deadline ? beijingDate(p.deadline) : '—'} 前处理。`,
  complaint_registration_overdue: (p) => `投诉 ${p.complaintId ?? ''} 逾期未登记交办。`,
  complaint_assigned: (p) =>
    `投诉 ${p.complaintId ?? ''} 已交办本部门，请于 ${p.deadline ? beijingDate(p.deadline) : '—'} 前答复。`,
  complaint_overdue: (p) => `投诉/整改 ${p.complaintId ?? ''} 逾期未答复，立案督办 ${p.caseId ?? ''}。`,
  complaint_case_escalated: (p) =>
    `投诉/整改 ${p.complaintId ?? ''} 的督办件 ${p.caseId ?? ''} 升级为第 ${p.level ?? ''} 级。`,
  complaint_case_answered: (p) => `投诉/整改 ${p.complaintId ?? ''} 的督办件 ${p.caseId ?? ''} 已回复。`,
  complaint_replied: (p) => `投诉/整改 ${p.complaintId ?? ''} 已答复，请审核办结。`,
  complaint_closed: (p) => `投诉/整改 ${p.complaintId ?? ''} 已办结。`,
  warning_issued: (p) =>
    `督办通知 ${p.warningId ?? ''}${warned(p)}，请于 ${p.deadline ? beijingDate(p.deadline) : '—'} 前书面回复。`,
  warning_replied: (p) =>
    `督办通知 ${p.warningId ?? ''}${warned(p)}已回复${p.late === '1' ? '（逾期）' : ''}，请审核。`,
  warning_accepted: (p) => `督办通知 ${p.warningId ?? ''}${warned(p)}的回复已采纳，督办办结。`,
  warning_returned: (p) =>
    `督办通知 ${p.warningId ?? ''}${warned(p)}的回复被退回，请于 ${p.deadline ? beijingDate(p.deadline) : '—'} 前重新回复。`,
  warning_overdue: (p) => `督办通知 ${p.warningId ?? ''}${warned(p)}逾期未回复，立案督办 ${p.caseId ?? ''}。`,
  warning_case_escalated: (p) =>
    `督办通知 ${p.warningId ?? ''}${warned(p)}的督办件 ${p.caseId ?? ''} 升级为第 ${p.level ?? ''} 级。`,
  warning_case_answered: (p) => `督办通知 ${p.warningId ?? ''}${warned(p)}的督办件 ${p.caseId ?? ''} 已回复。`,
};

/** The email of one in-app notice to one user: subject and plain text. An unknown code is shown plainly. */
export function noticeEmail(
  code: string,
  params: NoticeParams,
  about: NoticeSubject,
  reader: { displayName: string },
): { subject: string; text: string } {
  const p = str(params);
  const sentence = Object.hasOwn(NOTICE_SENTENCES, code)
    ? NOTICE_SENTENCES[code as NoticeCode](p)
    : `${code}：${Object.entries(p)
        .map(([k, v]) => `${k}=${v}`)
        .join('，')}`;
  const lines = [
    `${reader.displayName}，您好：`,
    '',
    sentence,
    '',
    ...('caseRef' in about
      ? [`项目：${about.projectName}`, `办件编号：${about.caseRef}`]
      : [`投诉编号：${about.complaintNo}`]),
    ...(p.matterName ? [`事项：${p.matterName}`] : []),
    '',
    '请登录投资项目联合审批系统查看详情。',
    '（本邮件由系统自动发送，请勿直接回复。）',
    CENTER_NAME,
  ];
  // The subject is the sentence without its full stop, then the application or complaint it concerns.
  const ref = 'caseRef' in about ? about.caseRef : about.complaintNo;
  return { subject: `【${CENTER_NAME}】${sentence.replace(/。$/, '')} · ${ref}`, text: lines.join('\n') };
}

// --- the investor's SMS -----------------------------------------------------------------------

/** What the investor's contact phone is told of: acceptance, a correction request, a decision, a fee due. */
export const INVESTOR_MESSAGE_KINDS = [
  'accepted',
  'deemed_accepted',
  'correction_requested',
  'approved',
  'rejected',
  'refused_acceptance',
  'fee_due',
] as const;
export type InvestorMessageKind = (typeof INVESTOR_MESSAGE_KINDS)[number];

/** What a step's timeline event tells the investor, if anything (a fee-bearing step accepted: the fee is due too). */
export function investorMessagesFor(
  eventType: string,
  stepFee: { feeAmountFen: number | null; feePaid: boolean },
): InvestorMessageKind[] {
  const feeDue = (stepFee.feeAmountFen ?? 0) > 0 && !stepFee.feePaid ? (['fee_due'] as const) : [];
  switch (eventType) {
    case 'step_accepted':
      return ['accepted', ...feeDue];
    case 'step_deemed_accepted':
      return ['deemed_accepted', ...feeDue];
    case 'supplement_requested':
      return ['correction_requested'];
    case 'step_approved':
      return ['approved'];
    case 'step_rejected':
      return ['rejected'];
    case 'step_refused_acceptance':
      return ['refused_acceptance'];
    default:
      return [];
  }
}

export interface InvestorMessageFacts extends ApplicationRef {
  matterName: string;
  deadline?: string | null;
  items?: readonly string[];
  reason?: string | null;
  certificateNo?: string | null;
  feeAmountFen?: number | null;
}

const REMEDIES = '如不服，可自收到决定之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。';

/** The SMS text of one investor message. */
export function investorSms(kind: InvestorMessageKind, f: InvestorMessageFacts): string {
  const about = `您申报的“${f.projectName}”（办件编号 ${f.caseRef}）中“${f.matterName}”事项`;
  const until = f.deadline ? `，承诺办结期限为${beijingDate(f.deadline)}` : '';
  const body: Record<InvestorMessageKind, () => string> = {
    accepted: () => `${about}已受理${until}。`,
    deemed_accepted: () => `${about}受理期限内未作处理，依法视为受理${until}。`,
    correction_requested: () =>
      `${about}需一次性补正以下材料：${(f.items ?? []).join('；')}。补正期间办理时限暂停，请尽快联系投资审批代办员提交。`,
    approved: () => `${about}已准予许可${f.certificateNo ? `，证照编号 ${f.certificateNo}` : ''}。`,
    rejected: () => `${about}不予许可，理由：${f.reason ?? '—'}。${REMEDIES}`,
    refused_acceptance: () => `${about}不予受理，理由：${f.reason ?? '—'}。${REMEDIES}`,
    fee_due: () => `${about}需缴纳费用 ${yuan(f.feeAmountFen ?? 0)} 元，请到中心收费处缴纳，缴费后方可办结发证。`,
  };
  return `【${CENTER_NAME}】${body[kind]()}`;
}
