/**
 * What the calendar draws inside an event and a column header, as DOM nodes (text only: names are never
 * parsed as HTML).
 */
import type { Calendar } from '@event-calendar/core';
import type { TFunction } from 'i18next';
import { isBusyEventProps } from './busy.ts';
import type { LessonEventProps } from './events.ts';
import { isTravelEventProps } from './travel.ts';
import { dateToDay } from './time.ts';

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/**
 * An event's time range ("08:00 – 09:00"), formatted once per distinct range: a busy week draws
 * hundreds of lessons on a few dozen slots, and `formatRange` for each was a sixth of the time the
 * 500-lesson week takes to draw (docs/scaling.md). Same formatter as the calendar's own.
 */
export function eventTimeText(): (start: Date, end: Date | null) => string {
  const intl = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });
  const known = new Map<string, string>();
  return (start, end) => {
    const key = `${start.getTime()}-${end?.getTime() ?? ''}`;
    let text = known.get(key);
    if (text === undefined) {
      text = end && start <= end ? intl.formatRange(start, end) : intl.format(start);
      if (known.size > 5000) known.clear();
      known.set(key, text);
    }
    return text;
  };
}

/** Time, title, then who/what/where; compact in the month view. */
export function eventContent(t: TFunction) {
  // The warnings' words per count, asked of i18next once each.
  const warningWords = new Map<number, string>();
  const warnings = (count: number) => {
    let words = warningWords.get(count);
    if (words === undefined) {
      words = `⚠ ${t('planning.event.warnings', { count })}`;
      warningWords.set(count, words);
    }
    return words;
  };
  return (info: Calendar.EventContentInfo): Calendar.Content | undefined => {
    const title0 = typeof info.event.title === 'string' ? info.event.title : '';
    if (info.event.display === 'background') {
      if (info.view.type === 'dayGridMonth') return undefined;
      const busy = info.event.extendedProps;
      if (isBusyEventProps(busy)) {
        // A busy time of an external calendar: said in words (not by its hatching alone), then its time and summary.
        const root = document.createElement('div');
        root.className = 'vl-busy-block';
        root.append(span('vl-busy-label', busy.label));
        const detail = [info.timeText, busy.summary].filter(Boolean).join(' · ');
        if (detail) root.append(span('vl-busy-detail', detail));
        return { domNodes: [root] };
      }
      const travel = info.event.extendedProps;
      if (isTravelEventProps(travel)) {
        // A trip between two lessons: "Trajet 8 min", and "trajet trop court" in words when it does not fit.
        const root = document.createElement('div');
        root.className = 'vl-travel-block';
        root.title = travel.description;
        root.append(span('vl-travel-label', travel.label));
        if (travel.warning) root.append(span('vl-travel-warn', travel.warning));
        root.append(span('vl-travel-detail', travel.detail));
        return { domNodes: [root] };
      }
      // Holidays and closures: their name, small, at the top of the day (not in the month grid's cells).
      return { domNodes: [span('vl-bg-label', title0)] };
    }
    const props = info.event.extendedProps as Partial<LessonEventProps>;
    const title = title0;
    const root = document.createElement('div');
    root.className = 'vl-ev';
    const type = info.view.type;
    if (type === 'dayGridMonth') {
      root.append(span('vl-ev-title', `${info.timeText} ${title}`.trim()));
      return { domNodes: [root] };
    }
    if (info.timeText) root.append(span('vl-ev-time', info.timeText));
    root.append(span('vl-ev-title', title));
    // The instructor is the column in the resource views: not repeated there.
    const who = type.startsWith('resource') ? '' : (props.instructorName ?? '');
    const sub = [who, props.subtitle ?? ''].filter(Boolean).join(' · ');
    if (sub) root.append(span('vl-ev-sub', sub));
    if (props.warnings) {
      root.append(span('vl-ev-warn', warnings(props.warnings)));
    }
    return { domNodes: [root] };
  };
}

/** An instructor column's header: colour dot and name; `data-resource`/`data-date` locate the column. */
export function resourceLabelContent(info: Calendar.ResourceLabelInfo): Calendar.Content {
  const label = document.createElement('span');
  label.className = 'vl-resource';
  label.dataset.resource = info.resource.id;
  if (info.date) label.dataset.date = dateToDay(info.date);
  const name = typeof info.resource.extendedProps.name === 'string' ? info.resource.extendedProps.name : info.resource.id;
  label.title = name;
  const colour = info.resource.extendedProps.colour;
  if (typeof colour === 'string') {
    const dot = document.createElement('span');
    dot.className = 'vl-resource-dot';
    dot.style.backgroundColor = colour;
    dot.setAttribute('aria-hidden', 'true');
    label.append(dot);
  }
  label.append(span('vl-resource-name', name));
  return { domNodes: [label] };
}
