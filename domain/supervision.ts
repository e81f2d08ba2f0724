// The supervision ladder (督办): a red step opens a case at level 1; a case unanswered by its due
// time opens the next level, up to the last. Pure rules; the step workflow waits and acts on them.

/** A supervision case's id names its step, the step's attempt and the level: one case per level, ever. */
export const caseIdFor = (stepId: string, attempt: number, level: number): string => `${stepId}-A${attempt}-L${level}`;

export interface OpenCase {
  caseId: string;
  level: number;
  dueAt: string;
  answered: boolean;
}

/** True when an unanswered case is to open the next level at its due time. */
export const escalates = (openCase: OpenCase | null, escalationLevels: number): openCase is OpenCase =>
  openCase !== null && !openCase.answered && openCase.level < escalationLevels;
