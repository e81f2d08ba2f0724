// Kysely table types. One interface per table; Selectable/Insertable aliases for repositories.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ComplaintCategory, ComplaintKind, ComplaintStatus } from '../domain/complaints';
import type { ApplicationStatus, CaseType, Light, Outcome, Role, StepStatus } from '../domain/model';
import type {
  SessionKind,
  SessionOpinion,
  SpecialProcedureRecord,
  StepExtension,
  StepPause,
} from '../domain/projection';
import type { DocumentKind } from '../domain/documents';
import type { WarningRound, WarningStatus, WarningSubject } from '../domain/warnings';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface DepartmentsTable {
  code: string;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  display_name: string;
  role: Role;
  department_code: string | null;
  disabled: Generated<boolean>;
  created_at: CreatedAt;
  /** Where the user's notices are also emailed when `notify_by` is 'email'. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  notify_by: Generated<NotifyBy>;
  /** Every notification up to this id counts as read (mark all read); later ones by notification_reads. */
  notices_read_through: Generated<number>;
  /** Set by an admin's password reset: every route but changing it and /api/me answers 403 until changed. */
  must_change_password: Generated<boolean>;
}

export interface MattersTable {
  code: string;
  name: string;
  department_code: string;
  case_type: CaseType;
  legal_basis: string;
  conditions: string;
  procedure: string;
  materials: Json<string[]>;
  statutory_limit_days: number;
  promised_limit_days: number;
  fee_amount_fen: number | null;
  fee_basis: string | null;
  prerequisites: Json<string[]>;
  stage: number;
  updated_at: Timestamp;
  /** The current version (matter_versions) and when it took effect. */
  version: Generated<number>;
  effective_from: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Deemed consent (超时默许): its step, not answered by its deadline, is approved as deemed. */
  deemed_consent: Generated<boolean>;
}

/** Every version of every matter, kept unchanged (a trigger refuses updates and deletes). */
export interface MatterVersionsTable {
  matter_code: string;
  version: number;
  effective_from: Timestamp;
  name: string;
  department_code: string;
  case_type: CaseType;
  legal_basis: string;
  conditions: string;
  procedure: string;
  materials: Json<string[]>;
  statutory_limit_days: number;
  promised_limit_days: number;
  fee_amount_fen: number | null;
  fee_basis: string | null;
  prerequisites: Json<string[]>;
  stage: number;
  deemed_consent: Generated<boolean>;
  /** The admin who made the version (null for versions carried over by the migration). */
  created_by: string | null;
  created_by_name: string | null;
}

export interface ProjectInfo {
  name: string;
  code: string | null;
  investmentWanYuan: number;
  location: string;
  industry: string;
}

export interface InvestorInfo {
  name: string;
  creditCode: string;
  contactName: string;
  phone: string;
}

export interface ApplicationsTable {
  id: string;
  status: ApplicationStatus;
  project: Json<ProjectInfo>;
  investor: Json<InvestorInfo>;
  officer_id: string;
  /** The human case number (GH-2026-000123), sequential per Beijing year; see domain/case-number.ts. */
  case_no: string;
  /** The query password of the public progress lookup, printed on the acceptance notice. */
  query_password: string;
  /** Null until the application's workflow is known to be started (launch recovery starts the rest). */
  workflow_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Highest workflow projection sequence applied; older projections are ignored. */
  seq: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The whole-project clock's target in working days, fixed at launch (domain/project-clock.ts). */
  target_workdays: Generated<number>;
}

export interface StepsTable {
  id: string;
  application_id: string;
  matter_code: string;
  department_code: string;
  prerequisites: Json<string[]>;
  status: StepStatus;
  light: Light;
  attempt: Generated<number>;
  submitted_at: Date | null;
  accepted_at: Date | null;
  deadline: Date | null;
  decided_at: Date | null;
  outcome: Outcome | null;
  overdue: Generated<boolean>;
  certificate_no: string | null;
  reason: string | null;
  seq: Generated<number>;
  updated_at: Timestamp;
  matter_name: Generated<string>;
  promised_limit_days: Generated<number>;
  acceptance_deadline: Date | null;
  yellow_at: Date | null;
  deemed_accepted: Generated<boolean>;
  paused_workdays: Generated<number>;
  extension_days: Generated<number>;
  pause: Json<StepPause | null> | null;
  supplement_items: Json<string[] | null> | null;
  assignee_id: string | null;
  assignee_name: string | null;
  fee_amount_fen: number | null;
  fee_paid_at: Date | null;
  fee_receipt_no: string | null;
  workdays_used: number | null;
  escalation_level: Generated<number>;
  last_urged_at: Date | null;
  /** The catalog version the step runs on (null: recorded before catalog versions). */
  matter_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** The statutory limit of that version (the extension's legal cap); null when unknown. */
  statutory_limit_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** That version's deemed-consent policy. */
  deemed_consent_policy: Generated<boolean>;
  /** Approved as deemed consent at its deadline. */
  deemed_consent: Generated<boolean>;
  extension: ColumnType<StepExtension | null, string | null | undefined, string | null>;
  special_procedures: ColumnType<SpecialProcedureRecord[], string | undefined, string>;
}

export interface SupervisionCasesTable {
  id: string;
  /** The step of a case about an overdue step; null for a case about a complaint. */
  step_id: string | null;
  application_id: string | null;
  /** The complaint (or rectification task) of a case about a late reply; null for a step's case. */
  complaint_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The hand-issued warning of a case about its late reply; null otherwise. */
  warning_id: ColumnType<string | null, string | null | undefined, string | null>;
  department_code: string;
  attempt: number;
  level: number;
  opened_at: Timestamp;
  due_at: Timestamp;
  status: 'open' | 'closed';
  /** Why a closed case closed: answered by the department, escalated to the next level, step decided or cancelled. */
  outcome: 'answered' | 'escalated' | 'decided' | 'cancelled' | null;
  answer: string | null;
  answered_by: string | null;
  closed_at: Date | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  event_id: string;
  audience_role: Role | null;
  audience_department: string | null;
  audience_user_id: string | null;
  /** Null for notices about a complaint (they carry its number in their parameters). */
  application_id: string | null;
  step_id: string | null;
  type: string;
  /** A notice code (domain/notices.ts) and its parameters; the reader's UI words them. */
  code: string;
  params: ColumnType<Record<string, string | number>, string, string>;
  created_at: Timestamp;
}

export interface JointSessionsTable {
  id: string;
  application_id: string;
  kind: SessionKind;
  topic: string;
  scheduled_at: Timestamp;
  location: string;
  invited_departments: Json<string[]>;
  status: 'scheduled' | 'closed';
  opinions: Json<SessionOpinion[]>;
  minutes: string | null;
  closed_at: Date | null;
  seq: Generated<number>;
}

export interface EventsTable {
  id: Generated<number>;
  /** Unique per change: replays and retries of the same change insert nothing. */
  event_id: string;
  application_id: string;
  step_id: string | null;
  type: string;
  actor_id: string;
  actor_name: string;
  at: Timestamp;
  detail: Json<Record<string, unknown>>;
}

export interface CalendarDaysTable {
  date: string;
  workday: boolean;
  note: string;
  created_by: string;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  /** Null while the first request is still running. */
  status_code: number | null;
  response: Json<unknown> | null;
  /** Which request holds the key while it is pending; only that request settles or frees it. */
  attempt_id: Generated<string>;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: string;
  actor_name: string;
  action: string;
  target: string;
  detail: Json<Record<string, unknown>>;
}

/** Failed sign-ins per address and username, in the current window (shared by every API replica). */
export interface LoginFailuresTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
}

/** The last case serial given per Beijing year (case numbers are never reused). */
export interface CaseNumberCountersTable {
  year: number;
  last_serial: number;
}

/** An issued document (受理通知书 …): its PDF and hash, never changed; see domain/documents.ts. */
export interface DocumentsTable {
  /** Also the document number printed on it: <case number>-<kind abbreviation>-<n>. */
  id: string;
  application_id: string;
  step_id: string | null;
  kind: DocumentKind;
  title: string;
  /** The event that issued it (events.event_id) and its position in the log. */
  source_event_id: string;
  source_event_seq: number;
  /** When the event happened: the document's date. */
  issued_at: Timestamp;
  created_at: CreatedAt;
  sha256: string;
  size_bytes: number;
  pdf: Buffer;
  /** The earlier document of the same kind for the same step that this one replaces. */
  supersedes: string | null;
}

/** The documents outbox: events that issue documents, enqueued by a trigger on the event log. */
export interface DocumentQueueTable {
  event_id: string;
  event_seq: number;
  application_id: string;
  leased_until: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
  enqueued_at: CreatedAt;
}

/** How a user hears of their notices beyond the in-app list. */
export type NotifyBy = 'in_app' | 'email';
export type DeliveryChannel = 'email' | 'sms';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** The outbox of messages to real channels (api/delivery/): one message, one recipient, one channel. */
export interface DeliveriesTable {
  /** The idempotency key the channel sees: the SMS gateway's `id`, the email's Message-ID. */
  id: string;
  /** What the message is for (source, channel, recipient): enqueueing it again does nothing. */
  dedupe_key: string;
  event_id: string;
  notification_id: number | null;
  /** Null for the notice of a complaint or rectification task. */
  application_id: string | null;
  /** A notice code (email) or an investor message kind (SMS, domain/messages.ts). */
  kind: string;
  channel: DeliveryChannel;
  recipient_user_id: string | null;
  /** The address as resolved when the message was enqueued (email address or phone). */
  recipient: string;
  subject: string | null;
  body: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** While 'sending': the claim runs out then, and another dispatcher may take the row over. */
  lease_until: Date | null;
  /** Which claim holds the row: only that claim records the outcome. */
  claim_token: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  sent_at: Date | null;
}

export interface NotificationReadsTable {
  user_id: string;
  notification_id: number;
  read_at: CreatedAt;
}

/** The last serial given per number series (TS complaints, ZG rectification tasks) and Beijing year. */
export interface ComplaintNumberCountersTable {
  series: string;
  year: number;
  last_serial: number;
}

/**
 * Efficiency complaints and rectification tasks (domain/complaints.ts). The complainant's text and
 * contact are kept here only (never in a workflow); the rest is projected from the complaint's workflow.
 */
export interface ComplaintsTable {
  id: string;
  kind: ComplaintKind;
  /** The public follow-up's password (complaints only). */
  password: string | null;
  category: ComplaintCategory | null;
  content: string | null;
  contact_name: string | null;
  phone: string | null;
  case_no: string | null;
  application_id: string | null;
  step_id: string | null;
  /** The department the complainant named, if any (the office assigns). */
  suggested_department: string | null;
  /** The rating a rectification task follows. */
  rating_id: number | null;
  status: ComplaintStatus;
  department_code: string | null;
  reply_workdays: number | null;
  filed_at: Timestamp;
  register_due_at: NullableTimestamp;
  registration_overdue: Generated<boolean>;
  assigned_at: NullableTimestamp;
  reply_due_at: NullableTimestamp;
  yellow_at: NullableTimestamp;
  overdue: Generated<boolean>;
  escalation_level: Generated<number>;
  reply: string | null;
  replied_at: NullableTimestamp;
  replied_by: string | null;
  reply_late: Generated<boolean>;
  upheld: boolean | null;
  conclusion: string | null;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  /** The workflow's report sequence: a report applies only when newer. */
  version: Generated<number>;
  workflow_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

/** The permanent record of each complaint's events (append-only). */
export interface ComplaintEventsTable {
  id: Generated<number>;
  event_id: string;
  complaint_id: string;
  type: string;
  actor_id: string;
  actor_name: string;
  at: Timestamp;
  detail: Json<Record<string, unknown>>;
}

/** Warnings issued by hand (人工督办): the read model of each warning's workflow. */
export interface WarningsTable {
  id: string;
  subject: WarningSubject;
  step_id: string | null;
  application_id: string | null;
  department_code: string;
  reason: string;
  reply_workdays: number;
  issued_by_id: string;
  issued_by: string;
  issued_at: Timestamp;
  status: WarningStatus;
  round: Generated<number>;
  round_started_at: Timestamp;
  reply_due_at: NullableTimestamp;
  yellow_at: NullableTimestamp;
  overdue: Generated<boolean>;
  escalation_level: Generated<number>;
  /** Every round: its deadline, the reply, the office's return. */
  rounds: ColumnType<WarningRound[], string | undefined, string>;
  ever_late: Generated<boolean>;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  /** The workflow's report sequence: a report applies only when newer. */
  version: Generated<number>;
  workflow_started_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

/** The permanent record of each warning's events (append-only). */
export interface WarningEventsTable {
  id: Generated<number>;
  event_id: string;
  warning_id: string;
  type: string;
  actor_id: string;
  actor_name: string;
  at: Timestamp;
  detail: Json<Record<string, unknown>>;
}

/** Ratings (好差评), kept for the assessment: one per step, one per application. */
export interface RatingsTable {
  id: Generated<number>;
  application_id: string;
  case_no: string;
  /** Null for a rating of the whole application. */
  step_id: string | null;
  matter_code: string | null;
  department_code: string | null;
  attempt: number | null;
  /** The staff member who decided the rated step. */
  staff_id: string | null;
  score: number;
  comment: string | null;
  rated_at: CreatedAt;
}

/** Decided steps per department and Shanghai day, kept equal to `steps` by triggers (migration 0055). */
export interface StepDecisionDaysTable {
  department_code: string;
  /** The Shanghai civil day of `decided_at` (a `date`: compared as 'YYYY-MM-DD'). */
  day: string;
  decided: number;
  on_time: number;
  overdue: number;
  /** Sum and count of the steps' `workdays_used` where known (their average is sum / count). */
  workdays_sum: string;
  workdays_count: number;
}

/** One decision of a step attempt (written by a trigger on the event log), for the assessment. */
export interface StepDecisionsTable {
  /** The decision's event in the timeline. */
  event_id: string;
  step_id: string;
  application_id: string;
  attempt: number;
  department_code: string;
  /** Who decided: the actor of the decision event. */
  decided_by: string;
  decided_by_name: string;
  decided_at: Timestamp;
  outcome: 'approved' | 'rejected' | 'refused_acceptance';
  overdue: boolean;
  /** Null when no clock ran (refused at the window) or not known for an earlier attempt. */
  workdays_used: number | null;
  promised_limit_days: number;
  extension_days: number;
}

/** Every published version of the assessment weights (append-only; the newest is in force). */
export interface AssessmentWeightsTable {
  version: number;
  weights: Json<Record<string, number>>;
  changed_by: string;
  changed_by_name: string;
  changed_at: CreatedAt;
}

/** Accountability records (问责记录) on closed supervision cases (append-only). */
export interface AccountabilityRecordsTable {
  id: Generated<number>;
  case_id: string;
  department_code: string;
  person_id: string | null;
  person_name: string | null;
  what: string;
  measure: string;
  decision: string;
  recorded_by: string;
  recorded_by_name: string;
  recorded_at: CreatedAt;
}

export interface Database {
  departments: DepartmentsTable;
  users: UsersTable;
  matters: MattersTable;
  matter_versions: MatterVersionsTable;
  applications: ApplicationsTable;
  steps: StepsTable;
  events: EventsTable;
  calendar_days: CalendarDaysTable;
  supervision_cases: SupervisionCasesTable;
  notifications: NotificationsTable;
  joint_sessions: JointSessionsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  login_failures: LoginFailuresTable;
  case_number_counters: CaseNumberCountersTable;
  documents: DocumentsTable;
  document_queue: DocumentQueueTable;
  deliveries: DeliveriesTable;
  notification_reads: NotificationReadsTable;
  complaint_number_counters: ComplaintNumberCountersTable;
  complaints: ComplaintsTable;
  complaint_events: ComplaintEventsTable;
  ratings: RatingsTable;
  auth_sessions: AuthSessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  warnings: WarningsTable;
  warning_events: WarningEventsTable;
  step_decisions: StepDecisionsTable;
  step_decision_days: StepDecisionDaysTable;
  assessment_weights: AssessmentWeightsTable;
  accountability_records: AccountabilityRecordsTable;
}

export type UserRow = Selectable<UsersTable>;
export type MatterRow = Selectable<MattersTable>;
export type MatterVersionRow = Selectable<MatterVersionsTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;
export type StepRow = Selectable<StepsTable>;
export type EventRow = Selectable<EventsTable>;
export type CaseRow = Selectable<SupervisionCasesTable>;
export type SessionRow = Selectable<JointSessionsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type NewEvent = Insertable<EventsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type ComplaintRow = Selectable<ComplaintsTable>;
export type ComplaintEventRow = Selectable<ComplaintEventsTable>;
export type WarningRow = Selectable<WarningsTable>;
export type WarningEventRow = Selectable<WarningEventsTable>;
export type RatingRow = Selectable<RatingsTable>;
export type StepDecisionRow = Selectable<StepDecisionsTable>;
export type AssessmentWeightsRow = Selectable<AssessmentWeightsTable>;
export type AccountabilityRow = Selectable<AccountabilityRecordsTable>;

/** One sign-in session per issued token (its `jti`): expires with the token, can be revoked earlier. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  issued_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  user_agent: string | null;
  address: string | null;
}

/** Every sign-in attempt, success or failure (never the password). */
export interface SignInAttemptsTable {
  id: Generated<number>;
  at: CreatedAt;
  username: string;
  user_id: string | null;
  succeeded: boolean;
  reason: string | null;
  address: string | null;
  user_agent: string | null;
}

export type AuthSessionRow = Selectable<AuthSessionsTable>;
