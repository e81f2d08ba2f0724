// Row → API shapes, as the contract names them.
import type { ApplicationRow, StepRow } from '../db/schema';

export interface StepView {
  id: string;
  applicationId: string;
  matterCode: string;
  departmentCode: string;
  prerequisites: string[];
  status: StepRow['status'];
  light: StepRow['light'];
  attempt: number;
  submittedAt: string | null;
  acceptedAt: string | null;
  deadline: string | null;
  decidedAt: string | null;
  outcome: StepRow['outcome'];
  overdue: boolean;
  certificateNo: string | null;
  reason: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toStepView = (s: StepRow): StepView => ({
  id: s.id,
  applicationId: s.application_id,
  matterCode: s.matter_code,
  departmentCode: s.department_code,
  prerequisites: s.prerequisites,
  status: s.status,
  light: s.light,
  attempt: s.attempt,
  submittedAt: iso(s.submitted_at),
  acceptedAt: iso(s.accepted_at),
  deadline: iso(s.deadline),
  decidedAt: iso(s.decided_at),
  outcome: s.outcome,
  overdue: s.overdue,
  certificateNo: s.certificate_no,
  reason: s.reason,
});

export interface ApplicationSummary {
  id: string;
  status: ApplicationRow['status'];
  project: ApplicationRow['project'];
  investor: ApplicationRow['investor'];
  officer: { id: string };
  createdAt: string;
  updatedAt: string;
}

export const toApplicationSummary = (a: ApplicationRow): ApplicationSummary => ({
  id: a.id,
  status: a.status,
  project: a.project,
  investor: a.investor,
  officer: { id: a.officer_id },
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});
