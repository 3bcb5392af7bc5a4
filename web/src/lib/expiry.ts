/**
 * Due dates (teaching authorisation, technical inspection, insurance): red once past, orange when close.
 * Dates are calendar dates (`YYYY-MM-DD`), compared with today's date in the school's time zone.
 */
export type ExpiryLevel = 'expired' | 'soon' | 'ok';

/** Days before a due date from which it shows orange. */
export const AUTHORISATION_WARNING_DAYS = 60;
export const VEHICLE_WARNING_DAYS = 30;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

function dayNumber(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS);
}

/** Whole days from `today` to `date` (negative once past), or null for a missing or unreadable date. */
export function daysUntil(date: string | null | undefined, today: string): number | null {
  if (!date) return null;
  const d = dayNumber(date);
  const t = dayNumber(today);
  return d === null || t === null ? null : d - t;
}

/**
 * `expired` when the date is before today, `soon` from `warningDays` days before it up to the date itself
 * (still valid that day), `ok` otherwise; null without a date.
 */
export function expiryLevel(date: string | null | undefined, today: string, warningDays: number): ExpiryLevel | null {
  const days = daysUntil(date, today);
  if (days === null) return null;
  if (days < 0) return 'expired';
  if (days <= warningDays) return 'soon';
  return 'ok';
}

/** Mantine colours with a text contrast above 4.5:1 on white. */
export const EXPIRY_COLOR: Record<ExpiryLevel, string | undefined> = {
  expired: 'red.8',
  soon: 'orange.9',
  ok: undefined,
};
