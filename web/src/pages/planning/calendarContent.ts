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

/** Time, title, then who/what/where; compact in the month view. */
export function eventContent(t: TFunction) {
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
      const warn = span('vl-ev-warn', `⚠ ${t('planning.event.warnings', { count: props.warnings })}`);
      root.append(warn);
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
