// The published national holiday table (statutory holidays and 调休 working weekends),
// as shipped by the chinese-days package. Admin entries in the database take precedence.
import type { HolidayTable } from '../domain/calendar';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let cached: HolidayTable | undefined;

export function publishedHolidayTable(): HolidayTable {
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const holidays = new Set(Object.keys(data.holidays));
  const makeupWorkdays = new Set(Object.keys(data.workdays));
  const years = new Set([...holidays].map((d) => Number(d.slice(0, 4))));
  cached = { holidays, makeupWorkdays, years };
  return cached;
}

/** One day of the published table: a statutory holiday or a 调休 working weekend, with the festival's names. */
export interface PublishedDay {
  date: string;
  workday: boolean;
  /** The festival in Chinese (元旦, 春节, …) and English. */
  name: string;
  nameEn: string;
}

let days: PublishedDay[] | undefined;

/** Every day of the published table, in date order. */
export function publishedHolidayDays(): PublishedDay[] {
  if (days) return days;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
  const entry = (date: string, value: string, workday: boolean): PublishedDay => {
    const [nameEn = '', name = nameEn] = value.split(',');
    return { date, workday, name, nameEn };
  };
  days = [
    ...Object.entries(data.holidays).map(([d, v]) => entry(d, v, false)),
    ...Object.entries(data.workdays).map(([d, v]) => entry(d, v, true)),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return days;
}
