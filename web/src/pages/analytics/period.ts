/**
 * The periods of "Statistiques": the presets (this month, last month, the last 3 or 12 months, this year) as days of
 * the school `YYYY-MM-DD`, both included like the API's `from` and `to`; and the weeks and months a period spans, so
 * that the charts show the empty ones too (the API sends only those with something in them).
 */
import { addDays } from '../../lib/holidays.ts';
import { mondayOf } from '../planning/time.ts';

export const PRESETS = ['ce-mois', 'mois-dernier', '3-mois', '12-mois', 'annee'] as const;
export type Preset = (typeof PRESETS)[number];
/** A preset, or the two dates typed by hand. */
export type PeriodChoice = Preset | 'perso';
export const DEFAULT_PRESET: Preset = '12-mois';

export interface Period {
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM` of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

/** The month `n` months after `YYYY-MM` (before, when negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${pad((index % 12) + 1)}`;
}

/** The first and last days of a month `YYYY-MM`. */
export function monthBounds(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${pad(last)}` };
}

/** The same day `n` months before `day`, or the month's last day when it has fewer days (31 May − 3 months: 28 Feb). */
function monthsBefore(day: string, n: number): string {
  const month = addMonths(monthOf(day), -n);
  const last = monthBounds(month).to;
  const wanted = `${month}-${day.slice(8)}`;
  return wanted > last ? last : wanted;
}

/**
 * The days of a preset, given today in the school's zone: this month and last month whole (this month's planned
 * lessons show as planned), the last 3 or 12 months up to today (the day after the same day 3 or 12 months ago), this
 * year from 1 January to today.
 */
export function presetPeriod(preset: Preset, today: string): Period {
  switch (preset) {
    case 'ce-mois':
      return monthBounds(monthOf(today));
    case 'mois-dernier':
      return monthBounds(addMonths(monthOf(today), -1));
    case '3-mois':
      return { from: addDays(monthsBefore(today, 3), 1), to: today };
    case '12-mois':
      return { from: addDays(monthsBefore(today, 12), 1), to: today };
    case 'annee':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
  }
}

/** The month before today's, `YYYY-MM`: the payroll's default. */
export function previousMonth(today: string): string {
  return addMonths(monthOf(today), -1);
}

/** The Monday of each week that has a day in the period, in order. */
export function weeksOf({ from, to }: Period): string[] {
  const weeks: string[] = [];
  for (let monday = mondayOf(from); monday <= to; monday = addDays(monday, 7)) weeks.push(monday);
  return weeks;
}

/** Each month `YYYY-MM` that has a day in the period, in order. */
export function monthsOf({ from, to }: Period): string[] {
  const months: string[] = [];
  for (let month = monthOf(from); month <= monthOf(to); month = addMonths(month, 1)) months.push(month);
  return months;
}

/** Basis points (never negative) as a French percentage to a tenth: 8750 → "87,5 %", 10000 → "100 %"; none → null. */
export function formatRate(bp: number | null | undefined): string | null {
  if (bp === null || bp === undefined || !Number.isFinite(bp)) return null;
  const tenths = Math.max(0, Math.round(bp / 10));
  const fraction = tenths % 10;
  return `${String(Math.floor(tenths / 10))}${fraction ? `,${String(fraction)}` : ''}\u00a0%`;
}

/** A share `part / whole` in basis points, or null when the whole is 0. */
export function shareBp(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part * 10000) / whole) : null;
}

/** Minutes as hours to a tenth, for a chart's axis: 90 → 1.5. */
export function hoursOf(minutes: number): number {
  return Math.round(minutes / 6) / 10;
}

/** A number of hours the French way, for a chart's axis and tooltip: 1.5 → "1,5 h". */
export function formatHours(hours: number): string {
  return `${String(Math.round(hours * 10) / 10).replace('.', ',')}\u00a0h`;
}

/** Whole euros for a chart's axis and tooltip: 1234.5 → "1 235 €". */
export function formatWholeEuros(euros: number): string {
  const rounded = Math.round(euros);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${rounded < 0 ? '\u2212' : ''}${digits}\u00a0€`;
}
