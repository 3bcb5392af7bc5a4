/**
 * An instructor's busy times from their external calendars (a personal agenda imported as ICS) → read-only background
 * events of the planning (pure functions, unit-tested). The calendar draws background events behind the lessons,
 * without a role, a tab stop, a click or a drag: they only say "this instructor is busy elsewhere", in words
 * ("Occupé (agenda externe)" and the event's summary) and by their hatching (see calendar.css).
 */
import type { Calendar } from '@event-calendar/core';
import type { TFunction } from 'i18next';
import type { ResponseBody } from '../../api/client.ts';
import { wallClock } from './time.ts';

export type BusyTime = ResponseBody<'/api/v1/instructors/{id}/busy', 'get', 200>[number];

/** The class of a busy time's background event (styled in calendar.css, recognised by the content renderer). */
export const BUSY_CLASS = 'vl-external-busy';

/** What a busy time's event carries besides its title (read by the calendar's content renderer). */
export interface BusyEventProps {
  busy: true;
  instructorId: string;
  /** "Occupé (agenda externe)". */
  label: string;
  /** The event's summary in the external calendar ("Dentiste"), or ''. */
  summary: string;
  calendarName: string;
  [key: string]: unknown;
}

export function isBusyEventProps(props: unknown): props is BusyEventProps {
  return typeof props === 'object' && props !== null && (props as { busy?: unknown }).busy === true;
}

export interface BusyContext {
  timeZone: string;
  t: TFunction;
}

/**
 * One instructor's busy times as background events in the school's wall-clock time, in their column of the
 * per-instructor views. Each event has a stable id (the same busy time keeps the same id across refetches, so that
 * the calendar updates only what changed); empty or unreadable times are left out.
 */
export function busyEvents(
  busy: readonly BusyTime[],
  instructorId: string,
  ctx: BusyContext,
): Calendar.EventInput[] {
  const label = ctx.t('planning.busy.label');
  const seen = new Map<string, number>();
  const events: Calendar.EventInput[] = [];
  for (const time of busy) {
    const start = wallClock(time.starts_at, ctx.timeZone);
    const end = wallClock(time.ends_at, ctx.timeZone);
    if (start === '' || end === '' || !(Date.parse(time.ends_at) > Date.parse(time.starts_at))) continue;
    const summary = time.summary?.trim() ?? '';
    // Two calendars may hold the same time: the n-th copy gets its own id.
    const base = `agenda-${instructorId}-${time.starts_at}-${time.ends_at}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const extendedProps: BusyEventProps = { busy: true, instructorId, label, summary, calendarName: time.calendar_name };
    events.push({
      id: n === 0 ? base : `${base}-${n}`,
      start,
      end,
      allDay: false,
      display: 'background',
      title: summary ? ctx.t('planning.busy.withSummary', { summary }) : label,
      editable: false,
      startEditable: false,
      durationEditable: false,
      resourceIds: [instructorId],
      classNames: [BUSY_CLASS],
      extendedProps,
    });
  }
  return events;
}

const eventCache = new WeakMap<BusyContext, WeakMap<readonly BusyTime[], { instructorId: string; events: Calendar.EventInput[] }>>();

/**
 * `busyEvents`, the same events for the same list (TanStack Query keeps an unchanged answer identical across refetches,
 * and the calendar then has nothing to update). Give a stable context.
 */
export function cachedBusyEvents(busy: readonly BusyTime[], instructorId: string, ctx: BusyContext): Calendar.EventInput[] {
  let byList = eventCache.get(ctx);
  if (!byList) {
    byList = new WeakMap();
    eventCache.set(ctx, byList);
  }
  const hit = byList.get(busy);
  if (hit && hit.instructorId === instructorId) return hit.events;
  const events = busyEvents(busy, instructorId, ctx);
  byList.set(busy, { instructorId, events });
  return events;
}
