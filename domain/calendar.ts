// Working-day arithmetic for promised time limits (承诺时限).
//
// Rules (domain.md): the day of acceptance is not counted; the deadline is the end of the
// Nth working day after it. Working days come from the published yearly table (statutory
// holidays and the weekend days that become working days, 调休) plus admin overrides.
// A formula on weekdays alone is wrong.
//
// All dates are civil dates in Asia/Shanghai, which has had a fixed UTC+8 offset since 1991.

export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** 'YYYY-MM-DD' of an instant, in Asia/Shanghai. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first millisecond of a civil date in Asia/Shanghai. */
export function startOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS);
}

/** The last millisecond of a civil date in Asia/Shanghai. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + DAY_MS - 1);
}

export function addCivilDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export interface HolidayTable {
  /** Statutory holidays (days off, whatever the weekday). */
  holidays: ReadonlySet<string>;
  /** Weekend days that are working days (调休/补班). */
  makeupWorkdays: ReadonlySet<string>;
  /** Years for which the table has been published. */
  years: ReadonlySet<number>;
}

export interface DayOverride {
  date: string;
  workday: boolean;
}

/** Working-time arithmetic used by deadlines, lights and clock pauses. */
export interface WorkingTime {
  /** End of the Nth working day after the day of `from` (that day itself not counted). */
  deadlineAfter(from: Date, workdays: number): Date;
  /** The first instant of the Nth working day after the day of `from` (N = 0 gives `from`). */
  startOfWorkdayAfter(from: Date, workdays: number): Date;
  /** Working days that have fully or partly started after the day of `from`, up to and including the day of `to`. */
  workdaysBetween(from: Date, to: Date): number;
  /** Move a deadline later by N working days. */
  shiftDeadline(deadline: Date, workdays: number): Date;
}

export class WorkCalendar implements WorkingTime {
  private readonly overrides: ReadonlyMap<string, boolean>;

  constructor(
    private readonly table: HolidayTable,
    overrides: readonly DayOverride[] = [],
  ) {
    this.overrides = new Map(overrides.map((o) => [o.date, o.workday]));
  }

  isWorkday(date: string): boolean {
    const override = this.overrides.get(date);
    if (override !== undefined) return override;
    if (this.table.holidays.has(date)) return false;
    if (this.table.makeupWorkdays.has(date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The Nth working day strictly after `date` (N ≥ 1); N = 0 gives `date` itself. */
  nthWorkdayAfter(date: string, n: number): string {
    let day = date;
    for (let counted = 0; counted < n;) {
      day = addCivilDays(day, 1);
      if (this.isWorkday(day)) counted++;
    }
    return day;
  }

  deadlineAfter(from: Date, workdays: number): Date {
    return endOfShanghaiDay(this.nthWorkdayAfter(shanghaiDate(from), workdays));
  }

  startOfWorkdayAfter(from: Date, workdays: number): Date {
    if (workdays <= 0) return from;
    return startOfShanghaiDay(this.nthWorkdayAfter(shanghaiDate(from), workdays));
  }

  workdaysBetween(from: Date, to: Date): number {
    let count = 0;
    const last = shanghaiDate(to);
    for (let day = addCivilDays(shanghaiDate(from), 1); day <= last; day = addCivilDays(day, 1)) {
      if (this.isWorkday(day)) count++;
    }
    return count;
  }

  shiftDeadline(deadline: Date, workdays: number): Date {
    return endOfShanghaiDay(this.nthWorkdayAfter(shanghaiDate(deadline), workdays));
  }

  /** Years in [from, to] that have neither a published table nor any admin entry. */
  missingYears(from: number, to: number): number[] {
    const adminYears = new Set([...this.overrides.keys()].map((d) => Number(d.slice(0, 4))));
    const missing: number[] = [];
    for (let y = from; y <= to; y++) if (!this.table.years.has(y) && !adminYears.has(y)) missing.push(y);
    return missing;
  }
}

/** Training clock (WORKDAY_SECONDS): every working day lasts a fixed number of real seconds. */
export class TrainingClock implements WorkingTime {
  constructor(private readonly workdaySeconds: number) {}

  deadlineAfter(from: Date, workdays: number): Date {
    return new Date(from.getTime() + workdays * this.workdaySeconds * 1000);
  }

  startOfWorkdayAfter(from: Date, workdays: number): Date {
    return this.deadlineAfter(from, workdays);
  }

  workdaysBetween(from: Date, to: Date): number {
    return Math.max(0, Math.ceil((to.getTime() - from.getTime()) / (this.workdaySeconds * 1000)));
  }

  shiftDeadline(deadline: Date, workdays: number): Date {
    return this.deadlineAfter(deadline, workdays);
  }
}
