/**
 * The weekly grid editor's logic (opening hours of an agency, availability of an instructor): the API's flat list of
 * `{weekday 1..7, start "HH:MM", end "HH:MM"}` (school wall-clock times) ↔ seven rows of ranges, Monday first.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WeeklyRange } from '../api/client.ts';
import { ApiError } from '../api/problem.ts';

export interface TimeRange {
  start: string;
  end: string;
}

/** Index 0 = Monday (weekday 1) … 6 = Sunday (weekday 7). */
export type WeekGrid = TimeRange[][];

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTES_PER_DAY = 24 * 60;
const LAST_MINUTE = MINUTES_PER_DAY - 1;

/** Minutes since midnight of `HH:MM` (and 24:00 for the end of the day), or null. */
export function toMinutes(value: string): number | null {
  if (value === '24:00') return MINUTES_PER_DAY;
  const m = HHMM.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function fromMinutes(minutes: number): string {
  const m = Math.max(0, Math.min(MINUTES_PER_DAY, Math.round(minutes)));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * What a person typed, as `HH:MM` when it can be read: `9` → `09:00`, `930` / `9h30` / `9:30` / `09.30` → `09:30`.
 * Anything else comes back unchanged (validation then says so).
 */
export function normaliseTime(input: string): string {
  const raw = input.trim().toLowerCase();
  if (raw === '') return '';
  let hours: number;
  let minutes: number;
  const sep = /^(\d{1,2})\s*[:h.]\s*(\d{0,2})$/.exec(raw);
  if (sep) {
    hours = Number(sep[1]);
    minutes = sep[2] ? Number(sep[2]) : 0;
    if (sep[2]?.length === 1) minutes *= 10;
  } else if (/^\d{1,4}$/.test(raw)) {
    const digits = raw.length <= 2 ? `${raw.padStart(2, '0')}00` : raw.padStart(4, '0');
    hours = Number(digits.slice(0, 2));
    minutes = Number(digits.slice(2));
  } else {
    return input;
  }
  if (hours === 24 && minutes === 0) return '24:00';
  if (hours > 23 || minutes > 59) return input;
  return fromMinutes(hours * 60 + minutes);
}

/** Orders ranges by start, then end; unreadable times go last (in their original order). */
export function sortRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const key = (v: string) => toMinutes(v) ?? Number.POSITIVE_INFINITY;
  return ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => key(a.range.start) - key(b.range.start) || key(a.range.end) - key(b.range.end) || a.index - b.index)
    .map(({ range }) => range);
}

export function emptyGrid(): WeekGrid {
  return WEEKDAYS.map(() => []);
}

/** The API's list as seven sorted rows (ranges of an unknown weekday are dropped). */
export function gridFromWeekly(weekly: readonly WeeklyRange[]): WeekGrid {
  const grid = emptyGrid();
  for (const { weekday, start, end } of weekly) {
    grid[weekday - 1]?.push({ start, end });
  }
  return grid.map(sortRanges);
}

/** Where a range of the API list comes from in the grid: `day` 0..6, `index` in that row. */
export interface GridPosition {
  day: number;
  index: number;
}

/**
 * The grid as the API's list (times tidied by `normaliseTime`), Monday first and each day sorted, with `positions[i]` telling which grid cell the
 * `i`-th range came from (to put a server error such as `weekly[3]` under the right inputs).
 */
export function weeklyFromGrid(grid: WeekGrid): { weekly: WeeklyRange[]; positions: GridPosition[] } {
  const weekly: WeeklyRange[] = [];
  const positions: GridPosition[] = [];
  grid.forEach((ranges, day) => {
    const key = (v: string) => toMinutes(normaliseTime(v)) ?? Number.POSITIVE_INFINITY;
    const order = ranges
      .map((range, index) => ({ range, index }))
      .sort((a, b) => key(a.range.start) - key(b.range.start) || key(a.range.end) - key(b.range.end) || a.index - b.index);
    for (const { range, index } of order) {
      weekly.push({ weekday: day + 1, start: normaliseTime(range.start), end: normaliseTime(range.end) });
      positions.push({ day, index });
    }
  });
  return { weekly, positions };
}

/**
 * A new range for a day: 09:00–12:00 on an empty day, else starting an hour after the day's last end and lasting
 * two hours (cut at 23:59); blank when the day is already full.
 */
export function suggestRange(ranges: readonly TimeRange[]): TimeRange {
  if (ranges.length === 0) return { start: '09:00', end: '12:00' };
  const ends = ranges.map((r) => toMinutes(r.end)).filter((m): m is number => m !== null);
  if (ends.length === 0) return { start: '', end: '' };
  const start = Math.max(...ends) + 60;
  if (start >= LAST_MINUTE) return { start: '', end: '' };
  return { start: fromMinutes(start), end: fromMinutes(Math.min(start + 120, LAST_MINUTE)) };
}

export function addRange(grid: WeekGrid, day: number, range?: TimeRange): WeekGrid {
  return grid.map((ranges, d) => (d === day ? [...ranges, range ?? suggestRange(ranges)] : ranges));
}

export function removeRange(grid: WeekGrid, day: number, index: number): WeekGrid {
  return grid.map((ranges, d) => (d === day ? ranges.filter((_, i) => i !== index) : ranges));
}

export function updateRange(grid: WeekGrid, day: number, index: number, change: Partial<TimeRange>): WeekGrid {
  return grid.map((ranges, d) => (d === day ? ranges.map((r, i) => (i === index ? { ...r, ...change } : r)) : ranges));
}

/** Every row sorted (after a save, or to tidy up). */
export function sortGrid(grid: WeekGrid): WeekGrid {
  return grid.map(sortRanges);
}

export function sameGrid(a: WeekGrid, b: WeekGrid): boolean {
  return JSON.stringify(weeklyFromGrid(a).weekly) === JSON.stringify(weeklyFromGrid(b).weekly);
}

/** Why a range is refused, checked like the server does (it checks again). */
export type RangeProblem = 'time' | 'order' | 'overlap';

/** Key of a range in error maps: `"day.index"`. */
export const rangeKey = (day: number, index: number) => `${day}.${index}`;

/**
 * Problems of the grid: unreadable times, an end not after its start, ranges of a day that overlap. Times are read
 * as `normaliseTime` reads them (what `weeklyFromGrid` sends).
 */
export function gridProblems(grid: WeekGrid): Record<string, RangeProblem> {
  const problems: Record<string, RangeProblem> = {};
  grid.forEach((ranges, day) => {
    const valid: { start: number; end: number; index: number }[] = [];
    ranges.forEach((range, index) => {
      const startText = normaliseTime(range.start);
      const start = startText === '24:00' ? null : toMinutes(startText);
      const end = toMinutes(normaliseTime(range.end));
      if (start === null || end === null) problems[rangeKey(day, index)] = 'time';
      else if (end <= start) problems[rangeKey(day, index)] = 'order';
      else valid.push({ start, end, index });
    });
    valid.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < valid.length; i += 1) {
      const previous = valid[i - 1];
      const current = valid[i];
      if (previous && current && current.start < previous.end) problems[rangeKey(day, current.index)] = 'overlap';
    }
  });
  return problems;
}

/**
 * Server errors about the list (`weekly[3]`, `opening_hours[0]`, with `field` = `weekly`) keyed by grid cell,
 * using the positions of the list that was sent.
 */
export function gridErrorsFromServer(
  errors: readonly { field: string; message: string }[],
  field: string,
  positions: readonly GridPosition[],
): Record<string, string> {
  const out: Record<string, string> = {};
  const re = new RegExp(`^${field}\\[(\\d+)\\]`);
  for (const error of errors) {
    const m = re.exec(error.field);
    if (!m) continue;
    const position = positions[Number(m[1])];
    if (!position) continue;
    const key = rangeKey(position.day, position.index);
    if (!(key in out)) out[key] = error.message;
  }
  return out;
}

/**
 * The errors of a week grid edited in a form (an agency's or the school's opening hours, an instructor's week), and
 * the list to send: the grid's own checks first, then the server's `field[i]` errors put back under the ranges they
 * came from (the list is sorted, so its order is not the grid's).
 */
export function useWeekGridErrors(field: string) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const sent = useRef<GridPosition[]>([]);
  return {
    errors,
    clear: () => setErrors({}),
    /** The API's list, or null (and the problems shown under the ranges) when the grid has problems. */
    toWeekly: (grid: WeekGrid): WeeklyRange[] | null => {
      const problems = gridProblems(grid);
      if (Object.keys(problems).length > 0) {
        setErrors(Object.fromEntries(Object.entries(problems).map(([key, problem]) => [key, t(`weekGrid.problems.${problem}`)])));
        return null;
      }
      const { weekly, positions } = weeklyFromGrid(grid);
      sent.current = positions;
      return weekly;
    },
    /** The server's refusal of the list last sent, under its ranges. */
    showRefusal: (error: unknown) => {
      setErrors(error instanceof ApiError ? gridErrorsFromServer(error.problem.errors ?? [], field, sent.current) : {});
    },
  };
}

/** "09:00–12:30, 14:00–18:00" */
export function describeRanges(ranges: readonly TimeRange[]): string {
  return ranges.map((r) => `${r.start}–${r.end}`).join(', ');
}
