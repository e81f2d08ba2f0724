// Special procedures (特别程序: 听证、检验、检测、鉴定、专家评审). The Administrative Licensing Law
// (行政许可法 第45条) leaves the time they need out of the decision's limit and has the body tell
// the applicant in writing how long that is. Each procedure here has its own limit in working days:
// the written notice (特别程序告知书) states it, the step's clock stands still for at most that
// long, and at the limit the procedure ends by itself and the clock runs again. Pure.
import { SPECIAL_PROCEDURES, type SpecialProcedure } from './projection';

export { SPECIAL_PROCEDURES, type SpecialProcedure };

/**
 * Working days each procedure may take, as the notice tells the applicant. 听证: the hearing is held
 * within 20 days of the applicant's request (行政许可法 第48条); the others are typical published
 * local limits (a county's own may be shorter: verify against the local rules).
 */
export const SPECIAL_PROCEDURE_LIMIT_DAYS: Readonly<Record<SpecialProcedure, number>> = Object.freeze({
  hearing: 20,
  inspection: 10,
  testing: 15,
  appraisal: 30,
  expert_review: 15,
});

/** The Chinese name printed on the notice and in messages. */
export const SPECIAL_PROCEDURE_NAMES: Readonly<Record<SpecialProcedure, string>> = Object.freeze({
  hearing: '听证',
  inspection: '检验',
  testing: '检测',
  appraisal: '鉴定',
  expert_review: '专家评审',
});

export const isSpecialProcedure = (v: unknown): v is SpecialProcedure =>
  typeof v === 'string' && (SPECIAL_PROCEDURES as readonly string[]).includes(v);

/** A procedure's limit under the application's policy (fixed at launch), else the table's. */
export const specialProcedureLimit = (
  procedure: SpecialProcedure,
  limits?: Partial<Record<SpecialProcedure, number>>,
): number => limits?.[procedure] ?? SPECIAL_PROCEDURE_LIMIT_DAYS[procedure];

/**
 * Working days a procedure kept the clock still: the days it ran, never more than its limit (only
 * the time told to the applicant is left out of the decision's limit; beyond it the clock counts).
 */
export const pausedBySpecialProcedure = (workdaysRun: number, limitDays: number): number =>
  Math.max(0, Math.min(workdaysRun, limitDays));
