/**
 * The weekly-series dialog's fields → an RRULE of the subset the server understands
 * (`FREQ=WEEKLY`, `INTERVAL`, `BYDAY`, `COUNT` ≤ 200 or `UNTIL`).
 */

export const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type RruleDay = (typeof RRULE_DAYS)[number];

export const MAX_SERIES_COUNT = 200;

export type SeriesEnd = { kind: 'count'; count: number } | { kind: 'until'; until: string };

export interface SeriesFields {
  /** At least one day. */
  weekdays: readonly RruleDay[];
  /** Every `interval` weeks (1 = every week). */
  interval: number;
  end: SeriesEnd;
}

/** The RRULE day of a calendar date `YYYY-MM-DD`. */
export function rruleDayOf(date: string): RruleDay {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const sundayFirst = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return RRULE_DAYS[(sundayFirst + 6) % 7] as RruleDay;
}

/**
 * `FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10`, `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20270630`.
 * Days come out Monday first, without duplicates. Throws on fields the dialog should have refused.
 */
export function buildRrule({ weekdays, interval, end }: SeriesFields): string {
  const days = RRULE_DAYS.filter((day) => weekdays.includes(day));
  if (days.length === 0) throw new Error('a weekly series needs at least one day');
  if (!Number.isInteger(interval) || interval < 1 || interval > 52) throw new Error(`invalid interval ${interval}`);
  const parts = ['FREQ=WEEKLY'];
  if (interval > 1) parts.push(`INTERVAL=${interval}`);
  parts.push(`BYDAY=${days.join(',')}`);
  if (end.kind === 'count') {
    if (!Number.isInteger(end.count) || end.count < 1 || end.count > MAX_SERIES_COUNT) {
      throw new Error(`invalid count ${end.count}`);
    }
    parts.push(`COUNT=${end.count}`);
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(end.until);
    if (!m) throw new Error(`invalid until date ${end.until}`);
    parts.push(`UNTIL=${m[1]}${m[2]}${m[3]}`);
  }
  return parts.join(';');
}
