// Row → API shapes, as the contract names them.
import type { WorkingTime } from '../domain/calendar';
import type { ApplicationRow, CaseRow, EventRow, InvestorInfo, ProjectInfo, SessionRow, StepRow } from '../db/schema';
import {
  actionRefusal,
  allowedStepActions,
  awaitsPayment,
  extensionDaysAllowed,
  type StepAction,
  type StepFacts,
  type StepViewer,
} from '../domain/step-rules';
import type { ProjectClock, ProjectLight } from '../domain/project-clock';
import { DEFAULT_CLOCK_POLICY } from '../workflows/shared';

export interface StepView {
  id: string;
  applicationId: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  prerequisites: string[];
  status: StepRow['status'];
  light: StepRow['light'];
  attempt: number;
  submittedAt: string | null;
  acceptedAt: string | null;
  deadline: string | null;
  decidedAt: string | null;
  outcome: StepRow['outcome'];
  /** Approved as deemed consent (超时默许) at its deadline. */
  deemedConsent: boolean;
  /** The step's catalog version applies deemed consent: not answered by the deadline = approved as deemed. */
  deemedConsentPolicy: boolean;
  overdue: boolean;
  certificateNo: string | null;
  reason: string | null;
  promisedLimitDays: number;
  /** The statutory limit of the step's catalog version (null: a step recorded before catalog versions). */
  statutoryLimitDays: number | null;
  /** The catalog version (GET /api/matters/:code/versions) the step runs on: its limits, fee and materials. */
  matterVersion: number | null;
  acceptanceDeadline: string | null;
  deemedAccepted: boolean;
  yellowAt: string | null;
  pausedWorkdays: number;
  extensionDays: number;
  /** The extension granted, with its reason and approver. */
  extension: StepRow['extension'];
  /**
   * Working days an extension may still add: up to the statutory limit plus the 10 the head may
   * approve (行政许可法 第42条); null when the statutory limit is unknown.
   */
  extensionDaysAllowed: number | null;
  /** The running clock pause; a special procedure carries its limit, end and approver. */
  pause: StepRow['pause'];
  /** Special procedures that have ended, oldest first. */
  specialProcedures: StepRow['special_procedures'];
  supplementItems: string[] | null;
  assignee: { id: string; displayName: string } | null;
  fee: { amountFen: number; paidAt: string | null; receiptNo: string | null } | null;
  workdaysUsed: number | null;
  escalationLevel: number;
  lastUrgedAt: string | null;
  /** What the caller may do on this step now (domain/step-rules.ts); empty without a caller. */
  allowedActions: StepAction[];
  /** In review with its catalog fee unpaid: it cannot be approved until the cashier records the payment. */
  awaitingPayment: boolean;
}

/** The caller of a Step view; the urge interval defaults to the center's default policy. */
export type StepViewerOf = StepViewer & { urgeIntervalMs?: number };

export const stepFacts = (s: StepRow): StepFacts => ({
  status: s.status,
  departmentCode: s.department_code,
  acceptedAt: iso(s.accepted_at),
  pauseKind: s.pause?.kind ?? null,
  extensionDays: s.extension_days,
  overdue: s.overdue,
  deadline: iso(s.deadline),
  lastUrgedAt: iso(s.last_urged_at),
  feeAmountFen: s.fee_amount_fen,
  feePaidAt: iso(s.fee_paid_at),
  promisedLimitDays: s.promised_limit_days,
  statutoryLimitDays: s.statutory_limit_days,
});

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export const toStepView = (s: StepRow, viewer?: StepViewerOf): StepView => ({
  id: s.id,
  applicationId: s.application_id,
  matterCode: s.matter_code,
  matterName: s.matter_name,
  departmentCode: s.department_code,
  prerequisites: s.prerequisites,
  status: s.status,
  light: s.light,
  attempt: s.attempt,
  submittedAt: iso(s.submitted_at),
  acceptedAt: iso(s.accepted_at),
  deadline: iso(s.deadline),
  decidedAt: iso(s.decided_at),
  outcome: s.outcome,
  deemedConsent: s.deemed_consent,
  deemedConsentPolicy: s.deemed_consent_policy,
  overdue: s.overdue,
  certificateNo: s.certificate_no,
  reason: s.reason,
  promisedLimitDays: s.promised_limit_days,
  statutoryLimitDays: s.statutory_limit_days,
  matterVersion: s.matter_version,
  acceptanceDeadline: iso(s.acceptance_deadline),
  deemedAccepted: s.deemed_accepted,
  yellowAt: iso(s.yellow_at),
  pausedWorkdays: s.paused_workdays,
  extensionDays: s.extension_days,
  extension: s.extension,
  extensionDaysAllowed: extensionDaysAllowed({
    promisedLimitDays: s.promised_limit_days,
    statutoryLimitDays: s.statutory_limit_days,
    extensionDays: s.extension_days,
  }),
  pause: s.pause,
  specialProcedures: s.special_procedures ?? [],
  supplementItems: s.supplement_items,
  assignee: s.assignee_id ? { id: s.assignee_id, displayName: s.assignee_name ?? '' } : null,
  fee: s.fee_amount_fen
    ? { amountFen: s.fee_amount_fen, paidAt: iso(s.fee_paid_at), receiptNo: s.fee_receipt_no }
    : null,
  workdaysUsed: s.workdays_used,
  escalationLevel: s.escalation_level,
  lastUrgedAt: iso(s.last_urged_at),
  allowedActions: viewer
    ? allowedStepActions(viewer, stepFacts(s), Date.now(), viewer.urgeIntervalMs ?? DEFAULT_CLOCK_POLICY.urgeIntervalMs)
    : [],
  awaitingPayment:
    s.status === 'in_review' && awaitsPayment({ feeAmountFen: s.fee_amount_fen, feePaidAt: iso(s.fee_paid_at) }),
});

export const toCaseView = (c: CaseRow) => ({
  id: c.id,
  stepId: c.step_id,
  applicationId: c.application_id,
  /** Set on a case about a complaint's late reply (stepId and applicationId are then null). */
  complaintId: c.complaint_id,
  /** Set on a case about a hand-issued warning's late reply (stepId and applicationId are then null). */
  warningId: c.warning_id,
  departmentCode: c.department_code,
  attempt: c.attempt,
  level: c.level,
  openedAt: c.opened_at.toISOString(),
  dueAt: c.due_at.toISOString(),
  status: c.status,
  outcome: c.outcome,
  answer: c.answer,
  answeredBy: c.answered_by,
  closedAt: iso(c.closed_at),
});

export const toSessionView = (s: SessionRow) => ({
  id: s.id,
  applicationId: s.application_id,
  kind: s.kind,
  topic: s.topic,
  scheduledAt: s.scheduled_at.toISOString(),
  location: s.location,
  invitedDepartments: s.invited_departments,
  status: s.status,
  opinions: s.opinions,
  minutes: s.minutes,
  closedAt: iso(s.closed_at),
});

export interface ApplicationSummary {
  id: string;
  /** The human case number printed on the acceptance notice (GH-2026-000123). */
  caseNo: string;
  /** The public progress lookup's password: only for those who may hand it to the investor. */
  queryPassword?: string;
  status: ApplicationRow['status'];
  project: ApplicationRow['project'];
  investor: ApplicationRow['investor'];
  officer: { id: string };
  createdAt: string;
  updatedAt: string;
}

export const toApplicationSummary = (a: ApplicationRow, withQueryPassword = false): ApplicationSummary => ({
  id: a.id,
  caseNo: a.case_no,
  ...(withQueryPassword ? { queryPassword: a.query_password } : {}),
  status: a.status,
  project: a.project,
  investor: a.investor,
  officer: { id: a.officer_id },
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});

/** Working days left until the step's current deadline (the acceptance deadline while at the window). */
export function withRemaining<T extends Pick<StepView, 'status' | 'deadline' | 'acceptanceDeadline'>>(
  step: T,
  time: WorkingTime,
  now = new Date(),
): T & { remainingWorkdays: number | null } {
  const due =
    step.status === 'submitted' ? step.acceptanceDeadline : step.status === 'in_review' ? step.deadline : null;
  if (!due) return { ...step, remainingWorkdays: null };
  const end = new Date(due);
  return { ...step, remainingWorkdays: end <= now ? 0 : time.workdaysBetween(now, end) };
}

// ——— The context of a step on a list row or its page (the web UI's read side) ———

/** What a row names beside its step: the project and investor, the last urge, the open supervision case. */
export interface StepContextView {
  /** The application's case number (办件编号), as the investor and the notices name it. */
  caseNo: string | null;
  projectName: string | null;
  projectCode: string | null;
  investorName: string | null;
  /** The latest urge (催办) of the step, with its words. */
  lastUrge: { at: string; message: string; by: string } | null;
  /** The supervision case (督办件) open on the step now. */
  openCase: { id: string; level: number; openedAt: string; dueAt: string } | null;
}

export const toStepContext = (
  names: { caseNo: string; project: ProjectInfo; investor: InvestorInfo } | undefined,
  urge: EventRow | undefined,
  openCase: CaseRow | undefined,
): StepContextView => ({
  caseNo: names?.caseNo ?? null,
  projectName: names?.project.name ?? null,
  projectCode: names?.project.code ?? null,
  investorName: names?.investor.name ?? null,
  lastUrge: urge
    ? {
        at: urge.at.toISOString(),
        message: typeof urge.detail.message === 'string' ? urge.detail.message : '',
        by: urge.actor_name,
      }
    : null,
  openCase: openCase
    ? {
        id: openCase.id,
        level: openCase.level,
        openedAt: openCase.opened_at.toISOString(),
        dueAt: openCase.due_at.toISOString(),
      }
    : null,
});

/**
 * Why the viewer may not take `action` on the step now, as a stable refusal code and its
 * parameters (domain/step-rules.ts; the UI words it), or null when they may.
 */
export function stepRefusal(
  action: StepAction,
  s: StepRow,
  viewer: StepViewerOf,
  now = Date.now(),
): { reason: string; params: Record<string, string | number> } | null {
  const r = actionRefusal(
    action,
    viewer,
    stepFacts(s),
    now,
    viewer.urgeIntervalMs ?? DEFAULT_CLOCK_POLICY.urgeIntervalMs,
  );
  return r ? { reason: r.code, params: r.params } : null;
}

/** Working days past the step's current deadline while it is still open (0 on the day it passes), else null. */
export function overdueWorkdays(
  step: Pick<StepView, 'status' | 'deadline' | 'acceptanceDeadline'>,
  time: WorkingTime,
  now = new Date(),
): number | null {
  const due =
    step.status === 'submitted' ? step.acceptanceDeadline : step.status === 'in_review' ? step.deadline : null;
  if (!due || new Date(due) > now) return null;
  return time.workdaysBetween(new Date(due), now);
}

// ——— The whole-project clock (全流程用时, domain/project-clock.ts; api/services/project-clock.ts) ———

/** `projectClock` of the contract (second round), with the projected working days and overrun beside it. */
export interface ProjectClockView {
  targetWorkdays: number;
  workdaysUsed: number;
  projectedCompletion: string | null;
  projectedWorkdays: number | null;
  overrunWorkdays: number | null;
  light: ProjectLight;
}

export const toProjectClockView = (c: ProjectClock): ProjectClockView => ({
  targetWorkdays: c.targetWorkdays,
  workdaysUsed: c.workdaysUsed,
  projectedCompletion: c.projectedCompletion?.toISOString() ?? null,
  projectedWorkdays: c.projectedWorkdays,
  overrunWorkdays: c.overrunWorkdays,
  light: c.light,
});

/** One step on the project's timeline (working days counted from the launch). */
export interface ScheduleEntryView {
  stepId: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  departmentName: string;
  status: StepRow['status'];
  /** Started (submitted) or expected to start; omitted for staff of another department. */
  start?: string;
  /** Decided or projected to end; omitted for staff of another department. */
  end?: string;
  startDay?: number;
  endDay?: number;
  /** Still open: `end` is a projection. */
  open: boolean;
  critical: boolean;
}

export interface ProjectPlanView {
  projectClock: ProjectClockView;
  /** The open steps that drive the projection, in order. */
  criticalPath: ScheduleEntryView[];
  /** Every step of the plan with its span (not for staff, who see other departments' progress only). */
  schedule?: ScheduleEntryView[];
}

/** A row of the supervisor's project board. */
export interface ProjectRiskRow {
  id: string;
  caseNo: string;
  projectName: string;
  projectCode: string | null;
  investorName: string;
  status: ApplicationRow['status'];
  createdAt: string;
  projectClock: ProjectClockView;
  /** The open step the project waits on now: the first of its critical path. */
  waitingOn: ScheduleEntryView | null;
  /** How many steps the critical path holds. */
  criticalSteps: number;
}
