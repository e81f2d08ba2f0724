// Request schemas. Objects are strict: an unknown field is an error, not silently dropped.
import { z } from 'zod';
import { creditCodeProblem, creditCodeProblemKind } from '../domain/credit-code';
import { CODE_PATTERN, normalizePhone, PHONE_PATTERN, PROJECT_CODE_PATTERN } from '../domain/identifiers';
import { CASE_TYPES, ROLES } from '../domain/model';
import { MAX_REQUEST_WORKDAYS } from '../domain/step-rules';
import { SPECIAL_PROCEDURES } from '../domain/special-procedures';
import { PASSWORD_MAX_LENGTH, PASSWORD_RULE_MESSAGES, passwordProblems } from '../domain/password-policy';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
export const code = z
  .string()
  .regex(CODE_PATTERN, 'must be 2-40 upper-case letters, digits or dashes, starting with a letter');

/** The password policy (domain/password-policy.ts) as zod issues on `path`: code custom, params.problem = the rule. */
export function passwordIssues(
  ctx: z.RefinementCtx,
  password: string,
  path: string[],
  username?: string,
  sameAsCurrent = false,
): void {
  for (const p of passwordProblems(password, { username, sameAsCurrent })) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: PASSWORD_RULE_MESSAGES[p.rule],
      params: { problem: p.rule, ...p.params },
    });
  }
}

export const LoginBody = z.strictObject({ username: text(64), password: z.string().min(1).max(200) });

export const CreateUserBody = z
  .strictObject({
    username: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{2,31}$/, 'must be 3-32 lower-case letters, digits, dots, dashes or underscores'),
    password: z.string().max(PASSWORD_MAX_LENGTH),
    displayName: text(64),
    role: z.enum(ROLES),
    departmentCode: code.optional(),
  })
  .refine((u) => (u.role === 'staff') === (u.departmentCode !== undefined), {
    path: ['departmentCode'],
    message: 'staff need a department; other roles have none',
  })
  .superRefine((u, ctx) => passwordIssues(ctx, u.password, ['password'], u.username));

export const DepartmentBody = z.strictObject({ code, name: text(100) });

/** A field GET /api/matters/:code may answer but a client cannot set: accepted and ignored on PUT. */
const readOnly = z
  .unknown()
  .optional()
  .describe('read-only: accepted (so a GET answer can be written back) and ignored');

/**
 * A matter of the catalog, as PUT /api/matters/:code takes it: the fields GET returns. `code` may be
 * sent (it must equal the path's) and read-only fields are ignored, so a client can read, edit and
 * write back.
 */
export const MatterBody = z
  .strictObject({
    code: code.optional(),
    version: readOnly,
    effectiveFrom: readOnly,
    updatedAt: readOnly,
    createdBy: readOnly,
    name: text(200),
    departmentCode: code,
    caseType: z.enum(CASE_TYPES),
    legalBasis: text(2000),
    conditions: text(4000),
    procedure: text(4000),
    materials: z.array(text(200)).max(100),
    statutoryLimitDays: z.number().int().min(0).max(365),
    promisedLimitDays: z.number().int().min(0).max(365),
    fee: z.strictObject({ amountFen: z.number().int().min(0).max(100_000_000), basis: text(500) }).nullable(),
    prerequisites: z.array(code).max(50),
    stage: z.number().int().min(1).max(4),
    /** 超时默许: the matter is a co-review opinion, deemed given (approved) when not answered by its deadline. */
    deemedConsent: z.boolean().default(false),
  })
  .refine((m) => m.promisedLimitDays <= m.statutoryLimitDays, {
    path: ['promisedLimitDays'],
    message: 'the promised limit may not exceed the statutory limit',
  })
  .refine((m) => !m.deemedConsent || !m.fee?.amountFen, {
    path: ['deemedConsent'],
    message: 'deemed consent applies to opinions, which carry no fee: a fee-bearing matter cannot be deemed approved',
  });

export const CreditCode = z
  .string()
  .transform((v) => v.replace(/[\s\u3000]/g, '').toUpperCase())
  .superRefine((v, ctx) => {
    const problem = creditCodeProblemKind(v);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid unified social credit code: ${creditCodeProblem(v)}`,
        params: { problem },
      });
    }
  });

/**
 * A phone number as people type it ("138 0000 0000", "0470-123 4567"): spaces and dashes are
 * dropped (domain/identifiers.ts `normalizePhone`) before the pattern is checked; the normalized
 * number is what the API stores.
 */
export const Phone = z
  .string()
  .max(40, 'at most 40 characters')
  .transform(normalizePhone)
  .pipe(z.string().regex(PHONE_PATTERN, 'must be a mobile number or a landline with area code'));

export const CreateApplicationBody = z.strictObject({
  project: z.strictObject({
    name: text(200),
    code: z.string().regex(PROJECT_CODE_PATTERN, 'must read YYMM-AAAAAA-BB-CC-DDDDDD').optional(),
    investmentWanYuan: z.number().positive().max(100_000_000),
    location: text(200),
    industry: text(100),
  }),
  investor: z.strictObject({
    name: text(200),
    creditCode: CreditCode,
    contactName: text(64),
    phone: Phone,
  }),
  matters: z
    .array(code)
    .min(1, 'choose at least one matter')
    .max(50)
    .refine((a) => new Set(a).size === a.length, 'each matter once'),
});
export const PlanBody = z.strictObject({ matters: CreateApplicationBody.shape.matters });

export type CreateApplicationInput = z.infer<typeof CreateApplicationBody>;

export const EmptyBody = z.strictObject({});

export const DecisionBody = z
  .strictObject({
    outcome: z.enum(['approved', 'rejected']),
    reason: text(2000).optional(),
    certificateNo: text(100).optional(),
  })
  .refine((d) => d.outcome !== 'rejected' || d.reason !== undefined, {
    path: ['reason'],
    message: 'a rejection needs its reasons (不予许可须说明理由)',
  });

export const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'malformed id') });
export const CodeParams = z.object({ code });

export const Pagination = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

export const ApplicationListQuery = z.strictObject({
  status: z.enum(['in_progress', 'needs_attention', 'completed', 'withdrawn']).optional(),
  q: z.string().trim().max(100).optional(),
  ...Pagination,
});

export const InboxQuery = z.strictObject({ ...Pagination });

/** The supervisor's project board: open projects by risk, optionally one light only. */
export const ProjectBoardQuery = z.strictObject({
  light: z.enum(['red', 'yellow', 'green']).optional(),
  ...Pagination,
});

export const SupplementRequestBody = z.strictObject({
  items: z.array(text(500)).min(1, 'list every missing item at once (一次性告知)').max(100),
  reason: text(2000),
});
export const SupplementBody = z.strictObject({ note: text(2000) });
export const SpecialProcedureBody = z.strictObject({
  procedure: z.enum(SPECIAL_PROCEDURES),
  reason: text(2000),
  /** Who approved the procedure (e.g. the department's head); printed on the notice to the applicant. */
  approvedBy: text(64),
});
export const EndSpecialProcedureBody = z.strictObject({ note: text(2000) });
export const ExtensionBody = z.strictObject({
  /** The step's legal cap (statutory limit + 10 working days) is checked against the step itself. */
  workdays: z.number().int().min(1).max(MAX_REQUEST_WORKDAYS),
  reason: text(2000),
  /** The head who approved it (行政许可法 第42条); required once the extension passes the statutory limit. */
  approvedBy: text(64).optional(),
});
export const UrgeBody = z.strictObject({ message: text(500) });
export const ReassignBody = z.strictObject({ assigneeId: z.string().min(1).max(100) });
export const PaymentBody = z.strictObject({
  amountFen: z.number().int().min(1).max(100_000_000),
  receiptNo: text(100),
});
export const WithdrawBody = z.strictObject({ reason: text(2000) });
export const ResubmitBody = z.strictObject({ matterCode: code, note: text(2000) });
export const SessionBody = z.strictObject({
  kind: z.enum(['site_inspection', 'review_meeting']),
  topic: text(200),
  scheduledAt: z.iso.datetime({ offset: true }),
  location: text(200),
  invitedDepartments: z
    .array(code)
    .min(1, 'invite at least one department')
    .max(30)
    .refine((a) => new Set(a).size === a.length, 'each department once'),
});
export const OpinionBody = z
  .strictObject({ opinion: z.enum(['agree', 'disagree', 'agree_forward']), reason: text(2000).optional() })
  .refine((o) => o.opinion !== 'disagree' || o.reason !== undefined, {
    path: ['reason'],
    message: 'a disagreement needs its reasons',
  });
export const CloseSessionBody = z.strictObject({ minutes: text(10_000) });
export const AnswerCaseBody = z.strictObject({ answer: text(2000) });
export const CaseIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,120}$/, 'malformed id') });
export const CaseListQuery = z.strictObject({ status: z.enum(['open', 'closed']).optional(), ...Pagination });
export const CalendarDayBody = z.strictObject({
  date: z.iso.date(),
  workday: z.boolean(),
  note: text(200),
});
export const DateParams = z.object({ date: z.iso.date() });
export const CalendarQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const MonthlyStatsQuery = z.strictObject({ months: z.coerce.number().int().min(1).max(24).default(6) });
export const StatsQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });
export const SessionIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'malformed id') });

// Accounts: a user's own password, sessions, the admin's account actions and the audit log filters.
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH),
  newPassword: z.string().max(PASSWORD_MAX_LENGTH),
});
export const AuthSessionIdParams = z.object({ id: z.string().uuid('must be a session id') });
export const PageQuery = z.strictObject({ ...Pagination });

const auditTime = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be a date (YYYY-MM-DD) or an ISO date-time',
  });
export const AuditQuery = z
  .strictObject({
    ...Pagination,
    actor: z.string().trim().min(1).max(64).optional(),
    action: z.string().trim().min(1).max(64).optional(),
    target: z.string().trim().min(1).max(200).optional(),
    from: auditTime.optional(),
    to: auditTime.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['to'],
    message: 'must not be before from',
  });
