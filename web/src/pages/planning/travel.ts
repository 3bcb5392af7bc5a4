/**
 * The instructors' trips between two lessons at different meeting points → read-only background events of the
 * planning (pure functions, unit-tested): a thin band after the end of the first lesson, as long as the trip,
 * written "Trajet 8 min", and "trajet trop court" in words (not by its red alone) when the trip does not fit the gap.
 */
import type { Calendar } from '@event-calendar/core';
import type { TFunction } from 'i18next';
import type { ResponseBody } from '../../api/client.ts';
import { wallClock } from './time.ts';

export type TravelGap = ResponseBody<'/api/v1/travel-gaps', 'get', 200>[number];

/** The classes of a trip's background event (styled in calendar.css, recognised by the content renderer). */
export const TRAVEL_CLASS = 'vl-travel';
export const TRAVEL_SHORT_CLASS = 'vl-travel-short';

/** The shortest band drawn (minutes), so that its words can be read (a shorter gap keeps its own length). */
const MIN_BAND_MINUTES = 20;

/** What a trip's event carries besides its title (read by the calendar's content renderer). */
export interface TravelEventProps {
  travel: true;
  instructorId: string;
  /** "Trajet 8 min". */
  label: string;
  /** "trajet trop court", or ''. */
  warning: string;
  /** "Agence → Gare de Tours". */
  detail: string;
  /** The whole sentence, for a tooltip. */
  description: string;
  [key: string]: unknown;
}

export function isTravelEventProps(props: unknown): props is TravelEventProps {
  return typeof props === 'object' && props !== null && (props as { travel?: unknown }).travel === true;
}

export interface TravelContext {
  timeZone: string;
  t: TFunction;
}

/**
 * The trips as background events in the school's wall-clock time, each in its instructor's column (per-instructor
 * views). A trip between two lessons that touch (no gap at all) has no band: the summary line and the lesson's
 * warning say it.
 */
export function travelEvents(gaps: readonly TravelGap[], ctx: TravelContext): Calendar.EventInput[] {
  const events: Calendar.EventInput[] = [];
  for (const gap of gaps) {
    if (!(Date.parse(gap.ends_at) > Date.parse(gap.starts_at))) continue;
    // The band covers the trip, from the end of the first lesson (tall enough for its words), not the whole gap: a
    // 2-minute trip in a 4-hour gap is a short band after the lesson; a trip too long fills the gap it overflows.
    const bandEnd = Math.min(Date.parse(gap.ends_at), Date.parse(gap.starts_at) + Math.max(gap.needed_minutes, MIN_BAND_MINUTES) * 60_000);
    const start = wallClock(gap.starts_at, ctx.timeZone);
    const end = wallClock(new Date(bandEnd).toISOString(), ctx.timeZone);
    if (start === '' || end === '') continue;
    const minutes = gap.needed_minutes;
    const label = ctx.t('planning.travel.label', { minutes });
    const description = gap.too_short
      ? ctx.t('planning.travel.titleTooShort', { minutes, from: gap.from, to: gap.to, available: gap.available_minutes })
      : ctx.t('planning.travel.title', { minutes, from: gap.from, to: gap.to });
    const extendedProps: TravelEventProps = {
      travel: true,
      instructorId: gap.instructor_id,
      label,
      warning: gap.too_short ? ctx.t('planning.travel.tooShort') : '',
      detail: ctx.t('planning.travel.detail', { from: gap.from, to: gap.to }),
      description,
    };
    events.push({
      id: `trajet-${gap.from_lesson_id}-${gap.to_lesson_id}`,
      start,
      end,
      allDay: false,
      display: 'background',
      title: gap.too_short ? `${label} · ${ctx.t('planning.travel.tooShort')}` : label,
      editable: false,
      startEditable: false,
      durationEditable: false,
      resourceIds: [gap.instructor_id],
      classNames: gap.too_short ? [TRAVEL_CLASS, TRAVEL_SHORT_CLASS] : [TRAVEL_CLASS],
      extendedProps,
    });
  }
  return events;
}

const eventCache = new WeakMap<TravelContext, WeakMap<readonly TravelGap[], Calendar.EventInput[]>>();

/** `travelEvents`, the same events for the same list (the calendar then has nothing to update). Give a stable context. */
export function cachedTravelEvents(gaps: readonly TravelGap[], ctx: TravelContext): Calendar.EventInput[] {
  let byList = eventCache.get(ctx);
  if (!byList) {
    byList = new WeakMap();
    eventCache.set(ctx, byList);
  }
  const hit = byList.get(gaps);
  if (hit) return hit;
  const events = travelEvents(gaps, ctx);
  byList.set(gaps, events);
  return events;
}

/**
 * The trips too short for their gap, in time order, as one line each: "mar. 8 déc., 10:00 Julien Moreau : Agence →
 * Gare de Tours (12 min de trajet, 0 min disponibles)". `names` gives the instructors' (left out when empty: an
 * instructor's own planning).
 */
export function tooShortLines(
  gaps: readonly TravelGap[],
  names: ReadonlyMap<string, string> | null,
  formatWhen: (iso: string) => string,
  t: TFunction,
): string[] {
  return gaps
    .filter((g) => g.too_short)
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at) || a.instructor_id.localeCompare(b.instructor_id))
    .map((g) => {
      const name = names?.get(g.instructor_id);
      return t('planning.travel.summaryItem', {
        when: formatWhen(g.starts_at),
        who: name ? `${name} : ` : '',
        from: g.from,
        to: g.to,
        needed: g.needed_minutes,
        available: g.available_minutes,
      });
    });
}
