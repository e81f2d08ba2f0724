// Deadline lights (电子监察): green while on time, yellow as the limit nears, red once overdue.

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
