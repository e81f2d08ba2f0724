// The assessment (量化考核) of departments and window staff, per month or quarter: the figures of a
// period, the published weights and the score they give, the ranking. Pure rules: the API reads the
// figures from the read model (db/repositories/assessment.ts), the UI and the exports show them.
import { SHANGHAI_OFFSET_MS } from './calendar';

export const ASSESSMENT_VIEWS = ['department', 'staff'] as const;
export type AssessmentView = (typeof ASSESSMENT_VIEWS)[number];

// ——— Periods ———

/** A month (`2026-11`) or a quarter (`2026-Q4`), as the query names it. */
export const PERIOD_PATTERN = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/;
export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface AssessmentPeriod {
  /** As given: `2026-11` or `2026-Q4`. */
  label: string;
  kind: 'month' | 'quarter';
  /** First instant of the period (Asia/Shanghai midnight). */
  from: Date;
  /** First instant after the period. */
  to: Date;
  /** The months it covers, `YYYY-MM`. */
  months: string[];
}

const monthLabel = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;
/** Asia/Shanghai midnight of the first day of a month (month 13 = January of the next year). */
const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month - 1, 1) - SHANGHAI_OFFSET_MS);

/** The period a label names, or null when it names none (`2026-13`, `2026-Q5`, `26-11`). */
export function parsePeriod(label: string): AssessmentPeriod | null {
  const m = PERIOD_PATTERN.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2999) return null;
  const first = m[2] ? Number(m[2]) : (Number(m[3]) - 1) * 3 + 1;
  const count = m[2] ? 1 : 3;
  return {
    label,
    kind: m[2] ? 'month' : 'quarter',
    from: monthStart(year, first),
    to: monthStart(year, first + count),
    months: Array.from({ length: count }, (_, i) => monthLabel(year, first + i)),
  };
}

/** The month (`YYYY-MM`, Asia/Shanghai) an instant falls in. */
export const monthOf = (at: Date): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 7);

/** The quarter (`YYYY-Qn`, Asia/Shanghai) an instant falls in. */
export function quarterOf(at: Date): string {
  const [year, month] = monthOf(at).split('-').map(Number) as [number, number];
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The `count` months ending with `last` (`YYYY-MM`), oldest first. */
export function monthsEndingWith(last: string, count: number): string[] {
  const [year, month] = last.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const index = year * 12 + (month - 1) - (count - 1 - i);
    return monthLabel(Math.floor(index / 12), (index % 12) + 1);
  });
}

/** True when the period has not begun at `now` (there is nothing to assess yet). */
export const periodInFuture = (p: AssessmentPeriod, now: Date): boolean => p.from.getTime() > now.getTime();

// ——— Weights ———

/**
 * The published weights (考核权重). The first three are points earned, shared out in proportion to
 * their weights over the parts a row has figures for (a department without ratings is scored on the
 * rest); the others are points taken off per item.
 */
export const EARNED_WEIGHTS = ['onTimeRate', 'speed', 'ratings'] as const;
export const DEDUCTED_WEIGHTS = [
  'overdue',
  'casesOpened',
  'casesAnsweredLate',
  'complaintsUpheld',
  'accountability',
] as const;
export const WEIGHT_FIELDS = [...EARNED_WEIGHTS, ...DEDUCTED_WEIGHTS] as const;
export type WeightField = (typeof WEIGHT_FIELDS)[number];
export type AssessmentWeights = Record<WeightField, number>;

/** The largest weight accepted (a typo of 5000 for 50 is refused rather than published). */
export const WEIGHT_MAX = 1000;

/** Used until the admin publishes weights of their own. */
export const DEFAULT_WEIGHTS: Readonly<AssessmentWeights> = Object.freeze({
  onTimeRate: 50,
  speed: 20,
  ratings: 30,
  overdue: 2,
  casesOpened: 1,
  casesAnsweredLate: 3,
  complaintsUpheld: 5,
  accountability: 10,
});

/** Why a set of weights cannot be published, by field; empty when it can. */
export function weightProblems(w: Record<string, unknown>): Array<{ field: WeightField; message: string }> {
  const problems: Array<{ field: WeightField; message: string }> = [];
  for (const f of WEIGHT_FIELDS) {
    const v = w[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ field: f, message: 'must be a number' });
    else if (v < 0) problems.push({ field: f, message: 'must not be negative' });
    else if (v > WEIGHT_MAX) problems.push({ field: f, message: `at most ${WEIGHT_MAX}` });
  }
  if (problems.length === 0 && EARNED_WEIGHTS.every((f) => w[f] === 0)) {
    problems.push({ field: 'onTimeRate', message: 'at least one of onTimeRate, speed and ratings must be above 0' });
  }
  return problems;
}

// ——— Figures and the score ———

/** What a period holds for one department or one staff member, before rates and the score. */
export interface AssessmentFigures {
  /** Decisions (approved, rejected, refused at the window) sealed in the period. */
  decided: number;
  onTime: number;
  overdue: number;
  /** Working days used, summed over the decisions that ran a clock (accepted ones), and their count. */
  workdaysUsedSum: number;
  workdaysUsedCount: number;
  /** The promised limits of those same decisions, summed. */
  promisedWorkdaysSum: number;
  /** Supervision cases opened in the period, and those of them not answered by their due time. */
  casesOpened: number;
  casesAnsweredLate: number;
  /** Efficiency complaints closed as upheld in the period. */
  complaintsUpheld: number;
  ratingsCount: number;
  ratingsSum: number;
  /** Accountability records (问责记录) made in the period. */
  accountability: number;
}

export const emptyFigures = (): AssessmentFigures => ({
  decided: 0,
  onTime: 0,
  overdue: 0,
  workdaysUsedSum: 0,
  workdaysUsedCount: 0,
  promisedWorkdaysSum: 0,
  casesOpened: 0,
  casesAnsweredLate: 0,
  complaintsUpheld: 0,
  ratingsCount: 0,
  ratingsSum: 0,
  accountability: 0,
});

/** Each earned part as a share in [0, 1], or null when the row has no figures for it. */
export function earnedShares(f: AssessmentFigures): Record<(typeof EARNED_WEIGHTS)[number], number | null> {
  return {
    onTimeRate: f.decided > 0 ? f.onTime / f.decided : null,
    // Faster than promised earns more: all of it for a decision on the day, none at or past the limit.
    speed:
      f.workdaysUsedCount > 0 && f.promisedWorkdaysSum > 0
        ? Math.min(1, Math.max(0, 1 - f.workdaysUsedSum / f.promisedWorkdaysSum))
        : null,
    ratings: f.ratingsCount > 0 ? (f.ratingsSum / f.ratingsCount - 1) / 4 : null,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The score out of 100: the earned parts a row has figures for, in proportion to their weights,
 * minus the deductions, never below 0. Null when the row decided nothing and was rated by nobody:
 * there is nothing to assess it on (未参评).
 */
export function scoreOf(f: AssessmentFigures, w: AssessmentWeights): number | null {
  const shares = earnedShares(f);
  const present = EARNED_WEIGHTS.filter((k) => shares[k] !== null);
  if (present.length === 0) return null;
  const total = present.reduce((sum, k) => sum + w[k], 0);
  const earned = total === 0 ? 100 : (100 * present.reduce((sum, k) => sum + w[k] * shares[k]!, 0)) / total;
  const deducted = DEDUCTED_WEIGHTS.reduce((sum, k) => sum + w[k] * f[k], 0);
  return round(Math.max(0, earned - deducted), 1);
}

/** One row of the assessment table, as the API answers it and the exports print it. */
export interface AssessmentRow {
  /** The department code, or the staff member's user id. */
  key: string;
  name: string;
  /** The department itself, or the staff member's department. */
  departmentCode: string | null;
  decided: number;
  onTime: number;
  onTimeRate: number | null;
  avgWorkdaysUsed: number | null;
  avgPromisedWorkdays: number | null;
  overdue: number;
  casesOpened: number;
  casesAnsweredLate: number;
  complaintsUpheld: number;
  ratingsCount: number;
  ratingsAvg: number | null;
  accountability: number;
  score: number | null;
  /** 1 for the best score (equal scores share a rank); null when not scored. */
  rank: number | null;
}

export interface AssessmentSubject {
  key: string;
  name: string;
  departmentCode: string | null;
  figures: AssessmentFigures;
}

export function assessmentRow(s: AssessmentSubject, w: AssessmentWeights): AssessmentRow {
  const f = s.figures;
  return {
    key: s.key,
    name: s.name,
    departmentCode: s.departmentCode,
    decided: f.decided,
    onTime: f.onTime,
    onTimeRate: f.decided > 0 ? round(f.onTime / f.decided, 3) : null,
    avgWorkdaysUsed: f.workdaysUsedCount > 0 ? round(f.workdaysUsedSum / f.workdaysUsedCount, 1) : null,
    avgPromisedWorkdays: f.workdaysUsedCount > 0 ? round(f.promisedWorkdaysSum / f.workdaysUsedCount, 1) : null,
    overdue: f.overdue,
    casesOpened: f.casesOpened,
    casesAnsweredLate: f.casesAnsweredLate,
    complaintsUpheld: f.complaintsUpheld,
    ratingsCount: f.ratingsCount,
    ratingsAvg: f.ratingsCount > 0 ? round(f.ratingsSum / f.ratingsCount, 2) : null,
    accountability: f.accountability,
    score: scoreOf(f, w),
    rank: null,
  };
}

/** The rows scored and ranked: best score first, equal scores sharing a rank, rows without a score last. */
export function rankedRows(subjects: readonly AssessmentSubject[], w: AssessmentWeights): AssessmentRow[] {
  const rows = subjects.map((s) => assessmentRow(s, w));
  rows.sort((a, b) => {
    if (a.score !== b.score) {
      if (a.score === null) return 1;
      if (b.score === null) return -1;
      return b.score - a.score;
    }
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  let previous: AssessmentRow | undefined;
  rows.forEach((r, i) => {
    if (r.score === null) return;
    r.rank = previous && previous.score === r.score ? previous.rank : i + 1;
    previous = r;
  });
  return rows;
}

/** The weights in force as the API answers them. */
export interface AssessmentWeightsView {
  /** 0 while the built-in defaults are in force. */
  version: number;
  weights: AssessmentWeights;
  changedBy: { id: string; displayName: string } | null;
  changedAt: string | null;
  rule: { zh: string; en: string };
}

// ——— The public ranking (公示) ———

/** A department's row as the public reads it: figures and score, never a person, a case or a complaint. */
export interface PublicRankingRow {
  rank: number | null;
  departmentCode: string;
  departmentName: string;
  decided: number;
  onTime: number;
  onTimeRate: number | null;
  avgWorkdaysUsed: number | null;
  avgPromisedWorkdays: number | null;
  overdue: number;
  casesOpened: number;
  casesAnsweredLate: number;
  complaintsUpheld: number;
  ratingsCount: number;
  ratingsAvg: number | null;
  accountability: number;
  score: number | null;
}

/** What of a department's row is published (the department view only: a staff row is never public). */
export const publicRankingRow = (r: AssessmentRow): PublicRankingRow => ({
  rank: r.rank,
  departmentCode: r.key,
  departmentName: r.name,
  decided: r.decided,
  onTime: r.onTime,
  onTimeRate: r.onTimeRate,
  avgWorkdaysUsed: r.avgWorkdaysUsed,
  avgPromisedWorkdays: r.avgPromisedWorkdays,
  overdue: r.overdue,
  casesOpened: r.casesOpened,
  casesAnsweredLate: r.casesAnsweredLate,
  complaintsUpheld: r.complaintsUpheld,
  ratingsCount: r.ratingsCount,
  ratingsAvg: r.ratingsAvg,
  accountability: r.accountability,
  score: r.score,
});

export interface PublicRanking {
  period: string;
  /** False while the month is still running: its figures can still change. */
  final: boolean;
  weights: Omit<AssessmentWeightsView, 'changedBy'>;
  rows: PublicRankingRow[];
}

// ——— Supervision cases ———

/**
 * A case counts as answered late when it was not answered by its due time: it went up a level,
 * was answered after it, or is still open past it (a case closed by the step's decision before
 * its due time is not late).
 */
export function caseAnsweredLate(
  c: { dueAt: Date; closedAt: Date | null; outcome: string | null },
  now: Date,
): boolean {
  if (c.outcome === 'escalated') return true;
  return (c.closedAt ?? now).getTime() > c.dueAt.getTime();
}

// ——— Columns of the exports ———

/** The table's columns in the order the exports print them, with their headings. */
export const ASSESSMENT_COLUMNS: ReadonlyArray<{
  field: Exclude<keyof AssessmentRow, 'key' | 'departmentCode'>;
  zh: string;
  en: string;
  /** A rate shown as a percentage. */
  percent?: boolean;
}> = [
  { field: 'rank', zh: '名次', en: 'Rank' },
  { field: 'name', zh: '名称', en: 'Name' },
  { field: 'decided', zh: '办结', en: 'Decided' },
  { field: 'onTime', zh: '按时办结', en: 'On time' },
  { field: 'onTimeRate', zh: '按时办结率', en: 'On-time rate', percent: true },
  { field: 'avgWorkdaysUsed', zh: '平均用时（工作日）', en: 'Avg working days used' },
  { field: 'avgPromisedWorkdays', zh: '平均承诺时限（工作日）', en: 'Avg promised working days' },
  { field: 'overdue', zh: '超期', en: 'Overdue' },
  { field: 'casesOpened', zh: '督办件', en: 'Supervision cases' },
  { field: 'casesAnsweredLate', zh: '逾期答复', en: 'Answered late' },
  { field: 'complaintsUpheld', zh: '投诉属实', en: 'Complaints upheld' },
  { field: 'ratingsCount', zh: '评价数', en: 'Ratings' },
  { field: 'ratingsAvg', zh: '平均评分', en: 'Average rating' },
  { field: 'accountability', zh: '问责', en: 'Accountability' },
  { field: 'score', zh: '得分', en: 'Score' },
];

export const WEIGHT_LABELS: Record<WeightField, { zh: string; en: string }> = {
  onTimeRate: { zh: '按时办结率（得分）', en: 'On-time rate (points)' },
  speed: { zh: '提速（得分）', en: 'Speed against the promised limit (points)' },
  ratings: { zh: '群众评价（得分）', en: 'Ratings (points)' },
  overdue: { zh: '每件超期（扣分）', en: 'Per overdue decision (deducted)' },
  casesOpened: { zh: '每件督办件（扣分）', en: 'Per supervision case (deducted)' },
  casesAnsweredLate: { zh: '每件逾期答复（扣分）', en: 'Per case answered late (deducted)' },
  complaintsUpheld: { zh: '每件投诉属实（扣分）', en: 'Per complaint upheld (deducted)' },
  accountability: { zh: '每条问责记录（扣分）', en: 'Per accountability record (deducted)' },
};

/** The scoring rule in words, printed beside the weights. */
export const SCORE_RULE = {
  zh: '得分（满分100）= 各得分项按权重折算（无数据的项不计入）− 各扣分项 × 件数，最低为0；当期无办结且无评价的不参评。',
  en: 'Score (out of 100) = the earned parts in proportion to their weights (parts without figures left out) − each deduction × its count, at least 0; a row with no decision and no rating is not scored.',
} as const;
