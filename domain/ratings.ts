// Ratings (好差评): the investor rates a step once it is decided, or the whole application once it
// is closed, with the case number and query password; five levels, one rating per step and one per
// application. A score of 2 or less is a bad rating: it needs a comment and opens a rectification
// task (整改) for the department, followed by the supervision office (domain/complaints.ts).
import type { ApplicationStatus, StepStatus } from './model';
import type { Refusal } from './step-rules';

export const MIN_SCORE = 1;
export const MAX_SCORE = 5;
/** A score at or below this is a bad rating (差评). */
export const BAD_RATING_MAX_SCORE = 2;

export const isBadRating = (score: number): boolean => score <= BAD_RATING_MAX_SCORE;

/** Steps that can be rated: decided (a cancelled or failed step was never decided). */
export const RATEABLE_STEP_STATUSES = ['approved', 'rejected'] as const satisfies StepStatus[];
/** Applications that can be rated as a whole: closed. */
export const RATEABLE_APPLICATION_STATUSES = ['completed', 'withdrawn'] as const satisfies ApplicationStatus[];

export const isRateableStep = (status: StepStatus): boolean =>
  (RATEABLE_STEP_STATUSES as readonly StepStatus[]).includes(status);
export const isRateableApplication = (status: ApplicationStatus): boolean =>
  (RATEABLE_APPLICATION_STATUSES as readonly ApplicationStatus[]).includes(status);

/** Why this rating cannot be given now (the subject is still open), or null. */
export function ratingRefusal(
  subject: { kind: 'step'; status: StepStatus } | { kind: 'application'; status: ApplicationStatus },
): Refusal | null {
  if (subject.kind === 'step') {
    return isRateableStep(subject.status)
      ? null
      : {
          kind: 'Conflict',
          code: 'step_not_closed',
          message: `a step can be rated once it is decided; it is ${subject.status}`,
          params: { status: subject.status },
        };
  }
  return isRateableApplication(subject.status)
    ? null
    : {
        kind: 'Conflict',
        code: 'application_not_closed',
        message: `the application can be rated once it is completed or withdrawn; it is ${subject.status}`,
        params: { status: subject.status },
      };
}

/** A bad rating needs its reasons: the comment is what the department has to rectify. */
export const commentRequired = (score: number, comment: string | undefined): boolean =>
  isBadRating(score) && !comment?.trim();
