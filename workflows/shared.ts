// Names and payload types shared by workflows, activities, workers and the API.
// Plain data and definitions only: this file is bundled into the workflow sandbox.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LightPolicy } from '../domain/lights';
import { SPECIAL_PROCEDURE_LIMIT_DAYS } from '../domain/special-procedures';
import type { Actor, ApplicationStatus, Outcome } from '../domain/model';
import type {
  OpinionValue,
  SessionKind,
  SessionSnapshot,
  SpecialProcedure,
  StepReport,
  StepSnapshot,
} from '../domain/projection';

export const applicationWorkflowId = (applicationId: string): string => `application-${applicationId}`;
export const stepWorkflowId = (applicationId: string, matterCode: string): string =>
  `application-${applicationId}/step-${matterCode}`;

/** Failure types carried by ApplicationFailure; the API maps them to HTTP statuses. */
export const FailureType = {
  Forbidden: 'Forbidden',
  Conflict: 'Conflict',
  InvalidInput: 'InvalidInput',
  RateLimited: 'RateLimited',
} as const;

/** Custom search attributes (no personal data: they are not encrypted). */
export const SearchAttr = {
  applicationId: defineSearchAttributeKey('ApplicationId', 'KEYWORD'),
  departmentCodes: defineSearchAttributeKey('DepartmentCodes', 'KEYWORD_LIST'),
  applicationStatus: defineSearchAttributeKey('ApplicationStatus', 'KEYWORD'),
  stepStatus: defineSearchAttributeKey('StepStatus', 'KEYWORD'),
  light: defineSearchAttributeKey('Light', 'KEYWORD'),
  deadline: defineSearchAttributeKey('Deadline', 'DATETIME'),
};

/** The same attributes as the Temporal CLI registers them (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_REGISTRATION: Record<string, 'Keyword' | 'KeywordList' | 'Datetime'> = {
  ApplicationId: 'Keyword',
  DepartmentCodes: 'KeywordList',
  ApplicationStatus: 'Keyword',
  StepStatus: 'Keyword',
  Light: 'Keyword',
  Deadline: 'Datetime',
};

/** The center's clock rules, fixed into each application when it starts (so its history replays the same). */
export interface ClockPolicy extends LightPolicy {
  /** Working days a window has to accept before the step counts as accepted (受理期限). */
  acceptanceWindowDays: number;
  /** Working days a department has to answer a supervision case before the next level opens. */
  caseResponseDays: number;
  /** Supervision levels (1 = first notice); no level opens beyond this. */
  escalationLevels: number;
  /** Minimum time between two urgings (催办) of one step. */
  urgeIntervalMs: number;
  /** Working days each special procedure may take (domain/special-procedures.ts); absent = the table's. */
  specialProcedureLimits?: Partial<Record<SpecialProcedure, number>>;
}

export const DEFAULT_CLOCK_POLICY: ClockPolicy = {
  yellowRatio: 0.8,
  yellowDaysLeft: 1,
  acceptanceWindowDays: 5,
  caseResponseDays: 1,
  escalationLevels: 3,
  urgeIntervalMs: 4 * 3600 * 1000,
  specialProcedureLimits: { ...SPECIAL_PROCEDURE_LIMIT_DAYS },
};

/** What a step takes from the catalog version it runs on (fixed at launch: a later version changes nothing). */
export interface StepMatterTerms {
  promisedLimitDays: number;
  feeAmountFen: number | null;
  /** The statutory limit: an extension never takes the step past it plus 10 working days. Absent: no cap. */
  statutoryLimitDays?: number | null;
  /** The catalog version (matter_versions) the step runs on; null for a step recorded before versions. */
  matterVersion?: number | null;
  /** The matter's deemed-consent policy (超时默许): not answered by its deadline = approved as deemed. */
  deemedConsent?: boolean;
}

export interface PlannedStepInput extends StepMatterTerms {
  stepId: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  prerequisites: string[];
}

export interface ApplicationWorkflowInput {
  applicationId: string;
  officerId: string;
  steps: PlannedStepInput[];
  policy: ClockPolicy;
  /** Continue as new once the history has this many events (Temporal also suggests it on its own). */
  historyLimit?: number;
  /** What a previous run of this application handed over when it continued as new. */
  carried?: ApplicationCarry;
}

/** Step progress as the application sees it. */
export type StepProgress = 'blocked' | 'running' | 'approved' | 'rejected' | 'cancelled' | 'failed';

/** The application's state, carried from one run to the next by continue-as-new. */
export interface ApplicationCarry {
  status: ApplicationStatus;
  progress: Array<[matterCode: string, progress: StepProgress]>;
  attempts: Array<[matterCode: string, attempt: number]>;
  sessions: SessionSnapshot[];
  /** Step results received but not yet handled. */
  pending: StepResult[];
  seq: number;
}

export interface StepWorkflowInput extends StepMatterTerms {
  applicationId: string;
  officerId: string;
  stepId: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  attempt: number;
  policy: ClockPolicy;
}

export interface StepResult {
  stepId: string;
  matterCode: string;
  attempt: number;
  /** `failed`: the step's workflow failed or was terminated without a decision. */
  outcome: Outcome | 'cancelled' | 'failed';
  reason: string | null;
}

export interface ActorArgs {
  actor: Actor;
}

export interface DecideArgs extends ActorArgs {
  outcome: Outcome;
  reason?: string;
  certificateNo?: string;
}

// Step updates (department staff, officer, supervisor, cashier).
/**
 * What a step's Update answers: the step as the change left it, and the reports of the change, for
 * the API to apply to the read model before it answers (db/read-model.ts). The workflow applies
 * them too, as activities, before its next change (workflows/common.ts, `onAnsweringUpdate`).
 */
export type StepAnswer = StepSnapshot & { reports: StepReport[] };

export const acceptUpdate = defineUpdate<StepAnswer, [ActorArgs]>('accept');
export const requestSupplementUpdate = defineUpdate<StepAnswer, [ActorArgs & { items: string[]; reason: string }]>(
  'requestSupplement',
);
export const supplementUpdate = defineUpdate<StepAnswer, [ActorArgs & { note: string }]>('supplement');
export const startSpecialProcedureUpdate = defineUpdate<
  StepAnswer,
  [ActorArgs & { procedure: SpecialProcedure; reason: string; approvedBy: string }]
>('startSpecialProcedure');
export const endSpecialProcedureUpdate = defineUpdate<StepAnswer, [ActorArgs & { note: string }]>(
  'endSpecialProcedure',
);
export const decideUpdate = defineUpdate<StepAnswer, [DecideArgs]>('decide');
/** `approvedBy`: the head who approved it, needed once the step passes its statutory limit. */
export const extendUpdate = defineUpdate<
  StepAnswer,
  [ActorArgs & { workdays: number; reason: string; approvedBy?: string }]
>('extend');
export const urgeUpdate = defineUpdate<StepAnswer, [ActorArgs & { message: string }]>('urge');
export const reassignUpdate = defineUpdate<StepAnswer, [ActorArgs & { assignee: { id: string; displayName: string } }]>(
  'reassign',
);
export const recordPaymentUpdate = defineUpdate<StepAnswer, [ActorArgs & { amountFen: number; receiptNo: string }]>(
  'recordPayment',
);
export const answerCaseUpdate = defineUpdate<StepAnswer, [ActorArgs & { caseId: string; answer: string }]>(
  'answerCase',
);
export const stepStateQuery = defineQuery<StepSnapshot>('stepState');

/** From a step to its application: the step has ended (sent to the workflow id, so it reaches the current run). */
export const stepFinishedSignal = defineSignal<[StepResult]>('stepFinished');
/** From the parent: the application was withdrawn. */
export const cancelStepSignal =
  defineSignal<[{ reason: string; actor: Pick<Actor, 'id' | 'displayName'> }]>('cancelStep');
/** From the calendar administration: recompute deadlines from the edited calendar. */
export const calendarChangedSignal = defineSignal<[{ note: string }]>('calendarChanged');

// Application updates (the officer).
export const withdrawUpdate = defineUpdate<ApplicationStatus, [ActorArgs & { reason: string }]>('withdraw');
export const resubmitUpdate = defineUpdate<ApplicationStatus, [ActorArgs & { matterCode: string; note: string }]>(
  'resubmit',
);
export const scheduleSessionUpdate = defineUpdate<
  SessionSnapshot,
  [
    ActorArgs & {
      sessionId: string;
      kind: SessionKind;
      topic: string;
      scheduledAt: string;
      location: string;
      invitedDepartments: string[];
    },
  ]
>('scheduleSession');
export const recordOpinionUpdate = defineUpdate<
  SessionSnapshot,
  [ActorArgs & { sessionId: string; opinion: OpinionValue; reason?: string }]
>('recordOpinion');
export const closeSessionUpdate = defineUpdate<SessionSnapshot, [ActorArgs & { sessionId: string; minutes: string }]>(
  'closeSession',
);
export const applicationStateQuery = defineQuery<{ status: ApplicationStatus; sessions: SessionSnapshot[] }>(
  'applicationState',
);
