// Which timer of a step comes next. Pure: the step workflow sleeps until `at` and then runs the
// action of that kind, after checking under its lock that it is still the one due.
import type { StepSnapshot } from './projection';
import { escalates, type OpenCase } from './supervision';

export type StepTimerKind =
  'turn_yellow' | 'deem_accepted' | 'turn_red' | 'deem_consent' | 'escalate' | 'special_procedure_limit';

export function nextStepTimer(
  step: Pick<StepSnapshot, 'status' | 'pause' | 'light' | 'yellowAt' | 'acceptanceDeadline' | 'deadline' | 'overdue'>,
  openCase: OpenCase | null,
  escalationLevels: number,
  /** The matter's deemed-consent policy (超时默许): at the deadline the step is approved as deemed, never red. */
  deemedConsent = false,
): { at: number; kind: StepTimerKind } | null {
  const timers: Array<{ at: number; kind: StepTimerKind }> = [];
  // The clock stands still while paused; only a step at the window or in review has one.
  if (!step.pause && (step.status === 'submitted' || step.status === 'in_review')) {
    if (step.light === 'green' && step.yellowAt) timers.push({ at: Date.parse(step.yellowAt), kind: 'turn_yellow' });
    if (step.status === 'submitted' && step.acceptanceDeadline) {
      timers.push({ at: Date.parse(step.acceptanceDeadline) + 1, kind: 'deem_accepted' });
    }
    if (step.status === 'in_review' && !step.overdue && step.deadline) {
      timers.push({ at: Date.parse(step.deadline) + 1, kind: deemedConsent ? 'deem_consent' : 'turn_red' });
    }
  }
  // A special procedure ends by itself at its limit (the time told to the applicant in writing).
  if (step.pause?.kind === 'special' && step.pause.endsAt) {
    timers.push({ at: Date.parse(step.pause.endsAt) + 1, kind: 'special_procedure_limit' });
  }
  if (escalates(openCase, escalationLevels)) timers.push({ at: Date.parse(openCase.dueAt) + 1, kind: 'escalate' });
  timers.sort((a, b) => a.at - b.at);
  return timers[0] ?? null;
}
