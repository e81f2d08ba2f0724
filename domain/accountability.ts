// Accountability records (问责记录): after a supervision case is closed, the supervision office
// records who answers for it (a staff member and/or a department), what went wrong and the
// decision taken. They are kept unchanged and counted in the assessment.

/** The measures of the usual accountability ladder, mildest first. */
export const ACCOUNTABILITY_MEASURES = [
  'criticism_education', // 批评教育
  'written_self_review', // 责令书面检查
  'admonishing_talk', // 诫勉谈话
  'circulated_criticism', // 通报批评
  'score_deduction', // 扣减绩效考核分
  'referred_to_discipline', // 移送纪检监察机关
] as const;
export type AccountabilityMeasure = (typeof ACCOUNTABILITY_MEASURES)[number];

export const MEASURE_LABELS: Record<AccountabilityMeasure, { zh: string; en: string }> = {
  criticism_education: { zh: '批评教育', en: 'Criticism and education' },
  written_self_review: { zh: '责令书面检查', en: 'Written self-review ordered' },
  admonishing_talk: { zh: '诫勉谈话', en: 'Admonishing talk' },
  circulated_criticism: { zh: '通报批评', en: 'Circulated criticism' },
  score_deduction: { zh: '扣减绩效考核分', en: 'Performance score deducted' },
  referred_to_discipline: { zh: '移送纪检监察机关', en: 'Referred to the discipline inspection body' },
};

/** Why a record cannot be made on a case, or null when it can: only a closed case is judged. */
export function accountabilityRefusal(c: { status: 'open' | 'closed' }): { code: 'case_open'; message: string } | null {
  return c.status === 'open'
    ? { code: 'case_open', message: 'accountability is recorded once the supervision case is closed' }
    : null;
}

/** A record as the API answers it. */
export interface AccountabilityView {
  id: number;
  caseId: string;
  caseLevel: number;
  stepId: string | null;
  applicationId: string | null;
  complaintId: string | null;
  matterName: string | null;
  departmentCode: string;
  person: { id: string; displayName: string } | null;
  what: string;
  measure: AccountabilityMeasure;
  decision: string;
  recordedBy: { id: string; displayName: string };
  recordedAt: string;
}
