// What workflows report to the read model. Each report carries a sequence number that grows
// with every change of that workflow: the read model applies a report only when it is newer
// than what it holds, and logs its event once (event id = workflow id + sequence), so retries,
// replays and out-of-order deliveries apply nothing twice.
import type { Actor, ApplicationStatus, Light, Outcome, StepStatus } from './model';

export interface StepSnapshot {
  status: StepStatus;
  light: Light;
  attempt: number;
  submittedAt: string | null;
  acceptedAt: string | null;
  deadline: string | null;
  decidedAt: string | null;
  outcome: Outcome | null;
  overdue: boolean;
  certificateNo: string | null;
  reason: string | null;
}

export interface TimelineEvent {
  type: string;
  at: string;
  actor: Pick<Actor, 'id' | 'displayName'>;
  detail: Record<string, unknown>;
}

export interface StepReport {
  workflowId: string;
  seq: number;
  applicationId: string;
  stepId: string;
  snapshot: StepSnapshot;
  event: TimelineEvent;
}

export interface ApplicationReport {
  workflowId: string;
  seq: number;
  applicationId: string;
  status: ApplicationStatus;
  event: TimelineEvent;
}
