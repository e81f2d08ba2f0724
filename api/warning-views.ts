// Warning rows → API shapes. Supervisors and admins read every warning; a department's staff read
// those addressed to their department (the scope checks it before a view is built).
import { allowedWarningActions, warningLight, type WarningViewer } from '../domain/warnings';
import type { StepRow, WarningEventRow, WarningRow } from '../db/schema';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const warningFacts = (w: WarningRow) => ({
  status: w.status,
  departmentCode: w.department_code,
  version: w.version,
});

/** What a warning's row names of its step, read beside it (matter and project). */
export interface WarningStepContext {
  matterCode: string;
  matterName: string;
  projectName: string | null;
  caseNo: string | null;
}

export const stepContextOf = (
  step: StepRow,
  app?: { project: { name: string }; caseNo: string | null },
): WarningStepContext => ({
  matterCode: step.matter_code,
  matterName: step.matter_name,
  projectName: app?.project.name ?? null,
  caseNo: app?.caseNo ?? null,
});

export function toWarningView(w: WarningRow, viewer: WarningViewer, step?: WarningStepContext) {
  return {
    id: w.id,
    warningNo: w.id,
    subject: w.subject,
    stepId: w.step_id,
    applicationId: w.application_id,
    matterCode: step?.matterCode ?? null,
    matterName: step?.matterName ?? null,
    projectName: step?.projectName ?? null,
    caseNo: step?.caseNo ?? null,
    departmentCode: w.department_code,
    reason: w.reason,
    replyWorkdays: w.reply_workdays,
    issuedBy: w.issued_by,
    issuedAt: w.issued_at.toISOString(),
    status: w.status,
    light: warningLight(
      {
        status: w.status,
        overdue: w.overdue,
        replyDueAt: iso(w.reply_due_at),
        yellowAt: iso(w.yellow_at),
      },
      Date.now(),
    ),
    round: w.round,
    roundStartedAt: w.round_started_at.toISOString(),
    replyDueAt: iso(w.reply_due_at),
    overdue: w.overdue,
    escalationLevel: w.escalation_level,
    /** Every round, oldest first: its deadline, the department's reply, the office's return. */
    rounds: w.rounds,
    /** The latest reply (of the current round, or of the last returned one). */
    reply: [...w.rounds].reverse().find((r) => r.reply !== null)?.reply ?? null,
    everLate: w.ever_late,
    closedAt: iso(w.closed_at),
    closedBy: w.closed_by,
    /** Send it back with an action: a warning that changed since refuses (409 warning_changed). */
    version: w.version,
    /** What the caller may do now (domain/warnings.ts), as the workflow's validators decide. */
    allowedActions: allowedWarningActions(viewer, warningFacts(w)),
  };
}

export const toWarningEventView = (e: WarningEventRow) => ({
  at: e.at.toISOString(),
  type: e.type,
  actor: { id: e.actor_id, displayName: e.actor_name },
  detail: e.detail,
});
