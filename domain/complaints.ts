// Efficiency complaints (行政效能投诉) and rectification tasks (整改) after a bad rating: one
// lifecycle for both, in one place. Pure rules: the complaint workflow's validators refuse with
// these, the API and the UI list what a caller may do from them, the timers come from here.
//
//   filed ──assign──▶ assigned ──reply──▶ replied ──close──▶ closed
//     │                  │  └─ reply deadline passes: overdue, supervision case, escalation (督办)
//     └──────close───────┴──────────close──────────────────▶ closed
//
// A complaint is filed by the public and registered by the supervision office, which assigns it
// to a department with a reply deadline in working days. A rectification task opens from a rating
// of 2 or less: assigned at once to the rated step's department (an application-wide rating is
// filed for the office to assign). The office closes either with a conclusion (upheld or not).
import type { Role } from './model';
import type { Refusal, RefusalKind } from './step-rules';
import { escalates, type OpenCase } from './supervision';

/** Complaint categories, as the public form offers them. */
export const COMPLAINT_CATEGORIES = [
  /** 办理超时、拖延 */
  'delay',
  /** 推诿扯皮、不予答复 */
  'shirking',
  /** 多次跑、重复要求材料 */
  'repeated_requests',
  /** 服务态度 */
  'attitude',
  /** 乱收费、搭车收费 */
  'fees',
  /** 吃拿卡要、违反廉洁纪律 */
  'integrity',
  /** 其他 */
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_KINDS = ['complaint', 'rectification'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

export const COMPLAINT_STATUSES = ['filed', 'assigned', 'replied', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Number prefixes: TS-2026-000001 for complaints (投诉), ZG-2026-000001 for rectification tasks (整改). */
export const COMPLAINT_NO_PREFIX: Record<ComplaintKind, string> = { complaint: 'TS', rectification: 'ZG' };
export const COMPLAINT_NO_PATTERN = /^(TS|ZG)-\d{4}-\d{6}$/;

/** The reply deadline a supervisor may give, in working days (the center handles a complaint within 10). */
export const MIN_REPLY_WORKDAYS = 1;
export const MAX_REPLY_WORKDAYS = 30;
export const DEFAULT_COMPLAINT_REPLY_WORKDAYS = 10;

/** The rules fixed into each complaint workflow when it starts (so its history replays the same). */
export interface ComplaintPolicy {
  /** Working days the supervision office has to register a filed complaint (受理期限). */
  registerWorkdays: number;
  /** Working days a department has to answer a supervision case before the next level opens. */
  caseResponseDays: number;
  /** Supervision levels (1 = first notice); no level opens beyond this. */
  escalationLevels: number;
  yellowRatio: number;
  yellowDaysLeft: number;
}

/** A complaint (or rectification task) as its workflow holds it; no personal data (ids and rules' inputs only). */
export interface ComplaintSnapshot {
  status: ComplaintStatus;
  /** Grows with every change; a caller may send the version it read, and a changed complaint refuses (409). */
  version: number;
  filedAt: string;
  /** End of the registration window while filed. */
  registerDueAt: string | null;
  registrationOverdue: boolean;
  departmentCode: string | null;
  replyWorkdays: number | null;
  assignedAt: string | null;
  replyDueAt: string | null;
  yellowAt: string | null;
  /** The reply deadline passed before a reply; kept after it. */
  overdue: boolean;
  escalationLevel: number;
  reply: string | null;
  repliedAt: string | null;
  repliedBy: { id: string; displayName: string } | null;
  replyLate: boolean;
  upheld: boolean | null;
  conclusion: string | null;
  closedAt: string | null;
  closedBy: { id: string; displayName: string } | null;
}

export const COMPLAINT_ACTIONS = ['assign', 'reply', 'close', 'answer_case'] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

/** What the rules need to know of a complaint (from the workflow's state or the read model's row). */
export type ComplaintFacts = Pick<ComplaintSnapshot, 'status' | 'departmentCode' | 'version'>;

export interface ComplaintViewer {
  role: Role;
  departmentCode: string | null;
}

const refuse = (
  kind: RefusalKind,
  code: string,
  message: string,
  params: Record<string, string | number> = {},
): Refusal => ({ kind, code, params, message });

const supervisorOnly = (viewer: ComplaintViewer, what: string): Refusal | null =>
  viewer.role === 'supervisor'
    ? null
    : refuse('Forbidden', 'role_required', `${what} is for the supervision office`, { role: 'supervisor' });

/**
 * Why `viewer` may not take `action` on the complaint now, or null when they may. `expectedVersion`
 * is the version the caller read: a complaint that changed since refuses, so two windows acting on
 * what they saw give one winner (a close written before the reply was read is not applied after it).
 */
export function complaintRefusal(
  action: ComplaintAction,
  viewer: ComplaintViewer,
  c: ComplaintFacts,
  expectedVersion?: number,
): Refusal | null {
  const byRole =
    action === 'assign' || action === 'close'
      ? supervisorOnly(viewer, action === 'assign' ? 'assigning a complaint' : 'closing a complaint')
      : viewer.role === 'staff' && c.departmentCode !== null && viewer.departmentCode === c.departmentCode
        ? null
        : refuse(
            'Forbidden',
            'not_department_staff',
            c.departmentCode
              ? `only staff of department ${c.departmentCode} may answer this complaint`
              : 'this complaint is not assigned to a department yet',
            { departmentCode: c.departmentCode ?? '' },
          );
  if (byRole) return byRole;
  if (c.status === 'closed') return refuse('Conflict', 'complaint_closed', 'the complaint is closed');
  switch (action) {
    case 'assign':
      if (c.status !== 'filed') {
        return refuse('Conflict', 'complaint_already_assigned', `the complaint is assigned to ${c.departmentCode}`, {
          departmentCode: c.departmentCode ?? '',
        });
      }
      break;
    case 'reply':
    case 'answer_case':
      if (c.status === 'filed') return refuse('Conflict', 'complaint_not_assigned', 'the complaint is not assigned');
      if (c.status === 'replied') return refuse('Conflict', 'complaint_already_replied', 'the complaint has a reply');
      break;
    case 'close':
      break;
  }
  if (expectedVersion !== undefined && expectedVersion !== c.version) {
    return refuse(
      'Conflict',
      'complaint_changed',
      `the complaint changed since it was read (version ${expectedVersion}, now ${c.version}); read it again`,
      { version: c.version },
    );
  }
  return null;
}

/** The actions `viewer` may take on the complaint now (answering a supervision case is offered with the case). */
export const allowedComplaintActions = (viewer: ComplaintViewer, c: ComplaintFacts): ComplaintAction[] =>
  (['assign', 'reply', 'close'] as const).filter((a) => complaintRefusal(a, viewer, c) === null);

/** Inputs the workflow checks beyond role and state. */
export type ComplaintActionInput =
  | { action: 'assign'; replyWorkdays: number }
  | { action: 'reply'; reply: string }
  | { action: 'close'; conclusion: string }
  | { action: 'answer_case'; answer: string };

export function complaintInputRefusal(input: ComplaintActionInput): Refusal | null {
  const blank = (s: string) => !s.trim();
  switch (input.action) {
    case 'assign':
      return Number.isInteger(input.replyWorkdays) &&
        input.replyWorkdays >= MIN_REPLY_WORKDAYS &&
        input.replyWorkdays <= MAX_REPLY_WORKDAYS
        ? null
        : refuse(
            'InvalidInput',
            'reply_workdays_invalid',
            `a reply deadline is ${MIN_REPLY_WORKDAYS}-${MAX_REPLY_WORKDAYS} working days`,
            { min: MIN_REPLY_WORKDAYS, max: MAX_REPLY_WORKDAYS },
          );
    case 'reply':
      return blank(input.reply) ? refuse('InvalidInput', 'reply_required', 'a reply is needed') : null;
    case 'close':
      return blank(input.conclusion) ? refuse('InvalidInput', 'conclusion_required', 'a conclusion is needed') : null;
    case 'answer_case':
      return blank(input.answer) ? refuse('InvalidInput', 'answer_required', 'an answer is needed') : null;
  }
}

export type ComplaintTimerKind = 'registration_overdue' | 'reply_overdue' | 'escalate';

/**
 * Which timer of a complaint comes next: the registration window while filed, the reply deadline
 * while assigned (red: a supervision case opens), then the ladder's next level while its case is
 * unanswered. The workflow sleeps until `at` and runs that kind, after checking it is still due.
 */
export function nextComplaintTimer(
  c: Pick<ComplaintSnapshot, 'status' | 'registerDueAt' | 'registrationOverdue' | 'replyDueAt' | 'overdue'>,
  openCase: OpenCase | null,
  escalationLevels: number,
): { at: number; kind: ComplaintTimerKind } | null {
  const timers: Array<{ at: number; kind: ComplaintTimerKind }> = [];
  if (c.status === 'filed' && !c.registrationOverdue && c.registerDueAt) {
    timers.push({ at: Date.parse(c.registerDueAt) + 1, kind: 'registration_overdue' });
  }
  if (c.status === 'assigned') {
    if (!c.overdue && c.replyDueAt) timers.push({ at: Date.parse(c.replyDueAt) + 1, kind: 'reply_overdue' });
    if (escalates(openCase, escalationLevels)) timers.push({ at: Date.parse(openCase.dueAt) + 1, kind: 'escalate' });
  }
  timers.sort((a, b) => a.at - b.at);
  return timers[0] ?? null;
}

/** The light of a complaint awaiting its reply: red once overdue, yellow from `yellowAt`; none otherwise. */
export function complaintLight(
  c: Pick<ComplaintSnapshot, 'status' | 'overdue' | 'replyDueAt' | 'yellowAt'>,
  now: number,
): 'green' | 'yellow' | 'red' | 'none' {
  if (c.status !== 'assigned') return 'none';
  if (c.overdue || (c.replyDueAt !== null && now > Date.parse(c.replyDueAt))) return 'red';
  if (c.yellowAt !== null && now >= Date.parse(c.yellowAt)) return 'yellow';
  return 'green';
}

/**
 * Who reads the complainant's name and phone: the supervision office and the general office, who
 * handle the complaint. The department complained about reads the content only (投诉人信息保密).
 */
export const readsComplainantContact = (role: Role): boolean => role === 'supervisor' || role === 'admin';
