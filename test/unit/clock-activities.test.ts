// The clock activities on the real holiday table, with dates fixed (the time-skipping server
// starts at today's date, so the National Day week is checked here).
import { createActivities } from '../../activities';
import type { WorkingTimeSource } from '../../lib/working-time';
import { WorkCalendar } from '../../domain/calendar';
import { publishedHolidayTable } from '../../lib/holiday-table';

const calendarSource: WorkingTimeSource = { current: async () => new WorkCalendar(publishedHolidayTable()) };
const acts = createActivities({ db: undefined as never, workingTime: calendarSource });

describe('clock activities', () => {
  it('when a 5-day limit is accepted on the eve of National Day, then the deadline skips the holiday and counts the 调休 Saturday', async () => {
    const clock = await acts.computeClock({
      anchor: '2026-09-30T02:00:00.000Z', // Wednesday, 10:00 in Shanghai
      limitDays: 5,
      pausedDays: 0,
      yellowRatio: 0.8,
      yellowDaysLeft: 1,
    });
    // Working days: Thu 10-08, Fri 10-09, Sat 10-10 (调休), Mon 10-12, Tue 10-13.
    expect(clock.deadline).toBe('2026-10-13T15:59:59.999Z');
    // Yellow once 4 working days have started: the start of Monday 10-12.
    expect(clock.yellowAt).toBe('2026-10-11T16:00:00.000Z');
  });

  it('when 2 working days were paused, then the deadline is 2 working days later', async () => {
    const base = { anchor: '2026-11-27T02:00:00.000Z', limitDays: 3, yellowRatio: 0.8, yellowDaysLeft: 1 };
    const plain = await acts.computeClock({ ...base, pausedDays: 0 });
    const paused = await acts.computeClock({ ...base, pausedDays: 2 });
    expect(plain.deadline).toBe('2026-12-02T15:59:59.999Z'); // Mon, Tue, Wed
    expect(paused.deadline).toBe('2026-12-04T15:59:59.999Z'); // + Thu, Fri
    expect(await acts.workdaysBetween({ from: '2026-11-27T02:00:00.000Z', to: '2026-12-01T02:00:00.000Z' })).toBe(2);
  });
});
