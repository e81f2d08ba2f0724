// Working-day arithmetic in constant time, for reads that do it thousands of times (the project
// board projects every open project's plan at once). WorkCalendar walks day by day, which is right
// for one deadline but too slow for a board; this index counts the working days of a window once
// (from the same calendar, so the answers are the same) and answers by subtraction and lookup.
import { endOfShanghaiDay, SHANGHAI_OFFSET_MS, startOfShanghaiDay, WorkCalendar, type WorkingTime } from './calendar';

const DAY_MS = 24 * 3600 * 1000;
/** Days added on either side when the window grows. */
const MARGIN = 400;
/** No calendar needs more than this many years to find a working day; past it the calendar is broken. */
const MAX_SPAN_DAYS = 50 * 366;

/** The civil day (Asia/Shanghai) of an instant, as a day number. */
const dayOf = (at: Date) => Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export class WorkdayIndex implements WorkingTime {
  private first = 0;
  /** counts[i]: working days among days first .. first + i. */
  private counts: Int32Array = new Int32Array(0);
  /** workdays[k]: the (k + 1)th working day of the window. */
  private workdays: number[] = [];

  constructor(private readonly isWorkday: (date: string) => boolean) {}

  private build(from: number, to: number): void {
    if (to - from > MAX_SPAN_DAYS) throw new Error('the working-day calendar has no working day in 50 years');
    this.first = from;
    this.counts = new Int32Array(to - from + 1);
    this.workdays = [];
    let n = 0;
    for (let d = from; d <= to; d++) {
      if (this.isWorkday(dateOf(d))) {
        n++;
        this.workdays.push(d);
      }
      this.counts[d - from] = n;
    }
  }

  /** Makes the window hold the days `from` .. `to`, growing it by a margin on the side that lacks them. */
  private cover(from: number, to: number): void {
    if (this.counts.length === 0) return this.build(from - MARGIN, to + MARGIN);
    const last = this.first + this.counts.length - 1;
    if (from >= this.first && to <= last) return;
    this.build(from < this.first ? from - MARGIN : this.first, to > last ? to + MARGIN : last);
  }

  /** Working days among the window's first day .. `day`. */
  private count(day: number): number {
    this.cover(day, day);
    return this.counts[day - this.first]!;
  }

  /** The Nth working day strictly after `day` (N ≥ 1); N ≤ 0 gives `day`. */
  private nthAfter(day: number, n: number): number {
    if (n <= 0) return day;
    for (;;) {
      const k = this.count(day) + n - 1;
      if (k < this.workdays.length) return this.workdays[k]!;
      this.cover(day, this.first + this.counts.length + n);
    }
  }

  deadlineAfter(from: Date, workdays: number): Date {
    return endOfShanghaiDay(dateOf(this.nthAfter(dayOf(from), workdays)));
  }

  startOfWorkdayAfter(from: Date, workdays: number): Date {
    if (workdays <= 0) return from;
    return startOfShanghaiDay(dateOf(this.nthAfter(dayOf(from), workdays)));
  }

  workdaysBetween(from: Date, to: Date): number {
    const a = dayOf(from);
    const b = dayOf(to);
    if (b <= a) return 0;
    this.cover(a, b);
    return this.count(b) - this.count(a);
  }

  shiftDeadline(deadline: Date, workdays: number): Date {
    return endOfShanghaiDay(dateOf(this.nthAfter(dayOf(deadline), workdays)));
  }
}

/** The same working time, fast for many reads: a calendar gets an index; the training clock is already constant-time. */
const indexes = new WeakMap<WorkCalendar, WorkdayIndex>();
export const indexedWorkingTime = (time: WorkingTime): WorkingTime => {
  if (!(time instanceof WorkCalendar)) return time;
  // One index per calendar object (a calendar never changes; an edit makes a new one).
  let index = indexes.get(time);
  if (!index) indexes.set(time, (index = new WorkdayIndex((date) => time.isWorkday(date))));
  return index;
};
