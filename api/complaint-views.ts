// Complaint rows → API shapes. What each reader sees: the supervision office and the general
// office read the complainant's name and phone; the department complained about reads the content
// only (domain/complaints.ts `readsComplainantContact`); the public reads its own complaint's
// progress, the department's reply and the office's conclusion, nothing of anyone else.
import {
  allowedComplaintActions,
  complaintLight,
  readsComplainantContact,
  type ComplaintViewer,
} from '../domain/complaints';
import type { ComplaintEventRow, ComplaintRow, RatingRow } from '../db/schema';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const complaintFacts = (c: ComplaintRow) => ({
  status: c.status,
  departmentCode: c.department_code,
  version: c.version,
});

export function toComplaintView(c: ComplaintRow, viewer: ComplaintViewer, rating?: RatingRow) {
  const now = Date.now();
  return {
    id: c.id,
    complaintNo: c.id,
    kind: c.kind,
    category: c.category,
    status: c.status,
    light: complaintLight(
      { status: c.status, overdue: c.overdue, replyDueAt: iso(c.reply_due_at), yellowAt: iso(c.yellow_at) },
      now,
    ),
    content: c.content,
    ...(readsComplainantContact(viewer.role) ? { contactName: c.contact_name, phone: c.phone } : {}),
    caseNo: c.case_no,
    applicationId: c.application_id,
    stepId: c.step_id,
    suggestedDepartment: c.suggested_department,
    rating: rating ? { score: rating.score, comment: rating.comment, ratedAt: rating.rated_at.toISOString() } : null,
    departmentCode: c.department_code,
    replyWorkdays: c.reply_workdays,
    filedAt: c.filed_at.toISOString(),
    registerDueAt: iso(c.register_due_at),
    registrationOverdue: c.registration_overdue,
    assignedAt: iso(c.assigned_at),
    replyDueAt: iso(c.reply_due_at),
    overdue: c.overdue,
    escalationLevel: c.escalation_level,
    reply: c.reply,
    repliedAt: iso(c.replied_at),
    repliedBy: c.replied_by,
    replyLate: c.reply_late,
    upheld: c.upheld,
    conclusion: c.conclusion,
    closedAt: iso(c.closed_at),
    closedBy: c.closed_by,
    /** Send it back with an action: a complaint that changed since refuses (409 complaint_changed). */
    version: c.version,
    /** What the caller may do now (domain/complaints.ts), as the workflow's validators decide. */
    allowedActions: allowedComplaintActions(viewer, complaintFacts(c)),
  };
}

export const toComplaintEventView = (e: ComplaintEventRow) => ({
  at: e.at.toISOString(),
  type: e.type,
  actor: { id: e.actor_id, displayName: e.actor_name },
  detail: e.detail,
});

/** The public follow-up: the contract's fields, each only once it exists. */
export const toPublicComplaintView = (c: ComplaintRow) => ({
  complaintNo: c.id,
  status: c.status,
  category: c.category,
  filedAt: c.filed_at.toISOString(),
  ...(c.reply_due_at ? { replyDueAt: c.reply_due_at.toISOString() } : {}),
  ...(c.reply ? { reply: c.reply, repliedAt: iso(c.replied_at) } : {}),
  ...(c.status === 'closed' ? { conclusion: c.conclusion, upheld: c.upheld, closedAt: iso(c.closed_at) } : {}),
});
