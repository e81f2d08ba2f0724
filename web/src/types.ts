// The shapes of the API's answers the UI reads. Requests are typed from the generated OpenAPI
// types (api-types.ts, through api.ts). The vocabulary (roles, statuses, step actions) and the Step
// answer are the server's own types (type-only imports: nothing of the server is bundled), so they
// have one home; the OpenAPI document does not describe answers yet (every success response is
// `{}`), so the other answers below mirror the routes and the contract until it does.
import type { ApplicationStatus, Light, Role, StepStatus } from '../../domain/model';
import type { StepAction } from '../../domain/step-rules';
import type { StepContextView, StepView } from '../../api/views';
import type { ComplaintAction, ComplaintCategory, ComplaintKind, ComplaintStatus } from '../../domain/complaints';
import type { DocumentView } from '../../domain/documents';
import type { PublicProgress } from '../../domain/public-progress';
import type { ProjectLight } from '../../domain/project-clock';
import type { ProjectClockView, ProjectRiskRow, ScheduleEntryView } from '../../api/views';
import type { WarningAction, WarningRound, WarningStatus, WarningSubject } from '../../domain/warnings';

import type { AssessmentRow, AssessmentWeightsView, PublicRanking } from '../../domain/assessment';
import type { AccountabilityMeasure, AccountabilityView } from '../../domain/accountability';

export type { ApplicationStatus, DocumentView, Light, PublicProgress, Role, StepAction, StepStatus };
export type { AccountabilityMeasure, AccountabilityView, AssessmentRow, AssessmentWeightsView, PublicRanking };

/** Decided and on time per department and month (GET /api/assessment/trend). */
export interface AssessmentTrend {
  months: string[];
  rows: Array<{ month: string; departmentCode: string; decided: number; onTime: number; onTimeRate: number | null }>;
}
export type { ComplaintAction, ComplaintCategory, ComplaintKind, ComplaintStatus };
export type { ProjectClockView, ProjectLight, ProjectRiskRow, ScheduleEntryView };

/** The supervisor's project board (GET /api/supervision/projects): open projects by risk. */
export interface ProjectBoard {
  items: ProjectRiskRow[];
  total: number;
  counts: Record<Exclude<ProjectLight, 'none'>, number>;
  page: number;
  pageSize: number;
}
export type { WarningAction, WarningRound, WarningStatus, WarningSubject };

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
  /** After an admin's password reset: the UI shows only the password change until it is done. */
  mustChangePassword?: boolean;
}

/**
 * A Step as the API answers it; inbox and board rows also carry the working days left, and list
 * rows and the step's own page what is around it (project, investor, last urge, open case).
 */
export type Step = StepView & { remainingWorkdays?: number | null } & Partial<StepContextView>;

/** A refusal's stable code and parameters (domain/step-rules.ts), worded by the UI. */
export interface Refusal {
  reason: string;
  params: Record<string, string | number>;
}

/** A row of the supervision board: the step, how long it is overdue, why it cannot be extended or urged now. */
export type BoardStep = Step & {
  overdueWorkdays: number | null;
  extensionRefusal: Refusal | null;
  urgeRefusal: Refusal | null;
};

/** A fee due at the cashier: the step with its project and payer. */
export type FeeDue = Step & { projectName: string | null; payerName: string | null };

export interface Payment {
  stepId: string;
  applicationId: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  projectName: string | null;
  payerName: string | null;
  amountFen: number;
  receiptNo: string | null;
  paidAt: string;
  recordedBy: string | null;
}

export interface PaymentsOfDay {
  date: string;
  items: Payment[];
  count: number;
  totalFen: number;
}

export interface Colleague {
  id: string;
  displayName: string;
}

export interface TechnicalDetails {
  temporalUiUrl: string;
  namespace: string;
  taskQueue: string;
  application: { workflowId: string; url: string };
  steps: Array<{ stepId: string; matterName: string; attempt: number; workflowId: string; url: string }>;
}

export interface Application {
  id: string;
  status: ApplicationStatus;
  project: { name: string; code?: string; investmentWanYuan: number; location: string; industry: string };
  investor: { name: string; creditCode: string; contactName: string; phone: string };
  createdAt: string;
  caseNo?: string;
  /** For the officer, supervisors and admins: the investor's password of the public progress lookup. */
  queryPassword?: string;
  steps: Step[];
  /** The whole-project clock (全流程用时), computed when read. */
  projectClock: ProjectClockView;
  /** The open steps that drive the projected completion (one application's answer only). */
  criticalPath?: ScheduleEntryView[];
  /** Every step's span on working days (not for staff). */
  schedule?: ScheduleEntryView[];
}

export interface TimelineEvent {
  at: string;
  type: string;
  actor: { displayName: string };
  stepId?: string;
  detail?: Record<string, unknown> | null;
  workflowUrl?: string;
}

export interface Department {
  code: string;
  name: string;
}

export interface Matter {
  code: string;
  name: string;
  departmentCode: string;
  caseType: 'immediate' | 'promised' | 'joint';
  legalBasis: string;
  conditions: string;
  procedure: string;
  materials: string[];
  statutoryLimitDays: number;
  promisedLimitDays: number;
  fee: { amountFen: number; basis: string } | null;
  prerequisites: string[];
  stage: number;
  /** 超时默许: an opinion not answered by its deadline is approved as deemed consent. */
  deemedConsent: boolean;
  /** The current version and when it took effect. */
  version: number;
  effectiveFrom: string;
}

/** One version in a matter's history (GET /api/matters/{code}/versions, newest first). */
export interface MatterVersion extends Matter {
  createdBy: { id: string; displayName: string } | null;
}

export interface PlanStep {
  matterCode: string;
  matterName: string;
  departmentCode: string;
  promisedLimitDays: number;
  level: number;
  prerequisites: string[];
  addedAsPrerequisite?: boolean;
  fee?: { amountFen: number } | null;
}

export interface Plan {
  steps: PlanStep[];
  addedPrerequisites: string[];
  promisedWorkdaysOnCriticalPath: number;
}

export type CaseOutcome = 'answered' | 'escalated' | 'decided' | 'cancelled';

export interface SupervisionCase {
  id: string;
  /** Null on a case about a complaint's late reply (complaintId is then set). */
  stepId: string | null;
  applicationId: string | null;
  complaintId?: string | null;
  /** Set on a case about a hand-issued warning's late reply. */
  warningId?: string | null;
  departmentCode: string;
  attempt?: number;
  level: number;
  openedAt: string;
  dueAt: string;
  status: 'open' | 'closed';
  outcome: CaseOutcome | null;
  answer: string | null;
  answeredBy?: string | null;
  closedAt?: string | null;
  matterName?: string | null;
  projectName?: string | null;
}

/** One case with its step, every case of the step (the ladder) and the step's events. */
export type CaseDetail = SupervisionCase & {
  step: Step;
  ladder: SupervisionCase[];
  events: TimelineEvent[];
};

export interface JointSession {
  id: string;
  kind: 'review_meeting' | 'site_inspection';
  topic: string;
  scheduledAt: string;
  location: string;
  invitedDepartments: string[];
  status: 'scheduled' | 'closed';
  opinions: Array<{
    departmentCode: string;
    opinion: 'agree' | 'disagree' | 'agree_forward';
    deemed?: boolean;
    reason?: string | null;
  }>;
}

export interface DepartmentStats {
  departmentCode: string;
  decided: number;
  onTime: number;
  overdue: number;
  onTimeRate: number | null;
  avgWorkdays: number | null;
}

export interface MonthlyStats {
  month: string;
  departmentCode: string;
  onTimeRate: number;
}

export interface CalendarAnswer {
  year: number;
  missingYears: number[];
  adminEntries: Array<{ date: string; workday: boolean; note: string; createdBy?: string }>;
  published: Array<{ date: string; workday: boolean; name: string; nameEn: string }>;
}

export interface Notification {
  id: string;
  type: string;
  code: string;
  params: Record<string, string | number | null>;
  applicationId: string | null;
  stepId: string | null;
  at: string;
  /** Whether the signed-in user has read it. */
  read?: boolean;
}

/** An efficiency complaint or rectification task, as the supervision office or the department reads it. */
export interface Complaint {
  id: string;
  complaintNo: string;
  kind: ComplaintKind;
  category: ComplaintCategory | null;
  status: ComplaintStatus;
  light: Light;
  content: string | null;
  /** Only the supervision office and the general office read the complainant's contact. */
  contactName?: string | null;
  phone?: string | null;
  caseNo: string | null;
  applicationId: string | null;
  stepId: string | null;
  suggestedDepartment: string | null;
  rating: { score: number; comment: string | null; ratedAt: string } | null;
  departmentCode: string | null;
  replyWorkdays: number | null;
  filedAt: string;
  registerDueAt: string | null;
  registrationOverdue: boolean;
  assignedAt: string | null;
  replyDueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  reply: string | null;
  repliedAt: string | null;
  repliedBy: string | null;
  replyLate: boolean;
  upheld: boolean | null;
  conclusion: string | null;
  closedAt: string | null;
  closedBy: string | null;
  version: number;
  allowedActions: ComplaintAction[];
}

export interface ComplaintDetail extends Complaint {
  events: TimelineEvent[];
  cases: SupervisionCase[];
}

/** A warning issued by hand (人工督办), as the supervision office or the department reads it. */
export interface Warning {
  id: string;
  warningNo: string;
  subject: WarningSubject;
  stepId: string | null;
  applicationId: string | null;
  matterCode: string | null;
  matterName: string | null;
  projectName: string | null;
  caseNo: string | null;
  departmentCode: string;
  reason: string;
  replyWorkdays: number;
  issuedBy: string;
  issuedAt: string;
  status: WarningStatus;
  light: Light;
  round: number;
  roundStartedAt: string;
  replyDueAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  rounds: WarningRound[];
  reply: string | null;
  everLate: boolean;
  closedAt: string | null;
  closedBy: string | null;
  version: number;
  allowedActions: WarningAction[];
}

export interface WarningDetail extends Warning {
  events: TimelineEvent[];
  cases: SupervisionCase[];
}

/** The public follow-up of a complaint. */
export interface PublicComplaint {
  complaintNo: string;
  status: ComplaintStatus;
  category: ComplaintCategory | null;
  filedAt: string;
  replyDueAt?: string;
  reply?: string;
  repliedAt?: string | null;
  conclusion?: string | null;
  upheld?: boolean | null;
  closedAt?: string | null;
}

export interface GivenRating {
  score: number;
  comment: string | null;
  ratedAt: string;
}

/** What a case lets its investor rate. */
export interface Rateables {
  caseNo: string;
  projectName: string;
  status: ApplicationStatus;
  steps: Array<{
    stepId: string;
    matterName: string;
    departmentCode: string;
    departmentName: string;
    status: StepStatus;
    decidedAt: string | null;
    rateable: boolean;
    rating: GivenRating | null;
  }>;
  application: { rateable: boolean; rating: GivenRating | null };
}

export interface RatingAnswer {
  id: number;
  caseNo: string;
  stepId: string | null;
  score: number;
  comment: string | null;
  ratedAt: string;
  rectificationNo: string | null;
}

/** The answer of each route the UI reads, by `METHOD path template`; others answer `unknown`. */
/** A sign-in session of the signed-in user (one per token). */
export interface AuthSession {
  id: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  live: boolean;
  current: boolean;
  userAgent: string | null;
  address: string | null;
}

/** One sign-in attempt of a user (the admin's sign-in history). */
export interface SignInAttempt {
  id: number;
  at: string;
  succeeded: boolean;
  reason: string | null;
  address: string | null;
  userAgent: string | null;
}

/** One row of the administrative audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; displayName: string };
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export interface Answers {
  'POST /api/auth/login': { token: string; user: User; mustChangePassword: boolean };
  /** A search counts up to 1,000 matches: past that `total` is 1,000 and `totalCapped` is set. */
  'GET /api/applications': { items: Application[]; total: number; totalCapped?: boolean };
  'POST /api/applications': Application;
  'GET /api/applications/{id}': Application;
  'GET /api/applications/{id}/timeline': TimelineEvent[];
  'GET /api/applications/{id}/sessions': JointSession[];
  'GET /api/departments': Department[];
  'GET /api/matters': Matter[];
  'GET /api/matters/{code}': Matter;
  'GET /api/matters/{code}/versions': MatterVersion[];
  'PUT /api/matters/{code}': Matter;
  'POST /api/plan': Plan;
  'GET /api/inbox': Step[];
  'GET /api/inbox/done': Step[];
  'GET /api/steps/{id}': Step;
  'GET /api/fees/due': FeeDue[];
  'GET /api/fees/paid': PaymentsOfDay;
  'GET /api/supervision/board': BoardStep[];
  'GET /api/supervision/projects': ProjectBoard;
  'GET /api/supervision/cases': SupervisionCase[];
  'GET /api/supervision/cases/{id}': CaseDetail;
  'GET /api/users/colleagues': Colleague[];
  'GET /api/applications/{id}/technical': TechnicalDetails;
  'POST /api/steps/{id}/accept': Step;
  'POST /api/steps/{id}/supplement-request': Step;
  'POST /api/steps/{id}/supplement': Step;
  'POST /api/steps/{id}/decision': Step;
  'POST /api/steps/{id}/extension': Step;
  'POST /api/steps/{id}/special-procedure': Step;
  'POST /api/steps/{id}/special-procedure/end': Step;
  'POST /api/steps/{id}/reassign': Step;
  'POST /api/steps/{id}/payment': Step;
  'POST /api/calendar/days': { date: string; workday: boolean; note: string; openStepsRecomputed: number };
  'DELETE /api/calendar/days/{date}': { date: string; removed: boolean; openStepsRecomputed: number };
  'POST /api/applications/{id}/withdraw': Application;
  'POST /api/applications/{id}/resubmit': Application;
  'GET /api/stats/departments': DepartmentStats[];
  'GET /api/stats/monthly': MonthlyStats[];
  'GET /api/assessment': AssessmentRow[];
  'GET /api/assessment/trend': AssessmentTrend;
  'GET /api/assessment/weights': AssessmentWeightsView;
  'GET /api/assessment/weights/history': AssessmentWeightsView[];
  'PUT /api/assessment/weights': AssessmentWeightsView;
  'GET /api/public/assessment/ranking': PublicRanking;
  'GET /api/accountability': AccountabilityView[];
  'GET /api/accountability/staff': Array<{ id: string; displayName: string; departmentCode: string }>;
  'GET /api/supervision/cases/{id}/accountability': AccountabilityView[];
  'POST /api/supervision/cases/{id}/accountability': AccountabilityView;
  'GET /api/calendar': CalendarAnswer;
  'GET /api/users': Array<User & { disabled: boolean }>;
  'GET /api/notifications': Notification[];
  'GET /api/applications/{id}/documents': DocumentView[];
  'GET /api/public/progress': PublicProgress;
  'GET /api/notifications/unread-count': { unread: number };
  'POST /api/notifications/{id}/read': { unread: number };
  'POST /api/notifications/read-all': { unread: number };
  'GET /api/me/notification-settings': NotificationSettings;
  'PUT /api/me/notification-settings': NotificationSettings;
  'GET /api/deliveries': DeliveryList;
  'POST /api/deliveries/{id}/retry': Delivery;
  'POST /api/public/complaints': { complaintNo: string; password: string };
  'GET /api/public/complaints/{no}': PublicComplaint;
  'GET /api/complaints': { items: Complaint[]; total: number };
  'GET /api/me': User;
  'POST /api/me/password': User;
  'GET /api/me/sessions': AuthSession[];
  'POST /api/me/sessions/{id}/revoke': AuthSession;
  'POST /api/users/{id}/disable': User & { disabled: boolean };
  'POST /api/users/{id}/enable': User & { disabled: boolean };
  'POST /api/users/{id}/reset-password': {
    userId: string;
    username: string;
    temporaryPassword: string | null;
    mustChangePassword: boolean;
  };
  'POST /api/users/{id}/sessions/revoke': { revoked: number };
  'GET /api/users/{id}/sign-ins': SignInAttempt[];
  'GET /api/audit': AuditEntry[];
  'GET /api/complaints/{id}': ComplaintDetail;
  'POST /api/complaints/{id}/assign': Complaint;
  'POST /api/complaints/{id}/reply': Complaint;
  'POST /api/complaints/{id}/close': Complaint;
  'GET /api/public/ratings': Rateables;
  'POST /api/public/ratings': RatingAnswer;
  'GET /api/warnings': { items: Warning[]; total: number };
  'GET /api/warnings/{id}': WarningDetail;
  'POST /api/warnings': Warning;
  'POST /api/warnings/{id}/reply': Warning;
  'POST /api/warnings/{id}/accept': Warning;
  'POST /api/warnings/{id}/return': Warning;
}

/** Where a user's notices are also sent, and which channels the center has turned on. */
export interface NotificationSettings {
  email: string | null;
  notifyBy: 'in_app' | 'email';
  channels: { email: boolean; sms: boolean };
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** One message to one recipient on one channel (GET /api/deliveries). */
export interface Delivery {
  id: string;
  channel: 'email' | 'sms';
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  recipient: string;
  recipientUser: { id: string; displayName: string | null } | null;
  applicationId: string;
  notificationId: number | null;
  subject: string | null;
  text: string;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  updatedAt: string;
}

export interface DeliveryList {
  items: Delivery[];
  total: number;
  counts: Record<DeliveryStatus, number>;
  channels: { email: boolean; sms: boolean };
}
