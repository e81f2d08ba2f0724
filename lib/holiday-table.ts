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
