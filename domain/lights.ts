// Deadline lights (电子监察): green while on time, yellow as the limit nears, red once overdue.
import type { Light } from './model';

export interface LightPolicy {
  /** Yellow once this share of the limit is used (0.8 = 80 %). */
  yellowRatio: number;
  /** Yellow once this many working days or fewer are left. */
  yellowDaysLeft: number;
}

export const DEFAULT_LIGHT_POLICY: LightPolicy = { yellowRatio: 0.8, yellowDaysLeft: 1 };

/**
 * The number of working days used after which a step turns yellow: whichever of the two
 * thresholds comes first. 0 means yellow from the start (a 1-day limit has 1 day left at once).
 */
export function yellowAfterWorkdays(limitDays: number, policy: LightPolicy): number {
  const byRatio = Math.ceil(policy.yellowRatio * limitDays);
  const byDaysLeft = limitDays - policy.yellowDaysLeft;
  return Math.max(0, Math.min(byRatio, byDaysLeft));
}

/** What the light of a step depends on. */
export interface LightFacts {
  status: string;
  overdue: boolean;
  /** The clock stands still (correction or special procedure): the light stays as it was. */
  paused: boolean;
  light: Light;
  yellowAt: string | null;
}

/** A step's light now: only a step at the window or in review has one; red once overdue. */
export function stepLight(step: LightFacts, now: number): Light {
  if (step.status !== 'submitted' && step.status !== 'in_review') return 'none';
  if (step.overdue) return 'red';
  if (step.paused) return step.light === 'none' ? 'green' : step.light;
  if (step.yellowAt && now >= Date.parse(step.yellowAt)) return 'yellow';
  return 'green';
}
