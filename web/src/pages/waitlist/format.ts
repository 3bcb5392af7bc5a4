/**
 * The waitlist's pure helpers (unit-tested): windows said in French ("mer. 08:00–12:00", "lun.–sam. 08:00–20:00"),
 * the windows editor's rows ↔ the API's weekly ranges, and the offers' states.
 */
import type { WeeklyRange } from '../../api/client.ts';
import { normaliseTime, toMinutes } from '../../lib/weekly.ts';
import type { OfferStatus, WaitlistOffer } from './api.ts';

/** "mer. 08:00–12:00" — `shortNames[0]` is Monday's. */
export function formatWindow(range: WeeklyRange, shortNames: readonly string[]): string {
  return `${shortNames[range.weekday - 1] ?? String(range.weekday)} ${range.start}–${range.end}`;
}

/**
 * The windows as short phrases, Monday first: consecutive days with the same hours are said once
 * ("lun.–sam. 08:00–20:00"), a day with several ranges lists them ("mer. 08:00–12:00, 14:00–18:00").
 */
export function describeWindows(windows: readonly WeeklyRange[], shortNames: readonly string[]): string[] {
  const byDay = new Map<number, string>();
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    const ranges = windows
      .filter((w) => w.weekday === weekday)
      .sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end))
      .map((w) => `${w.start}–${w.end}`);
    if (ranges.length > 0) byDay.set(weekday, ranges.join(', '));
  }
  const out: string[] = [];
  let weekday = 1;
  while (weekday <= 7) {
    const hours = byDay.get(weekday);
    if (hours === undefined) {
      weekday += 1;
      continue;
    }
    let last = weekday;
    while (last < 7 && byDay.get(last + 1) === hours) last += 1;
    const first = shortNames[weekday - 1] ?? String(weekday);
    const days = last === weekday ? first : `${first}–${shortNames[last - 1] ?? String(last)}`;
    out.push(`${days} ${hours}`);
    weekday = last + 1;
  }
  return out;
}

/** One row of the windows editor, as typed (the weekday as the select's value "1".."7"). */
export interface WindowRow {
  weekday: string;
  start: string;
  end: string;
}

export type WindowProblem = 'time' | 'order';

export function rowsFromWindows(windows: readonly WeeklyRange[]): WindowRow[] {
  return [...windows]
    .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start))
    .map((w) => ({ weekday: String(w.weekday), start: w.start, end: w.end }));
}

/** A new row: the day after the last row's (Monday first), same hours; 08:00–12:00 on Monday for the first one. */
export function nextRow(rows: readonly WindowRow[]): WindowRow {
  const last = rows[rows.length - 1];
  if (!last) return { weekday: '1', start: '08:00', end: '12:00' };
  const day = Number(last.weekday);
  return { weekday: String(day >= 1 && day < 7 ? day + 1 : 1), start: last.start, end: last.end };
}

/** Problems of the rows by index: an unreadable time, an end not after its start (the server checks again). */
export function rowProblems(rows: readonly WindowRow[]): Record<number, WindowProblem> {
  const problems: Record<number, WindowProblem> = {};
  rows.forEach((row, index) => {
    const start = toMinutes(normaliseTime(row.start));
    const end = toMinutes(normaliseTime(row.end));
    const day = Number(row.weekday);
    if (start === null || end === null || start >= 24 * 60 || !(day >= 1 && day <= 7)) problems[index] = 'time';
    else if (end <= start) problems[index] = 'order';
  });
  return problems;
}

/** The rows as the API's list, in the rows' order (so that a server error `windows[i]` names row i). */
export function windowsFromRows(rows: readonly WindowRow[]): WeeklyRange[] {
  return rows.map((row) => ({ weekday: Number(row.weekday), start: normaliseTime(row.start), end: normaliseTime(row.end) }));
}

export const OFFER_STATUSES: readonly OfferStatus[] = ['offered', 'accepted', 'declined', 'taken', 'withdrawn', 'expired'];

export const OFFER_STATUS_COLOR: Record<OfferStatus, string> = {
  offered: 'blue',
  accepted: 'green',
  declined: 'gray',
  taken: 'orange',
  withdrawn: 'gray',
  expired: 'dark',
};

/** Still to answer: offered, and neither expired nor begun (the server says `expired` once the time has passed). */
export function isOpen(offer: Pick<WaitlistOffer, 'status' | 'expires_at' | 'starts_at'>, now: number): boolean {
  return offer.status === 'offered' && Date.parse(offer.expires_at) > now && Date.parse(offer.starts_at) > now;
}

/** The state to show: an offer left unanswered past its time is `expired` (as the server says on its next read). */
export function shownStatus(offer: Pick<WaitlistOffer, 'status' | 'expires_at'>, now: number): OfferStatus {
  return offer.status === 'offered' && Date.parse(offer.expires_at) <= now ? 'expired' : offer.status;
}

/** The open offers, the soonest first, and the others, the latest slot first. */
export function splitOffers<T extends Pick<WaitlistOffer, 'status' | 'expires_at' | 'starts_at'>>(
  offers: readonly T[],
  now: number,
): { open: T[]; past: T[] } {
  const open = offers.filter((o) => isOpen(o, now)).sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  const past = offers.filter((o) => !isOpen(o, now)).sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at));
  return { open, past };
}
