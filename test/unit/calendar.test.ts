import { TrainingClock, WorkCalendar, endOfShanghaiDay, shanghaiDate } from '../../domain/calendar';
import { publishedHolidayTable } from '../../lib/holiday-table';

const at = (iso: string) => new Date(iso);
const calendar = new WorkCalendar(publishedHolidayTable());

describe('working-day calendar (Asia/Shanghai)', () => {
  it('when an instant is late evening UTC, then its Shanghai date is the next day', () => {
    expect(shanghaiDate(at('2026-11-29T18:00:00Z'))).toBe('2026-11-30');
    expect(endOfShanghaiDay('2026-12-01').toISOString()).toBe('2026-12-01T15:59:59.999Z');
  });

  it('when accepted on a Friday with 1 working day, then the deadline is the end of Monday', () => {
    // Friday 2026-11-27, 10:00 in Shanghai.
    expect(calendar.deadlineAfter(at('2026-11-27T02:00:00Z'), 1).toISOString()).toBe('2026-11-30T15:59:59.999Z');
  });

  it('when a limit spans the National Day week, then holidays are skipped and the 调休 Saturday counts', () => {
    // 2026: 10-01..10-07 off; Saturday 10-10 is a working day. Accepted Wednesday 09-30.
    expect(calendar.isWorkday('2026-10-05')).toBe(false);
    expect(calendar.isWorkday('2026-10-10')).toBe(true);
    // Working days after 09-30: 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 调休), 10-12 (Mon), 10-13 (Tue).
    expect(calendar.deadlineAfter(at('2026-09-30T02:00:00Z'), 5).toISOString()).toBe('2026-10-13T15:59:59.999Z');
    expect(calendar.deadlineAfter(at('2026-09-30T02:00:00Z'), 3).toISOString()).toBe('2026-10-10T15:59:59.999Z');
  });

  it('when an admin marks a day as holiday, then deadlines move past it', () => {
    const edited = new WorkCalendar(publishedHolidayTable(), [{ date: '2026-11-30', workday: false }]);
    expect(edited.deadlineAfter(at('2026-11-27T02:00:00Z'), 1).toISOString()).toBe('2026-12-01T15:59:59.999Z');
  });

  it('when next year has no published table, then it is reported missing until an admin enters days', () => {
    expect(calendar.missingYears(2026, 2027)).toEqual([2027]);
    const withAdminDays = new WorkCalendar(publishedHolidayTable(), [{ date: '2027-01-01', workday: false }]);
    expect(withAdminDays.missingYears(2026, 2027)).toEqual([]);
  });

  it('counts the working days between two instants, the first day excluded', () => {
    // From Friday 11-27 to Tuesday 12-01: Mon 11-30 and Tue 12-01.
    expect(calendar.workdaysBetween(at('2026-11-27T02:00:00Z'), at('2026-12-01T02:00:00Z'))).toBe(2);
    expect(calendar.shiftDeadline(at('2026-11-30T15:59:59.999Z'), 2).toISOString()).toBe('2026-12-02T15:59:59.999Z');
  });

  it('when the training clock is on, then a working day lasts the configured seconds', () => {
    const clock = new TrainingClock(5);
    expect(clock.deadlineAfter(at('2026-11-29T00:00:00Z'), 3).toISOString()).toBe('2026-11-29T00:00:15.000Z');
    expect(clock.workdaysBetween(at('2026-11-29T00:00:00Z'), at('2026-11-29T00:00:11Z'))).toBe(3);
  });
});
