import { DEFAULT_LIGHT_POLICY, yellowAfterWorkdays } from '../../domain/lights';

describe('yellow threshold', () => {
  it('when 80 % comes before the last day, then 80 % decides', () => {
    expect(yellowAfterWorkdays(10, DEFAULT_LIGHT_POLICY)).toBe(8);
    expect(yellowAfterWorkdays(15, DEFAULT_LIGHT_POLICY)).toBe(12);
  });

  it('when one day left comes first, then it decides; a 1-day limit is yellow from the start', () => {
    expect(yellowAfterWorkdays(3, DEFAULT_LIGHT_POLICY)).toBe(2);
    expect(yellowAfterWorkdays(1, DEFAULT_LIGHT_POLICY)).toBe(0);
  });

  it('when the center configures other thresholds, then they apply', () => {
    expect(yellowAfterWorkdays(10, { yellowRatio: 0.5, yellowDaysLeft: 1 })).toBe(5);
    expect(yellowAfterWorkdays(10, { yellowRatio: 0.9, yellowDaysLeft: 3 })).toBe(7);
  });
});
