import { TrainingClock, WorkCalendar, type WorkingTime } from '../../domain/calendar';
import { indexedWorkingTime, WorkdayIndex } from '../../domain/workday-index';
import { publishedHolidayTable } from '../../lib/holiday-table';

// The index answers exactly as the calendar it counts: every day of two years around the National
// Day and Spring Festival weeks, early and late in the day, for limits of 0 to 20 working days.
describe('the working-day index (domain/workday-index.ts)', () => {
  const calendar = new WorkCalendar(publishedHolidayTable(), [
    { date: '2026-12-08', workday: false },
    { date: '2026-12-12', workday: true },
  ]);
  const index = new WorkdayIndex((d) => calendar.isWorkday(d));

  it('when asked for deadlines, shifts and working days between, then it answers as the calendar does', () => {
    let checked = 0;
    for (let day = Date.parse('2025-12-25T00:00:00Z'); day <= Date.parse('2027-02-05T00:00:00Z'); day += 86_400_000) {
      // 00:30 and 23:30 in Shanghai.
      for (const hourUtc of [-7.5, 15.5]) {
        const at = new Date(day + hourUtc * 3_600_000);
        for (const n of [0, 1, 2, 3, 5, 7, 10, 20]) {
          const later = new Date(at.getTime() + n * 3 * 86_400_000);
          const answers = (t: WorkingTime) => [
            t.deadlineAfter(at, n).getTime(),
            t.startOfWorkdayAfter(at, n).getTime(),
            t.shiftDeadline(at, n).getTime(),
            t.workdaysBetween(at, later),
            t.workdaysBetween(later, at),
          ];
          const [got, want] = [answers(index), answers(calendar)];
          if (got.some((g, i) => g !== want[i])) expect({ at, n, got }).toEqual({ at, n, got: want });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(6_000);
  });

  it('when a date lies far outside its first window, then the window grows to it', () => {
    const fresh = new WorkdayIndex((d) => calendar.isWorkday(d));
    const at = new Date('2026-11-27T02:00:00Z');
    expect(fresh.deadlineAfter(at, 1)).toEqual(calendar.deadlineAfter(at, 1));
    const far = new Date('2031-06-01T02:00:00Z');
    expect(fresh.workdaysBetween(at, far)).toBe(calendar.workdaysBetween(at, far));
    expect(fresh.deadlineAfter(at, 900)).toEqual(calendar.deadlineAfter(at, 900));
    const early = new Date('2020-01-01T02:00:00Z');
    expect(fresh.deadlineAfter(early, 3)).toEqual(calendar.deadlineAfter(early, 3));
  });

  it('indexes a calendar and leaves the training clock as it is', () => {
    expect(indexedWorkingTime(calendar)).toBeInstanceOf(WorkdayIndex);
    const clock = new TrainingClock(5);
    expect(indexedWorkingTime(clock)).toBe(clock);
  });
});
