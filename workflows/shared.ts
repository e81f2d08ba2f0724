// Names and payload types shared by workflows, activities, workers and the API.
// Plain data and definitions only: this file is bundled into the workflow sandbox.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Outcome } from '../domain/model';
import type { StepSnapshot } from '../domain/projection';

export const applicationWorkflowId = (applicationId: string): string => `application-${applicationId}`;
export const stepWorkflowId = (applicationId: string, matterCode: string): string =>
  `application-${applicationId}/step-${matterCode}`;

/** Failure types carried by ApplicationFailure; the API maps them to HTTP statuses. */
export const FailureType = {
  Forbidden: 'Forbidden',
  Conflict: 'Conflict',
  InvalidInput: 'InvalidInput',
} as const;

/** Custom search attributes (no personal data: they are not encrypted). */
export const SearchAttr = {
  applicationId: defineSearchAttributeKey('ApplicationId', 'KEYWORD'),
  departmentCodes: defineSearchAttributeKey('DepartmentCodes', 'KEYWORD_LIST'),
  applicationStatus: defineSearchAttributeKey('ApplicationStatus', 'KEYWORD'),
  stepStatus: defineSearchAttributeKey('StepStatus', 'KEYWORD'),
  light: defineSearchAttributeKey('Light', 'KEYWORD'),
  deadline: defineSearchAttributeKey('Deadline', 'DATETIME'),
};

/** The same attributes as the Temporal CLI registers them (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTE_REGISTRATION: Record<string, 'Keyword' | 'KeywordList' | 'Datetime'> = {
  ApplicationId: 'Keyword',
  DepartmentCodes: 'KeywordList',
  ApplicationStatus: 'Keyword',
  StepStatus: 'Keyword',
  Light: 'Keyword',
  Deadline: 'Datetime',
};

export interface PlannedStepInput {
  stepId: string;
  matterCode: string;
  departmentCode: string;
  prerequisites: string[];
  promisedLimitDays: number;
}

export interface ApplicationWorkflowInput {
  applicationId: string;
  steps: PlannedStepInput[];
}

export interface StepWorkflowInput {
  applicationId: string;
  stepId: string;
  matterCode: string;
  departmentCode: string;
  promisedLimitDays: number;
  attempt: number;
}

export interface StepResult {
  stepId: string;
  matterCode: string;
  outcome: Outcome;
  reason: string | null;
}

export interface ActorArgs {
  actor: Actor;
}

export interface DecideArgs extends ActorArgs {
  outcome: Outcome;
  reason?: string;
  certificateNo?: string;
}

export const acceptUpdate = defineUpdate<StepSnapshot, [ActorArgs]>('accept');
export const decideUpdate = defineUpdate<StepSnapshot, [DecideArgs]>('decide');
export const stepStateQuery = defineQuery<StepSnapshot>('stepState');
