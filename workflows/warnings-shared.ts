// Names and payload types of the warning workflow (人工督办), shared by the workflow, activities,
// workers and the API. Plain data and definitions only: bundled into the workflow sandbox.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WarningPolicy, WarningSnapshot } from '../domain/warnings';
import type { CaseChange, Notice, TimelineEvent } from '../domain/projection';
import type { ActorArgs } from './shared';

export const warningWorkflowId = (warningId: string): string => `warning-${warningId}`;

export interface WarningWorkflowInput {
  /** The warning's number (DB-2026-000001): its id everywhere. */
  warningId: string;
  issuedAt: string;
  issuedBy: { id: string; displayName: string };
  departmentCode: string;
  replyWorkdays: number;
  reason: string;
  /** The step it concerns (its application's timeline records the warning), or none for a department. */
  about: { stepId: string; applicationId: string; matterName: string } | null;
  policy: WarningPolicy;
}

/** What the warning workflow reports to the read model, with one event and its notices. */
export interface WarningReport {
  workflowId: string;
  seq: number;
  warningId: string;
  /** Set when the warning concerns a step: the event also goes on its application's timeline. */
  applicationId: string | null;
  stepId: string | null;
  snapshot: WarningSnapshot;
  event: TimelineEvent;
  notices: Notice[];
  /** Supervision cases opened, answered or closed by this transition. */
  caseChanges?: CaseChange[];
}

/** The outcome a warning workflow returns when it ends. */
export interface WarningResult {
  warningId: string;
  rounds: number;
  everLate: boolean;
}

/** `version`: the warning's version the caller read; a warning that changed since refuses (409). */
interface Versioned {
  version?: number;
}

export const replyWarningUpdate = defineUpdate<WarningSnapshot, [ActorArgs & Versioned & { reply: string }]>(
  'replyWarning',
);
export const acceptWarningUpdate = defineUpdate<WarningSnapshot, [ActorArgs & Versioned]>('acceptWarning');
export const returnWarningUpdate = defineUpdate<WarningSnapshot, [ActorArgs & Versioned & { reason: string }]>(
  'returnWarning',
);
export const answerWarningCaseUpdate = defineUpdate<WarningSnapshot, [ActorArgs & { caseId: string; answer: string }]>(
  'answerWarningCase',
);
export const warningStateQuery = defineQuery<WarningSnapshot>('warningState');
