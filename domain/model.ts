// Vocabulary shared by the API, the workflows and the read model.

export const ROLES = ['officer', 'staff', 'supervisor', 'cashier', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const CASE_TYPES = ['immediate', 'promised', 'joint'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const STEP_STATUSES = [
  'blocked',
  'submitted',
  'in_review',
  'awaiting_supplement',
  'approved',
  'rejected',
  'cancelled',
  /** The step's workflow failed or was terminated without a decision; the officer can start it again. */
  'failed',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const APPLICATION_STATUSES = ['in_progress', 'needs_attention', 'completed', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export type Light = 'green' | 'yellow' | 'red' | 'none';

export type Outcome = 'approved' | 'rejected';

/** Who performs an action; carried into workflows so validators can check it and timelines can name it. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
}
