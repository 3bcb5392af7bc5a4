/**
 * Durations in minutes, shown the French way: "20 h", "1 h 30", "45 min", "−2 h 15".
 * Used for the students' hours (the API counts minutes).
 */

const MINUS = '\u2212';

/**
 * "20 h", "1 h 30", "1 h 05", "45 min", "0 h"; negative values start with a minus sign ("−1 h 30").
 * `signed` adds a "+" to positive values (ledger entries).
 */
export function formatMinutes(total: number, { signed = false }: { signed?: boolean } = {}): string {
  if (!Number.isFinite(total)) return '';
  const rounded = Math.round(total);
  const sign = rounded < 0 ? MINUS : signed && rounded > 0 ? '+' : '';
  const abs = Math.abs(rounded);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  let body: string;
  if (hours === 0 && minutes > 0) body = `${minutes} min`;
  else if (minutes === 0) body = `${hours} h`;
  else body = `${hours} h ${String(minutes).padStart(2, '0')}`;
  return `${sign}${body}`;
}

/** 90 → { hours: 1, minutes: 30 } (of the absolute value). */
export function splitMinutes(total: number): { hours: number; minutes: number } {
  const abs = Math.abs(Math.round(total));
  return { hours: Math.floor(abs / 60), minutes: abs % 60 };
}

/**
 * Hours and minutes typed in two inputs → minutes, or null when both are empty or either is invalid
 * (negative, not a whole number, minutes above 59). Empty parts count as 0.
 */
export function toMinutes(hours: number | string, minutes: number | string): number | null {
  const h = part(hours);
  const m = part(minutes);
  if (h === undefined || m === undefined) return null;
  if (h === null && m === null) return null;
  if ((m ?? 0) > 59) return null;
  return (h ?? 0) * 60 + (m ?? 0);
}

/** `undefined`: invalid; `null`: empty. */
function part(value: number | string): number | null | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

/**
 * A duration typed as text → minutes: "20", "20 h", "20h", "1 h 30", "1h30", "1:30", "1,5" / "1.5" (hours),
 * "45 min", "45min". Null when unreadable.
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s === '') return null;
  let m = /^(\d+) ?min$/.exec(s);
  if (m) return Number(m[1]);
  m = /^(\d+)(?: ?h ?| ?: ?)(\d{1,2})?(?: ?min)?$/.exec(s);
  if (m) {
    const minutes = m[2] === undefined ? 0 : Number(m[2]);
    return minutes > 59 ? null : Number(m[1]) * 60 + minutes;
  }
  m = /^(\d+)(?:[.,](\d+))? ?h?$/.exec(s);
  if (m) {
    const hours = Number(`${m[1]}.${m[2] ?? '0'}`);
    return Math.round(hours * 60);
  }
  return null;
}
