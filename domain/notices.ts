// Notices (站内通知) as stable codes with parameters. Workflows and activities choose the code
// and fill the parameters; the reader's UI words them in the reader's language (web locales).
export const NOTICE_CODES = [
  'new_step',
  'step_turning_yellow',
  'step_deemed_accepted',
  'step_overdue',
  'case_opened',
  'case_escalated',
  'supplement_requested',
  'supplement_received',
  'special_procedure_started',
  'special_procedure_limit_reached',
  'step_deemed_consent',
  'step_extended',
  'step_urged',
  'case_answered',
  'step_approved',
  'step_rejected',
  'step_cancelled',
  'application_needs_attention',
  'application_completed',
  'session_scheduled',
  'step_failed',
  // Complaints and rectification tasks (domain/complaints.ts)
  'complaint_filed',
  'rectification_opened',
  'complaint_registration_overdue',
  'complaint_assigned',
  'complaint_overdue',
  'complaint_case_escalated',
  'complaint_case_answered',
  'complaint_replied',
  'complaint_closed',
  // Warnings issued by hand (domain/warnings.ts)
  'warning_issued',
  'warning_replied',
  'warning_accepted',
  'warning_returned',
  'warning_overdue',
  'warning_case_escalated',
  'warning_case_answered',
] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

export type NoticeParams = Record<string, string | number>;
