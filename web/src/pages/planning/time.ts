/**
 * Time for the planning. The calendar works in "floating" wall-clock times (`2026-12-02T07:00:00`, no offset):
 * lessons are converted to the school's wall clock (session.tenant.timezone) before being shown, and the dates
 * the calendar hands back (JavaScript Dates whose local fields hold that wall clock) are converted back to
 * instants in the school's zone. So the planning shows school time whatever the browser's zone, across
 * summer-time changes.
 */
import { addDays } from '../../lib/holidays.ts';
import { instantToLocalInput, localInputToInstant, zoneOffsetMs } from '../../lib/zonedTime.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-02T07:00:00`: the school's wall clock at an instant, as the calendar takes it. */
export function wallClock(iso: string, timeZone: string): string {
  const local = instantToLocalInput(iso, timeZone);
  return local === '' ? '' : `${local}:00`;
}

/** `2026-12-02T07:00` from the local fields of a calendar Date (which hold the school's wall clock). */
export function dateToLocalInput(date: Date): string {
  return `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** `2026-12-02` from the local fields of a calendar Date. */
export function dateToDay(date: Date): string {
  return dateToLocalInput(date).slice(0, 10);
}

/** The instant (RFC 3339, UTC) of a calendar Date, read as the school's wall clock. */
export function calendarDateToInstant(date: Date, timeZone: string): string {
  const instant = localInputToInstant(dateToLocalInput(date), timeZone);
  if (instant === null) throw new Error(`unreadable calendar date ${String(date)}`);
  return instant;
}

/** The instant of midnight starting a day `YYYY-MM-DD`, in the school's zone. */
export function dayStartInstant(day: string, timeZone: string): string {
  const instant = localInputToInstant(`${day}T00:00`, timeZone);
  if (instant === null) throw new Error(`unreadable day ${day}`);
  return instant;
}

/** `+01:00` / `+02:00`: the zone's offset at an instant (the calendar's `timeZone` option, for "now" and "today"). */
export function zoneOffsetString(timeZone: string, now: number = Date.now()): string {
  const minutes = Math.round(zoneOffsetMs(now, timeZone) / 60000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `07:00`, the school's wall-clock time of an instant. */
export function timeOf(iso: string, timeZone: string): string {
  return instantToLocalInput(iso, timeZone).slice(11, 16);
}

/** `2026-12-02`, the school's date of an instant. */
export function dayOf(iso: string, timeZone: string): string {
  return instantToLocalInput(iso, timeZone).slice(0, 10);
}

/** The Monday of the week of a day `YYYY-MM-DD`. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const sundayFirst = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(day, -((sundayFirst + 6) % 7));
}

/** Whether a day `YYYY-MM-DD` is a Monday. */
export function isMonday(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && mondayOf(day) === day;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = fmtCache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('fr-FR', { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('fr-FR', options);
    }
    fmtCache.set(key, f);
  }
  return f;
}

/** "mercredi 2 décembre 2026, 07:00 – 08:00" (or "… 07:00 – jeudi 3 décembre 2026, 08:00" across days). */
export function formatSpan(startIso: string, endIso: string, timeZone: string): string {
  const day = fmt(timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startIso} – ${endIso}`;
  if (dayOf(startIso, timeZone) === dayOf(endIso, timeZone)) {
    return `${day.format(start)}, ${timeOf(startIso, timeZone)} – ${timeOf(endIso, timeZone)}`;
  }
  return `${day.format(start)}, ${timeOf(startIso, timeZone)} – ${day.format(end)}, ${timeOf(endIso, timeZone)}`;
}

/** "mer. 2 déc., 07:00": short, for notifications. */
export function formatShort(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${fmt(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(date)}, ${timeOf(iso, timeZone)}`;
}

/** "02/12/2026 07:00" for an instant (conflicts spanning several days). */
export function formatDayTime(iso: string, timeZone: string): string {
  const local = instantToLocalInput(iso, timeZone);
  if (local === '') return iso;
  return `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 16)}`;
}
