// Warnings by hand (人工督办, 督办通知): besides the case a red step opens by itself, the supervision
// office issues a warning on any step or on a department, with its reason and a reply deadline in
// working days. The department's staff reply; the office accepts the reply (the warning closes) or
// returns it with a reason, and the deadline runs again from the return for the same number of
// working days (a new round). A round left unanswered past its deadline opens a supervision case
// for the department and escalates level by level, as the steps' and complaints' ladders do.
//
//   awaiting_reply ──reply──▶ replied ──accept──▶ closed
//        ▲   └─ deadline passes: overdue, supervision case, escalation (督办)
//        └──────────return (reason; new round, deadline again)──┘
//
// Pure rules: the warning workflow's validators refuse with these, the API and the UI list what a
// caller may do from them, the timers come from here.
import type { Role } from './model';
import type { Refusal, RefusalKind } from './step-rules';
import { escalates, type OpenCase } from './supervision';

export const WARNING_STATUSES = ['awaiting_reply', 'replied', 'closed'] as const;
export type WarningStatus = (typeof WARNING_STATUSES)[number];

/** A warning concerns one step (and so its department) or a department as a whole. */
export const WARNING_SUBJECTS = ['step', 'department'] as const;
export type WarningSubject = (typeof WARNING_SUBJECTS)[number];

/** Numbers read DB-2026-000001 (督办), sequential per Beijing year, never reused. */
export const WARNING_NO_SERIES = 'DB';
export const WARNING_NO_PATTERN = /^DB-\d{4}-\d{6}$/;

/** The reply deadline the office may give, in working days. */
export const MIN_WARNING_REPLY_WORKDAYS = 1;
export const MAX_WARNING_REPLY_WORKDAYS = 30;
export const DEFAULT_WARNING_REPLY_WORKDAYS = 3;

/** The rules fixed into each warning's workflow when it starts (so its history replays the same). */
export interface WarningPolicy {
  /** Working days a department has to answer a supervision case before the next level opens. */
  caseResponseDays: number;
  /** Supervision levels (1 = first notice); no level opens beyond this. */
  escalationLevels: number;
  yellowRatio: number;
  yellowDaysLeft: number;
}

/** One round of a warning: from its issue (or a return) to the reply, and the office's return if any. */
export interface WarningRound {
  round: number;
  startedAt: string;
  replyDueAt: string | null;
  reply: string | null;
  repliedAt: string | null;
  repliedBy: { id: string; displayName: string } | null;
  /** The reply came after the round's deadline. */
  late: boolean;
  /** The office sent the reply back (the next round started then). */
  returnReason: string | null;
  returnedAt: string | null;
  returnedBy: { id: string; displayName: string } | null;
}

/** A warning as its workflow holds it. */
export interface WarningSnapshot {
  status: WarningStatus;
  /** Grows with every change; a caller may send the version it read, and a changed warning refuses (409). */
  version: number;
  departmentCode: string;
  replyWorkdays: number;
  /** The current round (1 + the returns so far). */
  round: number;
  roundStartedAt: string;
  replyDueAt: string | null;
  yellowAt: string | null;
  /** This round's deadline passed before a reply; kept until the next round. */
  overdue: boolean;
  /** The level of this round's supervision case (0: none opened). */
  escalationLevel: number;
  rounds: WarningRound[];
  /** Some reply of this warning came late (kept for the assessment). */
  everLate: boolean;
  closedAt: string | null;
  closedBy: { id: string; displayName: string } | null;
}

export const WARNING_ACTIONS = ['reply', 'accept', 'return', 'answer_case'] as const;
export type WarningAction = (typeof WARNING_ACTIONS)[number];

/** What the rules need to know of a warning (from the workflow's state or the read model's row). */
export type WarningFacts = Pick<WarningSnapshot, 'status' | 'departmentCode' | 'version'>;

export interface WarningViewer {
  role: Role;
  departmentCode: string | null;
}

const refuse = (
  kind: RefusalKind,
  code: string,
  message: string,
  params: Record<string, string | number> = {},
): Refusal => ({ kind, code, params, message });

/** Who may issue a warning: the supervision office only. */
export const issueWarningRefusal = (viewer: WarningViewer): Refusal | null =>
  viewer.role === 'supervisor'
    ? null
    : refuse('Forbidden', 'role_required', 'issuing a warning is for the supervision office', { role: 'supervisor' });

/**
 * Why `viewer` may not take `action` on the warning now, or null when they may. `expectedVersion`
 * is the version the caller read: a warning that changed since refuses, so two windows acting on
 * what they saw give one winner.
 */
export function warningRefusal(
  action: WarningAction,
  viewer: WarningViewer,
  w: WarningFacts,
  expectedVersion?: number,
): Refusal | null {
  const byRole =
    action === 'accept' || action === 'return'
      ? viewer.role === 'supervisor'
        ? null
        : refuse(
            'Forbidden',
            'role_required',
            `${action === 'accept' ? 'accepting' : 'returning'} a reply is for the supervision office`,
            {
              role: 'supervisor',
            },
          )
      : viewer.role === 'staff' && viewer.departmentCode === w.departmentCode
        ? null
        : refuse(
            'Forbidden',
            'not_department_staff',
            `only staff of department ${w.departmentCode} may answer this warning`,
            {
              departmentCode: w.departmentCode,
            },
          );
  if (byRole) return byRole;
  if (w.status === 'closed') return refuse('Conflict', 'warning_closed', 'the warning is closed');
  switch (action) {
    case 'reply':
    case 'answer_case':
      if (w.status === 'replied') {
        return refuse('Conflict', 'warning_already_replied', 'the warning has a reply waiting for the office');
      }
      break;
    case 'accept':
    case 'return':
      if (w.status === 'awaiting_reply') {
        return refuse('Conflict', 'warning_not_replied', 'the warning has no reply to accept or return yet');
      }
      break;
  }
  if (expectedVersion !== undefined && expectedVersion !== w.version) {
    return refuse(
      'Conflict',
      'warning_changed',
      `the warning changed since it was read (version ${expectedVersion}, now ${w.version}); read it again`,
      { version: w.version },
    );
  }
  return null;
}

/** The actions `viewer` may take on the warning now (answering a supervision case is offered with the case). */
export const allowedWarningActions = (viewer: WarningViewer, w: WarningFacts): WarningAction[] =>
  (['reply', 'accept', 'return'] as const).filter((a) => warningRefusal(a, viewer, w) === null);

/** Inputs the workflow checks beyond role and state. */
export type WarningActionInput =
  { action: 'reply'; reply: string } | { action: 'return'; reason: string } | { action: 'answer_case'; answer: string };

export function warningInputRefusal(input: WarningActionInput): Refusal | null {
  const blank = (s: string) => !s.trim();
  switch (input.action) {
    case 'reply':
      return blank(input.reply) ? refuse('InvalidInput', 'reply_required', 'a reply is needed') : null;
    case 'return':
      return blank(input.reason)
        ? refuse('InvalidInput', 'reason_required', 'returning a reply needs its reason')
        : null;
    case 'answer_case':
      return blank(input.answer) ? refuse('InvalidInput', 'answer_required', 'an answer is needed') : null;
  }
}

export type WarningTimerKind = 'reply_overdue' | 'escalate';

/**
 * Which timer of a warning comes next: this round's reply deadline while it awaits a reply (red: a
 * supervision case opens), then the ladder's next level while its case is unanswered. The workflow
 * sleeps until `at` and runs that kind, after checking it is still due.
 */
export function nextWarningTimer(
  w: Pick<WarningSnapshot, 'status' | 'replyDueAt' | 'overdue'>,
  openCase: OpenCase | null,
  escalationLevels: number,
): { at: number; kind: WarningTimerKind } | null {
  if (w.status !== 'awaiting_reply') return null;
  const timers: Array<{ at: number; kind: WarningTimerKind }> = [];
  if (!w.overdue && w.replyDueAt) timers.push({ at: Date.parse(w.replyDueAt) + 1, kind: 'reply_overdue' });
  if (escalates(openCase, escalationLevels)) timers.push({ at: Date.parse(openCase.dueAt) + 1, kind: 'escalate' });
  timers.sort((a, b) => a.at - b.at);
  return timers[0] ?? null;
}

/** The light of a warning awaiting its reply: red once overdue, yellow from `yellowAt`; none otherwise. */
export function warningLight(
  w: Pick<WarningSnapshot, 'status' | 'overdue' | 'replyDueAt' | 'yellowAt'>,
  now: number,
): 'green' | 'yellow' | 'red' | 'none' {
  if (w.status !== 'awaiting_reply') return 'none';
  if (w.overdue || (w.replyDueAt !== null && now > Date.parse(w.replyDueAt))) return 'red';
  if (w.yellowAt !== null && now >= Date.parse(w.yellowAt)) return 'yellow';
  return 'green';
}
