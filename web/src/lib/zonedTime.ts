/**
 * Wall-clock times of the school ↔ instants (RFC 3339), in the school's IANA time zone (session.tenant.timezone),
 * whatever the zone of the browser. `local` values are what `<input type="datetime-local">` holds: `YYYY-MM-DDTHH:MM`.
 */
const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let fmt = partsCache.get(timeZone);
  if (!fmt) {
    const options: Intl.DateTimeFormatOptions = {
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    };
    try {
      fmt = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      // Unknown zone: the browser's zone rather than a broken page (as formatDateTime does).
      fmt = new Intl.DateTimeFormat('en-US', options);
    }
    partsCache.set(timeZone, fmt);
  }
  return fmt;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function fieldsAt(epochMs: number, timeZone: string): Fields {
  const out: Fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of partsFormatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type in out) out[part.type as keyof Fields] = Number(part.value);
  }
  return out;
}

/** Offset of the zone from UTC at an instant, in milliseconds (Paris: +1 h in winter, +2 h in summer). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const f = fieldsAt(epochMs, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-12-07T00:00` for an instant, in the zone. Empty for an unreadable instant. */
export function instantToLocalInput(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const f = fieldsAt(ms, timeZone);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant of a wall-clock time in the zone, as RFC 3339 in UTC (`2027-03-28T01:30:00Z`), or null if unreadable.
 * Like Temporal's "compatible" disambiguation: a time skipped by the spring change (02:30 on 28 March 2027 in
 * Paris) is moved forward by the gap (03:30 CEST); a time repeated in autumn takes its first occurrence.
 */
export function localInputToInstant(local: string, timeZone: string): string | null {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, sec].map((v) => (v === undefined ? 0 : Number(v))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCDate() !== day) return null; // 31 February…

  const DAY = 24 * 60 * 60 * 1000;
  const before = zoneOffsetMs(wall - DAY, timeZone);
  const after = zoneOffsetMs(wall + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => zoneOffsetMs(instant, timeZone) + instant === wall)
    .sort((a, b) => a - b);
  // In a gap no candidate matches: keep the offset in force before the change, which moves the time forward.
  const instant = candidates[0] ?? wall - before;
  return new Date(instant).toISOString().replace(/\.000Z$/, 'Z');
}

/** Today's date in the zone, `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  const f = fieldsAt(now, timeZone);
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
}
