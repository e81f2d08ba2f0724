// The shapes of the API's answers the UI reads. Requests are typed from the generated OpenAPI
// types (api-types.ts, through api.ts). The vocabulary (roles, statuses, step actions) and the Step
// answer are the server's own types (type-only imports: nothing of the server is bundled), so they
// have one home; the OpenAPI document does not describe answers yet (every success response is
// `{}`), so the other answers below mirror the routes and the contract until it does.
import type { ApplicationStatus, Light, Role, StepStatus } from '../../domain/model';
import type { StepAction } from '../../domain/step-rules';
import type { StepView } from '../../api/views';
import type { ComplaintAction, ComplaintCategory, ComplaintKind, ComplaintStatus } from '../../domain/complaints';

export type { ApplicationStatus, Light, Role, StepAction, StepStatus };
export type { ComplaintAction, ComplaintCategory, ComplaintKind, ComplaintStatus };

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
}

/** A Step as the API answers it; inbox and board rows also carry the working days left. */
export type Step = StepView & { remainingWorkdays?: number | null };

export interface Application {
  id: string;
  status: ApplicationStatus;
  project: { name: string; code?: string; investmentWanYuan: number; location: string; industry: string };
  investor: { name: string; creditCode: string; contactName: string; phone: string };
  createdAt: string;
  caseNo?: string;
  steps: Step[];
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

export interface SupervisionCase {
  id: string;
  /** Null on a case about a complaint's late reply (complaintId is then set). */
  stepId: string | null;
  applicationId: string | null;
  complaintId?: string | null;
  departmentCode: string;
  level: number;
  openedAt: string;
  dueAt: string;
  status: 'open' | 'closed';
  outcome: string | null;
  answer: string | null;
}

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
  missingYears: number[];
  adminEntries: Array<{ date: string; workday: boolean; note: string }>;
}

export interface Notification {
  id: string;
  type: string;
  code: string;
  params: Record<string, string | number | null>;
  applicationId: string | null;
  stepId: string | null;
  at: string;
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
export interface Answers {
  'POST /api/auth/login': { token: string; user: User };
  'GET /api/applications': { items: Application[]; total: number };
  'POST /api/applications': Application;
  'GET /api/applications/{id}': Application;
  'GET /api/applications/{id}/timeline': TimelineEvent[];
  'GET /api/applications/{id}/sessions': JointSession[];
  'GET /api/departments': Department[];
  'GET /api/matters': Matter[];
  'GET /api/matters/{code}': Matter;
  'POST /api/plan': Plan;
  'GET /api/inbox': Step[];
  'GET /api/steps/{id}': Step;
  'GET /api/fees/due': Step[];
  'GET /api/supervision/board': Step[];
  'GET /api/supervision/cases': SupervisionCase[];
  'GET /api/stats/departments': DepartmentStats[];
  'GET /api/stats/monthly': MonthlyStats[];
  'GET /api/calendar': CalendarAnswer;
  'GET /api/users': User[];
  'GET /api/notifications': Notification[];
  'POST /api/public/complaints': { complaintNo: string; password: string };
  'GET /api/public/complaints/{no}': PublicComplaint;
  'GET /api/complaints': { items: Complaint[]; total: number };
  'GET /api/complaints/{id}': ComplaintDetail;
  'POST /api/complaints/{id}/assign': Complaint;
  'POST /api/complaints/{id}/reply': Complaint;
  'POST /api/complaints/{id}/close': Complaint;
  'GET /api/public/ratings': Rateables;
  'POST /api/public/ratings': RatingAnswer;
}
