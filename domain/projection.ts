// What workflows report to the read model. Each report carries a sequence number that grows
// with every change of that workflow run: the read model applies a report only when it is
// newer than what it holds (for steps: a later attempt, or a later change of the same attempt),
// and logs its event once (event id from workflow id, attempt and sequence), so retries,
// replays and out-of-order deliveries apply nothing twice.
import type { Actor, ApplicationStatus, Light, Outcome, StepStatus } from './model';
import type { NoticeCode, NoticeParams } from './notices';

export const SPECIAL_PROCEDURES = ['hearing', 'inspection', 'testing', 'appraisal', 'expert_review'] as const;
export type SpecialProcedure = (typeof SPECIAL_PROCEDURES)[number];

/** Why the clock of a step stands still. */
export type StepPause =
  | { kind: 'supplement'; since: string; reason: string; items: string[] }
  | {
      kind: 'special';
      since: string;
      reason: string;
      procedure: SpecialProcedure;
      /** Who approved the procedure (the name the department gives). */
      approvedBy: string;
      startedBy: Pick<Actor, 'id' | 'displayName'>;
      /** Its limit in working days (domain/special-procedures.ts), as the applicant is told in writing. */
      limitDays: number;
      /** End of its last working day: the procedure ends by itself then and the clock runs again. */
      endsAt: string;
    };

/** One special procedure of a step, kept on the step once it has ended (特别程序记录). */
export interface SpecialProcedureRecord {
  procedure: SpecialProcedure;
  reason: string;
  approvedBy: string;
  startedAt: string;
  startedBy: Pick<Actor, 'id' | 'displayName'>;
  limitDays: number;
  endsAt: string;
  endedAt: string;
  /** `department`: ended by its department; `limit`: ended by itself at its limit; `decision`: the step was decided during it. */
  endedBy: 'department' | 'limit' | 'decision';
  note: string | null;
  /** Working days the clock stood still for it (never more than its limit). */
  pausedWorkdays: number;
}

/** An extension as granted (延期): within the statutory limit plus the 10 working days of 行政许可法 第42条. */
export interface StepExtension {
  workdays: number;
  reason: string;
  /** The head who approved it (beyond the statutory limit), else the supervision office's own approval. */
  approvedBy: string;
  grantedBy: Pick<Actor, 'id' | 'displayName'>;
  at: string;
}

export interface StepSnapshot {
  status: StepStatus;
  light: Light;
  attempt: number;
  submittedAt: string | null;
  /** End of the acceptance window (受理期限) while the step waits at the window. */
  acceptanceDeadline: string | null;
  acceptedAt: string | null;
  deemedAccepted: boolean;
  deadline: string | null;
  yellowAt: string | null;
  pausedWorkdays: number;
  extensionDays: number;
  /** The extension granted (at most one), with its reason and approver. */
  extension: StepExtension | null;
  pause: StepPause | null;
  /** Special procedures that have ended, oldest first (the running one is in `pause`). */
  specialProcedures: SpecialProcedureRecord[];
  decidedAt: string | null;
  outcome: Outcome | null;
  /** Approved as deemed consent (超时默许): an opinion not given by its deadline under the matter's policy. */
  deemedConsent: boolean;
  overdue: boolean;
  certificateNo: string | null;
  reason: string | null;
  assignee: { id: string; displayName: string } | null;
  feeAmountFen: number | null;
  feePaidAt: string | null;
  feeReceiptNo: string | null;
  workdaysUsed: number | null;
  escalationLevel: number;
  lastUrgedAt: string | null;
}

export interface TimelineEvent {
  type: string;
  at: string;
  actor: Pick<Actor, 'id' | 'displayName'>;
  detail: Record<string, unknown>;
}

export interface Notice {
  audience: { role?: Actor['role']; departmentCode?: string; userId?: string };
  code: NoticeCode;
  params: NoticeParams;
}

export interface StepReport {
  workflowId: string;
  seq: number;
  applicationId: string;
  stepId: string;
  departmentCode: string;
  snapshot: StepSnapshot;
  event: TimelineEvent;
  notices?: Notice[];
  /** Supervision cases opened, answered or closed by this transition. */
  caseChanges?: CaseChange[];
}

export interface ApplicationReport {
  workflowId: string;
  seq: number;
  applicationId: string;
  status: ApplicationStatus;
  event: TimelineEvent;
  notices?: Notice[];
}

export type SessionKind = 'site_inspection' | 'review_meeting';
export type OpinionValue = 'agree' | 'disagree' | 'agree_forward';

export interface SessionOpinion {
  departmentCode: string;
  opinion: OpinionValue;
  reason: string | null;
  /** True when the department was absent and is deemed to agree (缺席默认). */
  deemed: boolean;
  by: { id: string; displayName: string } | null;
  at: string;
}

export interface SessionSnapshot {
  id: string;
  kind: SessionKind;
  topic: string;
  scheduledAt: string;
  location: string;
  invitedDepartments: string[];
  status: 'scheduled' | 'closed';
  opinions: SessionOpinion[];
  minutes: string | null;
  closedAt: string | null;
}

/**
 * What a supervision ladder changed since the last report: written in the same transaction as
 * the report that follows it (one projection write per transition, never a separate one).
 */
export type CaseChange =
  | { kind: 'open'; opening: CaseOpening }
  | { kind: 'answer'; caseId: string; answer: string; answeredBy: string; at: string }
  | { kind: 'close_step'; stepId: string; attempt: number; outcome: 'decided' | 'cancelled'; at: string }
  | { kind: 'close_complaint'; complaintId: string; outcome: 'decided' | 'cancelled'; at: string }
  | { kind: 'close_warning'; warningId: string; outcome: 'decided' | 'cancelled'; at: string };

export interface CaseOpening {
  caseId: string;
  /** The step of a case about an overdue step; null for a case about a complaint's late reply. */
  stepId: string | null;
  applicationId: string | null;
  /** The complaint (or rectification task) of a case about its late reply. */
  complaintId?: string;
  /** The hand-issued warning (督办通知) of a case about its late reply. */
  warningId?: string;
  departmentCode: string;
  attempt: number;
  level: number;
  openedAt: string;
  dueAt: string;
  /** The case of the previous level, closed as escalated. */
  escalatedFrom: string | null;
}
