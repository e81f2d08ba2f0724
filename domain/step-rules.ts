// The rules of a department step in one place: which statuses are open, who may do what in
// which state, the fee rule, extension eligibility and its legal cap. Pure (no Temporal, no I/O): the workflow's
// validators refuse with these, the API lists `allowedActions` from them, the UI shows exactly those.
import type { Role, StepStatus } from './model';

/** Statuses in which a step is still being handled (its workflow runs and its clock may run). */
export const OPEN_STEP_STATUSES = ['submitted', 'in_review', 'awaiting_supplement'] as const satisfies StepStatus[];
export type OpenStepStatus = (typeof OPEN_STEP_STATUSES)[number];

export const isOpenStep = (status: StepStatus): status is OpenStepStatus =>
  (OPEN_STEP_STATUSES as readonly StepStatus[]).includes(status);

/** Statuses after which nothing more happens to this attempt of the step. */
export const CLOSED_STEP_STATUSES = ['approved', 'rejected', 'cancelled', 'failed'] as const satisfies StepStatus[];

export const STEP_ACTIONS = [
  'accept',
  'request_supplement',
  'supplement',
  'start_special_procedure',
  'end_special_procedure',
  'approve',
  'reject',
  'extend',
  'urge',
  'reassign',
  'record_payment',
] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** What the rules need to know of a step (from the workflow's state or the read model's row). */
export interface StepFacts {
  status: StepStatus;
  departmentCode: string;
  acceptedAt: string | null;
  pauseKind: 'supplement' | 'special' | null;
  extensionDays: number;
  overdue: boolean;
  deadline: string | null;
  lastUrgedAt: string | null;
  feeAmountFen: number | null;
  feePaidAt: string | null;
  /** The promised limit of the step's catalog version (承诺时限). */
  promisedLimitDays: number;
  /** The statutory limit of the step's catalog version (法定时限); null when unknown (no legal cap applies). */
  statutoryLimitDays: number | null;
}

/** Who asks. `ownsApplication`: the officer who launched it (or any officer where the center shares them). */
export interface StepViewer {
  role: Role;
  departmentCode: string | null;
  ownsApplication: boolean;
}

export type RefusalKind = 'Forbidden' | 'Conflict' | 'InvalidInput' | 'RateLimited';

/** A refusal with a stable code and its parameters; the web UI words it in the reader's language. */
export interface Refusal {
  kind: RefusalKind;
  code: string;
  params: Record<string, string | number>;
  /** English, for logs and API clients. */
  message: string;
}

const refuse = (
  kind: RefusalKind,
  code: string,
  message: string,
  params: Record<string, string | number> = {},
): Refusal => ({ kind, code, params, message });

/**
 * What the head of the body may add beyond the statutory limit, once (行政许可法 第42条: 经本行政机关
 * 负责人批准，可以延长十日). An extension never takes a step past its statutory limit plus these days.
 */
export const LEGAL_EXTENSION_WORKDAYS = 10;

/** A syntactic bound on any request's working days (the legal cap per step is far lower). */
export const MAX_REQUEST_WORKDAYS = 400;

/**
 * The working days an extension may still add to this step: up to its statutory limit plus
 * LEGAL_EXTENSION_WORKDAYS, counting what the promised limit and any earlier extension use.
 * Null when the statutory limit is unknown (a step recorded before catalog versions).
 */
export function extensionDaysAllowed(
  step: Pick<StepFacts, 'promisedLimitDays' | 'statutoryLimitDays' | 'extensionDays'>,
): number | null {
  if (step.statutoryLimitDays === null) return null;
  return Math.max(0, step.statutoryLimitDays + LEGAL_EXTENSION_WORKDAYS - step.promisedLimitDays - step.extensionDays);
}

/** True when an extension of `workdays` takes the step past its statutory limit: the head's approval is needed. */
export const extensionNeedsHead = (
  step: Pick<StepFacts, 'promisedLimitDays' | 'statutoryLimitDays' | 'extensionDays'>,
  workdays: number,
): boolean =>
  step.statutoryLimitDays !== null && step.promisedLimitDays + step.extensionDays + workdays > step.statutoryLimitDays;

/** The parameters of a refusal naming the legal cap. */
const capParams = (step: Pick<StepFacts, 'promisedLimitDays' | 'statutoryLimitDays' | 'extensionDays'>) => ({
  maxWorkdays: extensionDaysAllowed(step) ?? 0,
  statutoryLimitDays: step.statutoryLimitDays ?? 0,
  promisedLimitDays: step.promisedLimitDays,
  legalExtensionDays: LEGAL_EXTENSION_WORKDAYS,
});

/** A fee-bearing step is not approved (its certificate not issued) until its fee is paid. */
export const awaitsPayment = (step: Pick<StepFacts, 'feeAmountFen' | 'feePaidAt'>): boolean =>
  (step.feeAmountFen ?? 0) > 0 && !step.feePaidAt;

/** The next moment a step may be urged, or null when it may be urged now. */
export function nextUrgeAllowedAt(lastUrgedAt: string | null, urgeIntervalMs: number, now: number): string | null {
  if (!lastUrgedAt) return null;
  const next = Date.parse(lastUrgedAt) + urgeIntervalMs;
  return now < next ? new Date(next).toISOString() : null;
}

/** An extension: once per step, by the supervision office, after acceptance and before the deadline. */
function extensionRefusal(step: StepFacts, now: number): Refusal | null {
  if (step.acceptedAt === null || !isOpenStep(step.status)) {
    return refuse('Conflict', 'step_not_in_review', `cannot extend: the step is ${step.status}`, {
      status: step.status,
    });
  }
  if (step.extensionDays > 0) return refuse('Conflict', 'already_extended', 'this step has been extended once already');
  if (extensionDaysAllowed(step) === 0) {
    return refuse(
      'Conflict',
      'extension_cap_reached',
      `the step's limit has reached its statutory limit plus ${LEGAL_EXTENSION_WORKDAYS} working days: no extension is allowed`,
      capParams(step),
    );
  }
  if (step.overdue || (step.deadline !== null && now > Date.parse(step.deadline))) {
    return refuse('Conflict', 'deadline_passed', 'the deadline has passed: an extension must be granted before it');
  }
  return null;
}

const roleRefusal = (viewer: StepViewer, role: Role, what: string): Refusal | null =>
  viewer.role === role ? null : refuse('Forbidden', 'role_required', `${what} is for the ${role}`, { role });

/** Only staff of the step's department act on it (accept, decide, answer its supervision cases). */
export function staffRefusal(viewer: StepViewer, step: Pick<StepFacts, 'departmentCode'>): Refusal | null {
  if (viewer.role === 'staff' && viewer.departmentCode === step.departmentCode) return null;
  return refuse(
    'Forbidden',
    'not_department_staff',
    `only staff of department ${step.departmentCode} may act on this step`,
    { departmentCode: step.departmentCode },
  );
}

/**
 * Why `viewer` may not take `action` on the step now, or null when they may. Role, department and
 * state only: the content of a request (reasons, items, amounts) is checked by `inputRefusal`.
 */
export function actionRefusal(
  action: StepAction,
  viewer: StepViewer,
  step: StepFacts,
  now: number,
  urgeIntervalMs: number,
): Refusal | null {
  const { status } = step;
  if (status === 'blocked') {
    return refuse('Conflict', 'step_blocked', 'the step is blocked: its prerequisite matters are not yet approved');
  }
  const notOpen = () => refuse('Conflict', 'step_not_open', `the step is ${status}`, { status });
  switch (action) {
    case 'accept':
      return (
        staffRefusal(viewer, step) ??
        (status === 'submitted'
          ? null
          : refuse('Conflict', 'step_not_submitted', `cannot accept: the step is ${status}`, { status }))
      );
    case 'request_supplement':
      return (
        staffRefusal(viewer, step) ??
        (status !== 'submitted' && status !== 'in_review'
          ? refuse('Conflict', 'step_not_open', `cannot ask for a correction: the step is ${status}`, { status })
          : step.pauseKind
            ? refuse(
                'Conflict',
                'correction_during_special_procedure',
                'cannot ask for a correction during a special procedure; end it first',
              )
            : null)
      );
    case 'supplement':
      if (viewer.role !== 'officer') return roleRefusal(viewer, 'officer', 'supplying corrections');
      if (!viewer.ownsApplication)
        return refuse('Forbidden', 'not_owner', 'only the officer who launched this application may act on it');
      return status === 'awaiting_supplement'
        ? null
        : refuse('Conflict', 'no_correction_awaited', `no correction is awaited: the step is ${status}`, { status });
    case 'start_special_procedure':
      return (
        staffRefusal(viewer, step) ??
        (status !== 'in_review'
          ? refuse('Conflict', 'step_not_in_review', `a special procedure needs a step in review; it is ${status}`, {
              status,
            })
          : step.pauseKind
            ? refuse('Conflict', 'special_procedure_running', 'a special procedure is already running')
            : null)
      );
    case 'end_special_procedure':
      return (
        staffRefusal(viewer, step) ??
        (step.pauseKind === 'special' && isOpenStep(status)
          ? null
          : refuse('Conflict', 'no_special_procedure', 'no special procedure is running'))
      );
    case 'approve':
      if (staffRefusal(viewer, step)) return staffRefusal(viewer, step);
      if (status !== 'in_review')
        return refuse('Conflict', 'step_not_in_review', `cannot approve: the step is ${status}`, { status });
      if (awaitsPayment(step)) {
        return refuse(
          'Conflict',
          'fee_unpaid',
          `the fee of ¥${((step.feeAmountFen ?? 0) / 100).toFixed(2)} is unpaid: the certificate cannot be issued`,
          { amountFen: step.feeAmountFen ?? 0 },
        );
      }
      return null;
    case 'reject':
      return (
        staffRefusal(viewer, step) ??
        (status === 'in_review' || status === 'submitted'
          ? null
          : refuse('Conflict', 'step_not_open', `cannot reject: the step is ${status}`, { status }))
      );
    case 'extend':
      return roleRefusal(viewer, 'supervisor', 'granting an extension') ?? extensionRefusal(step, now);
    case 'urge': {
      const role = roleRefusal(viewer, 'supervisor', 'urging');
      if (role) return role;
      if (!isOpenStep(status)) return notOpen();
      const next = nextUrgeAllowedAt(step.lastUrgedAt, urgeIntervalMs, now);
      return next
        ? refuse(
            'RateLimited',
            'urge_too_soon',
            `this step was urged recently; the next urge is allowed from ${next}`,
            {
              nextAllowedAt: next,
            },
          )
        : null;
    }
    case 'reassign':
      return staffRefusal(viewer, step) ?? (isOpenStep(status) ? null : notOpen());
    case 'record_payment':
      if (viewer.role !== 'cashier') return roleRefusal(viewer, 'cashier', 'recording payments');
      if (!step.feeAmountFen) return refuse('Conflict', 'no_fee', 'this matter has no fee in the catalog');
      if (step.feePaidAt) return refuse('Conflict', 'fee_paid_already', 'the fee has been paid already');
      return status === 'cancelled' || status === 'rejected' || status === 'failed'
        ? refuse('Conflict', 'step_not_open', `cannot take a fee: the step is ${status}`, { status })
        : null;
  }
}

/** The actions `viewer` may take on the step now, in a stable order. */
export function allowedStepActions(
  viewer: StepViewer,
  step: StepFacts,
  now: number,
  urgeIntervalMs: number,
): StepAction[] {
  return STEP_ACTIONS.filter((a) => actionRefusal(a, viewer, step, now, urgeIntervalMs) === null);
}

/** Inputs the workflow checks beyond role and state. */
export type StepActionInput =
  | { action: 'request_supplement'; items: string[]; reason: string }
  | { action: 'start_special_procedure'; reason: string; approvedBy: string }
  | { action: 'reject'; reason?: string }
  | {
      action: 'extend';
      workdays: number;
      reason: string;
      /** The head who approved it; needed once the extension passes the statutory limit. */
      approvedBy?: string;
      step: Pick<StepFacts, 'promisedLimitDays' | 'statutoryLimitDays' | 'extensionDays'>;
    }
  | { action: 'record_payment'; amountFen: number; receiptNo: string; feeAmountFen: number | null };

/** Why the content of a request is not acceptable, or null. */
export function inputRefusal(input: StepActionInput): Refusal | null {
  const blank = (s: string | undefined) => !s?.trim();
  switch (input.action) {
    case 'request_supplement':
      if (input.items.length === 0 || input.items.some(blank))
        return refuse('InvalidInput', 'items_required', 'list every missing item (一次性告知)');
      return blank(input.reason)
        ? refuse('InvalidInput', 'reason_required', 'a correction request needs its reason')
        : null;
    case 'start_special_procedure':
      if (blank(input.reason)) return refuse('InvalidInput', 'reason_required', 'a special procedure needs its reason');
      return blank(input.approvedBy)
        ? refuse('InvalidInput', 'approver_required', 'a special procedure needs the name of who approved it')
        : null;
    case 'reject':
      return blank(input.reason) ? refuse('InvalidInput', 'reason_required', 'a rejection needs its reasons') : null;
    case 'extend':
      if (!Number.isInteger(input.workdays) || input.workdays < 1)
        return refuse('InvalidInput', 'extension_days_invalid', 'an extension is a whole number of working days');
      if (blank(input.reason)) return refuse('InvalidInput', 'reason_required', 'an extension needs its reason');
      {
        const allowed = extensionDaysAllowed(input.step);
        if (allowed !== null && input.workdays > allowed) {
          return refuse(
            'InvalidInput',
            'extension_exceeds_legal_cap',
            `at most ${allowed} more working days: a step may not pass its statutory limit of ` +
              `${input.step.statutoryLimitDays} working days plus the ${LEGAL_EXTENSION_WORKDAYS} the head may approve`,
            capParams(input.step),
          );
        }
      }
      return extensionNeedsHead(input.step, input.workdays) && blank(input.approvedBy)
        ? refuse(
            'InvalidInput',
            'head_approval_required',
            `beyond the statutory limit of ${input.step.statutoryLimitDays} working days an extension needs the head's approval: name the approver`,
            capParams(input.step),
          )
        : null;
    case 'record_payment':
      if (input.amountFen !== input.feeAmountFen) {
        return refuse(
          'InvalidInput',
          'amount_not_catalog_fee',
          `the amount must be the catalog fee of ${input.feeAmountFen} fen (no fee outside the standard)`,
          { amountFen: input.feeAmountFen ?? 0 },
        );
      }
      return blank(input.receiptNo)
        ? refuse('InvalidInput', 'receipt_required', 'a payment needs its receipt number')
        : null;
  }
}
