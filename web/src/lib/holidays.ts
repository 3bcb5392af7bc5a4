/**
 * French public holidays, computed client-side (the same list as the server's `holidays.rs`): fixed days, plus
 * Easter Monday, Ascension and Whit Monday; Alsace-Moselle adds Good Friday and 26 December.
 * Dates are calendar dates `YYYY-MM-DD` (no time zone involved).
 */

export type HolidayKey =
  | 'newYear'
  | 'goodFriday'
  | 'easterMonday'
  | 'labourDay'
  | 'victoryDay'
  | 'ascension'
  | 'whitMonday'
  | 'bastilleDay'
  | 'assumption'
  | 'allSaints'
  | 'armistice'
  | 'christmas'
  | 'stStephen';

export interface Holiday {
  date: string;
  key: HolidayKey;
}

const pad = (n: number) => String(n).padStart(2, '0');

function ymd(utc: Date): string {
  return `${String(utc.getUTCFullYear()).padStart(4, '0')}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/** `date` + `days` (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ymd(new Date(Date.UTC(y, m - 1, d + days)));
}

/** The public holidays of a year, in date order. */
export function frenchHolidays(year: number, alsaceMoselle = false): Holiday[] {
  const easter = easterSunday(year);
  const y = String(year).padStart(4, '0');
  const list: Holiday[] = [
    { date: `${y}-01-01`, key: 'newYear' },
    { date: addDays(easter, 1), key: 'easterMonday' },
    { date: `${y}-05-01`, key: 'labourDay' },
    { date: `${y}-05-08`, key: 'victoryDay' },
    { date: addDays(easter, 39), key: 'ascension' },
    { date: addDays(easter, 50), key: 'whitMonday' },
    { date: `${y}-07-14`, key: 'bastilleDay' },
    { date: `${y}-08-15`, key: 'assumption' },
    { date: `${y}-11-01`, key: 'allSaints' },
    { date: `${y}-11-11`, key: 'armistice' },
    { date: `${y}-12-25`, key: 'christmas' },
  ];
  if (alsaceMoselle) {
    list.push({ date: addDays(easter, -2), key: 'goodFriday' }, { date: `${y}-12-26`, key: 'stStephen' });
  }
  return list.sort((p, q) => p.date.localeCompare(q.date));
}

/** The holidays from `from` (inclusive) to `to` (exclusive), both `YYYY-MM-DD`. */
export function holidaysBetween(from: string, to: string, alsaceMoselle = false): Holiday[] {
  const first = Number(from.slice(0, 4));
  const last = Number(to.slice(0, 4));
  const out: Holiday[] = [];
  for (let year = first; year <= last; year++) {
    for (const holiday of frenchHolidays(year, alsaceMoselle)) {
      if (holiday.date >= from && holiday.date < to) out.push(holiday);
    }
  }
  return out;
}
