/** Dates and times in French, in the school's time zone. */
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let fmt = cache.get(key);
  if (!fmt) {
    try {
      fmt = new Intl.DateTimeFormat('fr-FR', { ...options, timeZone });
    } catch {
      // Unknown zone: fall back to the browser's zone rather than failing the page.
      fmt = new Intl.DateTimeFormat('fr-FR', options);
    }
    cache.set(key, fmt);
  }
  return fmt;
}

/** "12/03/2026 14:05:09" */
export function formatDateTime(iso: string, timeZone: string, withSeconds = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(timeZone, {
    dateStyle: 'short',
    timeStyle: withSeconds ? 'medium' : 'short',
  }).format(date);
}

/** "12 mars 2026" */
export function formatDate(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(timeZone, { dateStyle: 'long' }).format(date);
}

/** "12/03/2026": the day of an instant, in the school's zone. */
export function formatShortDate(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(timeZone, { dateStyle: 'short' }).format(date);
}

/** "07/12/2026" for a calendar date `YYYY-MM-DD` (no time zone involved). */
export function formatCalendarDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date;
}

/** "14 h 00", "8 h 30": the French way of writing a time of day, in the school's zone. */
export function formatHour(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = formatter(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '';
  return `${String(Number(hour))} h ${minute}`;
}

/** "mardi 8 décembre, 14 h 00" (the year only when it is not this one's, "mardi 8 décembre 2027, 14 h 00"). */
export function formatMoment(iso: string, timeZone: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const year = formatter(timeZone, { year: 'numeric' });
  const sameYear = year.format(date) === year.format(now);
  const day = formatter(timeZone, { weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(date);
  return `${day}, ${formatHour(iso, timeZone)}`;
}

const relative = new Intl.RelativeTimeFormat('fr-FR', { numeric: 'always' });

/**
 * How long ago, for what just happened: "à l'instant", "il y a 5 minutes", "il y a 3 heures" (up to 12 hours); older,
 * the moment itself in the school's zone ("mardi 8 décembre, 14 h 00").
 */
export function formatSince(iso: string, timeZone: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const minutes = Math.floor((now.getTime() - date.getTime()) / 60_000);
  // A clock a little ahead of the server's is still "now".
  if (minutes < -5) return formatMoment(iso, timeZone, now);
  if (minutes < 1) return "à l'instant";
  if (minutes < 60) return relative.format(-minutes, 'minute');
  if (minutes < 12 * 60) return relative.format(-Math.floor(minutes / 60), 'hour');
  return formatMoment(iso, timeZone, now);
}
