// What the public progress lookup (办件查询) shows: the one home of the rule "what is public".
//
// Anyone holding a case number and its query password sees where the case stands, and nothing
// that could identify or concern a person:
// - public: the case number, the project's name (printed on every notice and published with the
//   approvals), the application's status, and per step the matter and department (the catalog's
//   names), its status and light, and the dates it was accepted, is due and was decided;
// - never: the investor (name, credit code, contact, phone), the officer, the staff member who
//   handles a step, reasons and notes (free text that can carry personal data), the correction
//   items, certificate numbers, fees and receipts, supervision cases, internal ids.
// The answer is built field by field from what is listed here, so a new column in the read model
// stays private until it is added to this file.
import type { ApplicationStatus, Light, StepStatus } from './model';

export interface PublicStep {
  matterName: string;
  departmentName: string;
  status: StepStatus;
  light: Light;
  acceptedAt: string | null;
  deadline: string | null;
  decidedAt: string | null;
}

export interface PublicProgress {
  caseNo: string;
  projectName: string;
  status: ApplicationStatus;
  steps: PublicStep[];
}

/** The read model's facts the rule looks at (whatever else the caller holds is not read). */
export interface CaseFacts {
  caseNo: string;
  projectName: string;
  status: ApplicationStatus;
}

export interface StepFacts {
  matterName: string;
  departmentCode: string;
  status: StepStatus;
  light: Light;
  submittedAt: Date | null;
  acceptedAt: Date | null;
  deadline: Date | null;
  decidedAt: Date | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/**
 * The public answer. Steps in the order they reached the window (those not yet submitted last,
 * by name), so the page reads like the case's progress.
 */
export function publicProgress(
  app: CaseFacts,
  steps: StepFacts[],
  departmentName: (code: string) => string,
): PublicProgress {
  const order = (s: StepFacts) => s.submittedAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  return {
    caseNo: app.caseNo,
    projectName: app.projectName,
    status: app.status,
    steps: [...steps]
      .sort((a, b) => order(a) - order(b) || a.matterName.localeCompare(b.matterName, 'zh-CN'))
      .map((s) => ({
        matterName: s.matterName,
        departmentName: departmentName(s.departmentCode),
        status: s.status,
        light: s.light,
        acceptedAt: iso(s.acceptedAt),
        deadline: iso(s.deadline),
        decidedAt: iso(s.decidedAt),
      })),
  };
}
