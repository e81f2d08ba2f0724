// Names and payload types of the complaint workflow (效能投诉 and 整改), shared by the workflow,
// activities, workers and the API. Plain data and definitions only: bundled into the workflow
// sandbox. No personal data travels here: the complainant's name, phone and text stay in the
// database row; the workflow carries ids and the rules' inputs.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ComplaintKind, ComplaintPolicy, ComplaintSnapshot } from '../domain/complaints';
import type { CaseChange, Notice, TimelineEvent } from '../domain/projection';
import type { ActorArgs } from './shared';

export const complaintWorkflowId = (complaintId: string): string => `complaint-${complaintId}`;

export interface ComplaintWorkflowInput {
  /** The complaint's number (TS-2026-000001, ZG-2026-000001): its id everywhere. */
  complaintId: string;
  kind: ComplaintKind;
  filedAt: string;
  /** A rectification task of a rated step is assigned at once to the step's department. */
  assignment: { departmentCode: string; replyWorkdays: number } | null;
  /** What the complaint concerns, for notices (ids only). */
  about: { caseNo: string | null; stepId: string | null; matterName: string | null };
  policy: ComplaintPolicy;
}

/** What the complaint workflow reports to the read model, with one event and its notices. */
export interface ComplaintReport {
  workflowId: string;
  seq: number;
  complaintId: string;
  snapshot: ComplaintSnapshot;
  event: TimelineEvent;
  notices: Notice[];
  /** Supervision cases opened, answered or closed by this transition. */
  caseChanges?: CaseChange[];
}

/** The outcome a complaint workflow returns when it ends. */
export interface ComplaintResult {
  complaintId: string;
  upheld: boolean | null;
  replyLate: boolean;
}

/** `version`: the complaint's version the caller read; a complaint that changed since refuses (409). */
interface Versioned {
  version?: number;
}

export const assignComplaintUpdate = defineUpdate<
  ComplaintSnapshot,
  [ActorArgs & Versioned & { departmentCode: string; replyWorkdays: number }]
>('assignComplaint');
export const replyComplaintUpdate = defineUpdate<ComplaintSnapshot, [ActorArgs & Versioned & { reply: string }]>(
  'replyComplaint',
);
export const closeComplaintUpdate = defineUpdate<
  ComplaintSnapshot,
  [ActorArgs & Versioned & { upheld: boolean; conclusion: string }]
>('closeComplaint');
export const answerComplaintCaseUpdate = defineUpdate<
  ComplaintSnapshot,
  [ActorArgs & { caseId: string; answer: string }]
>('answerComplaintCase');
export const complaintStateQuery = defineQuery<ComplaintSnapshot>('complaintState');
