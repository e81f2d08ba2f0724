// A step's clock: the acceptance window until the step is accepted, then the promised limit plus
// the extension, moved by the working days the clock stood still. Activities compute the absolute
// times from the working-day calendar; this module only asks and writes the answers into the state.
import type { StepSnapshot } from '../domain/projection';
import { acts } from './common';
import type { ClockPolicy } from './shared';

export async function recomputeClock(
  state: StepSnapshot,
  { windowAnchor, promisedLimitDays, policy }: { windowAnchor: string; promisedLimitDays: number; policy: ClockPolicy },
): Promise<void> {
  const lights = { yellowRatio: policy.yellowRatio, yellowDaysLeft: policy.yellowDaysLeft };
  if (state.acceptedAt === null) {
    const c = await acts.computeClock({
      anchor: windowAnchor,
      limitDays: policy.acceptanceWindowDays,
      pausedDays: 0,
      ...lights,
    });
    state.acceptanceDeadline = c.deadline;
    state.yellowAt = c.yellowAt;
  } else {
    const c = await acts.computeClock({
      anchor: state.acceptedAt,
      limitDays: promisedLimitDays + state.extensionDays,
      pausedDays: state.pausedWorkdays,
      ...lights,
    });
    state.deadline = c.deadline;
    state.yellowAt = c.yellowAt;
  }
}

/** Working days the clock stood still, from `since` to now. */
export const workdaysSince = (since: string): Promise<number> =>
  acts.workdaysBetween({ from: since, to: new Date().toISOString() });
