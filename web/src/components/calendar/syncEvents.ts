/** Incremental event updates for @event-calendar/core (see EventCalendar.tsx). */
import type { Calendar } from '@event-calendar/core';

type Sink = Pick<Calendar, 'setOption' | 'removeEventById' | 'getEventById' | 'updateEvent' | 'addEvent'>;

function setEvents(calendar: Sink, events: readonly EventItem[]): void {
  (calendar.setOption as (name: string, value: unknown) => unknown)('events', events);
}

export type EventItem = Calendar.Event | Calendar.EventInput;

/** Above this many changed events, the whole list is sent again (cheaper than one update each). */
const MAX_INCREMENTAL = 40;

/**
 * Brings the calendar's events from `before` to `after`, comparing them by id and identity (give the same object
 * for an unchanged event). Re-parsing every event rebuilds every element, so a few changes are applied one by one.
 */
export function syncEvents(calendar: Sink, before: readonly EventItem[] | undefined, after: readonly EventItem[]): void {
  const ids = (list: readonly EventItem[]) => new Map(list.map((e) => [e.id === undefined ? undefined : String(e.id), e]));
  const prev = before ? ids(before) : null;
  const next = ids(after);
  if (!prev || prev.has(undefined) || next.has(undefined) || prev.size !== before?.length || next.size !== after.length) {
    setEvents(calendar, after);
    return;
  }
  const removed = [...prev.keys()].filter((id): id is string => id !== undefined && !next.has(id));
  const changed: EventItem[] = [];
  for (const [id, event] of next) {
    if (prev.get(id) !== event) changed.push(event);
  }
  if (removed.length + changed.length === 0) return;
  if (removed.length + changed.length > MAX_INCREMENTAL) {
    setEvents(calendar, after);
    return;
  }
  for (const id of removed) calendar.removeEventById(id);
  for (const event of changed) {
    if (event.id !== undefined && calendar.getEventById(event.id)) calendar.updateEvent(event);
    else calendar.addEvent(event);
  }
}
