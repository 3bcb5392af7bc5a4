/**
 * A thin React wrapper around @event-calendar/core (MIT, built with Svelte, used through its vanilla API).
 * The calendar is created once; afterwards only the options whose value changed are sent with `setOption`
 * (so a 500-lesson week is not rebuilt on every render). Events are compared by identity: when a few change
 * (a lesson moved, cancelled, added), only those are updated, removed or added; the whole list is sent again only
 * when many change. Callbacks (`handlers`) are installed once as stable trampolines that call the latest function
 * given, so they may change on every render at no cost.
 */
import { useEffect, useId, useRef, type RefObject } from 'react';
import { VisuallyHidden } from '@mantine/core';
import {
  createCalendar,
  DayGrid,
  destroyCalendar,
  Interaction,
  List,
  ResourceTimeGrid,
  TimeGrid,
  type Calendar,
} from '@event-calendar/core';
import '@event-calendar/core/index.css';
import './calendar.css';
import { installLessonKeys } from './keyboard.ts';
import { syncEvents, type EventItem } from './syncEvents.ts';

const PLUGINS = [TimeGrid, ResourceTimeGrid, DayGrid, List, Interaction];

type Options = Calendar.Options;
type AnyFunction = (...args: unknown[]) => unknown;

/** The callback options and content functions (`datesSet`, `eventDrop`, `eventContent`…), by name. */
export type EventCalendarHandlers = Options;

export interface EventCalendarProps {
  /** Data options that may change: each changed value is sent with `setOption`. Memoise them. */
  options: Options;
  /** Callbacks and content functions: always the latest is called. */
  handlers: EventCalendarHandlers;
  /** Options read only when the calendar is created (`views`, the first `date`…). */
  initialOptions?: Options;
  /** Receives the calendar instance (for prev/next/today, unselect). */
  calendarRef?: RefObject<Calendar | null>;
  className?: string;
  /** Names the calendar as a region of the page (for screen readers). */
  label?: string;
  /** How to move through it by keyboard, read by screen readers with the region's name. */
  description?: string;
  /** Names the scrolling grid, which takes the focus so that the keyboard can scroll it. */
  scrollerLabel: string;
}

/**
 * The table and list roles @event-calendar/core 5.15 puts on its views are broken (WCAG 1.3.1, 4.1.2): the week is a
 * `role=table` holding the toolbar's <nav> and the lessons as buttons straight in its rows, the phone's list a
 * `role=list` holding the <nav>, the month's cells have no `row`. A screen reader would announce a table that is not
 * one. The grid semantics are dropped instead (the roles become plain groups): the calendar is a labelled region
 * whose day headings and lessons (buttons named by their time and title) are read in order.
 */
const BROKEN_ROLES = ['table', 'list', 'listitem', 'row', 'rowgroup', 'rowheader', 'columnheader', 'cell'];
const BROKEN_SELECTOR = BROKEN_ROLES.map((role) => `[role="${role}"]`).join(',');

const GRID_ATTRIBUTES = ['aria-colindex', 'aria-rowindex', 'aria-colcount', 'aria-rowcount', 'aria-colspan', 'aria-rowspan'];
const GRID_SELECTOR = GRID_ATTRIBUTES.map((name) => `[${name}]`).join(',');

function dropBrokenRoles(root: Element, scrollerLabel: string): void {
  for (const element of root.querySelectorAll(BROKEN_SELECTOR)) element.removeAttribute('role');
  for (const element of root.querySelectorAll(GRID_SELECTOR)) {
    for (const name of GRID_ATTRIBUTES) element.removeAttribute(name);
  }
  makeScrollerFocusable(root, scrollerLabel);
}

/**
 * The grid scrolls (a week of seven instructors is wider than a laptop, a day taller than a phone), and its lessons are
 * one tab stop among many (see keyboard.ts): the scroller itself takes the focus, so that the arrow keys scroll it
 * (WCAG 2.1.1; axe's scrollable-region-focusable). It is a plain focusable group, named, not a second landmark.
 */
function makeScrollerFocusable(root: Element, name: string): void {
  for (const scroller of root.querySelectorAll('.ec-main:not([tabindex])')) {
    scroller.setAttribute('tabindex', '0');
    scroller.setAttribute('role', 'group');
    scroller.setAttribute('aria-label', name);
  }
}

/** Keeps `dropBrokenRoles` applied while the library renders (views, dates and events change). */
function watchRoles(root: Element, scrollerLabel: string): () => void {
  dropBrokenRoles(root, scrollerLabel);
  const observer = new MutationObserver(() => dropBrokenRoles(root, scrollerLabel));
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', ...GRID_ATTRIBUTES] });
  return () => observer.disconnect();
}

function setOption(calendar: Calendar, key: string, value: unknown): void {
  (calendar.setOption as (name: string, value: unknown) => Calendar)(key, value);
}

export function EventCalendar({
  options,
  handlers,
  initialOptions,
  calendarRef,
  className,
  label,
  description,
  scrollerLabel,
}: EventCalendarProps) {
  const descriptionId = useId();
  const elementRef = useRef<HTMLDivElement>(null);
  const instanceRef = useRef<Calendar | null>(null);
  const optionsRef = useRef<Options>(options);
  const handlersRef = useRef<EventCalendarHandlers>(handlers);
  const sentRef = useRef<Options>({});
  const initialRef = useRef(initialOptions);
  const scrollerLabelRef = useRef(scrollerLabel);

  useEffect(() => {
    handlersRef.current = handlers;
    optionsRef.current = options;
  });

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const prepared: Record<string, unknown> = { ...initialRef.current, ...optionsRef.current };
    for (const key of Object.keys(handlersRef.current)) {
      // A stable function calling the latest handler of that name.
      prepared[key] = (...args: unknown[]) => {
        const fn = (handlersRef.current as Record<string, unknown>)[key];
        return typeof fn === 'function' ? (fn as AnyFunction)(...args) : undefined;
      };
    }
    const calendar = createCalendar(element, PLUGINS, prepared);
    instanceRef.current = calendar;
    sentRef.current = optionsRef.current;
    if (calendarRef) calendarRef.current = calendar;
    const unwatch = watchRoles(element, scrollerLabelRef.current);
    const removeKeys = installLessonKeys(element);
    return () => {
      unwatch();
      removeKeys();
      instanceRef.current = null;
      if (calendarRef) calendarRef.current = null;
      void destroyCalendar(calendar);
    };
    // Created once: later changes go through setOption below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const calendar = instanceRef.current;
    if (!calendar) return;
    const sent = sentRef.current as Record<string, unknown>;
    const changed: string[] = [];
    for (const [key, value] of Object.entries(options)) {
      if (Object.is(sent[key], value)) continue;
      changed.push(key);
      if (key === 'events' && Array.isArray(value)) {
        syncEvents(calendar, Array.isArray(sent.events) ? (sent.events as EventItem[]) : undefined, value as EventItem[]);
      } else {
        setOption(calendar, key, value);
      }
    }
    sentRef.current = options;
    const view = typeof options.view === 'string' ? options.view : '';
    if (view.startsWith('dayGrid') && changed.some((key) => key !== 'events')) {
      // Works around a layout bug of @event-calendar/core 5.15: when another option (`resources`, `hiddenDays`,
      // `view`…) changes once events are shown, the month grid stacks its events on top of each other (or drops
      // them) until the events are set again, in a later task.
      queueMicrotask(() => {
        const events = optionsRef.current.events;
        if (instanceRef.current === calendar && Array.isArray(events)) setOption(calendar, 'events', [...events]);
      });
    }
  }, [options]);

  return (
    <>
      {description && <VisuallyHidden id={descriptionId}>{description}</VisuallyHidden>}
      <div
        ref={elementRef}
        className={className}
        role={label ? 'region' : undefined}
        aria-label={label}
        aria-describedby={description ? descriptionId : undefined}
      />
    </>
  );
}
