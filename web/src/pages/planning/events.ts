/**
 * Lessons → calendar events (pure functions, unit-tested): colour of the instructor, title, who may drag,
 * and the background events that shade public holidays and agency closures.
 */
import type { Calendar } from '@event-calendar/core';
import type { TFunction } from 'i18next';
import { addDays, holidaysBetween } from '../../lib/holidays.ts';
import { NO_INSTRUCTOR, type Lesson } from './types.ts';
import { dayOf, wallClock } from './time.ts';
import { contrast, darkenTo } from '../../lib/contrast.ts';

export interface InstructorInfo {
  name: string;
  colour: string;
  agencyId: string;
}

export interface EventContext {
  timeZone: string;
  /** The office may move, resize and reassign planned lessons. */
  office: boolean;
  instructors: ReadonlyMap<string, InstructorInfo>;
  students: ReadonlyMap<string, string>;
  /** Plates, by vehicle id (not readable by students: then empty). */
  vehicles: ReadonlyMap<string, string>;
  /** Lessons being saved: not draggable until the server answers. */
  pending?: ReadonlySet<string>;
  /** Name the instructor on each lesson (not on an instructor's own planning). Default true. */
  showInstructor?: boolean;
  t: TFunction;
}

/** What the event carries besides its title (read by the calendar's content renderer). */
export interface LessonEventProps {
  lessonId: string;
  /** The instructor's name (not repeated in the instructor columns). */
  instructorName: string;
  /** The car and the meeting point. */
  subtitle: string;
  warnings: number;
  status: Lesson['status'];
  [key: string]: unknown;
}

export const NEUTRAL_COLOUR = '#868e96';
export const BLOCK_COLOUR = '#ced4da';

/** Black or white text, whichever reads better on the background (WCAG relative luminance). */
/**
 * An instructor's colour as the background of their lessons: unchanged when white or near-black text reaches 4.5:1
 * on it (WCAG 1.4.3), else darkened (hue kept) until white text does — mid-tones (#ce4e70, #478bc1…) reach neither.
 */
export function eventBackground(colour: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(colour)) return colour;
  if (contrast(colour, '#ffffff') >= 4.5 || contrast(colour, '#1a1b1e') >= 4.5) return colour;
  return darkenTo(colour, '#ffffff', 4.6);
}

export function textColourOn(background: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(background);
  if (!m) return '#ffffff';
  const channel = (hex: string) => {
    const c = parseInt(hex, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(m[1] as string) + 0.7152 * channel(m[2] as string) + 0.0722 * channel(m[3] as string);
  // Contrast with white vs with near-black (#1a1b1e): pick the larger.
  const withWhite = 1.05 / (l + 0.05);
  const withBlack = (l + 0.05) / (0.0106 + 0.05);
  return withWhite >= withBlack ? '#ffffff' : '#1a1b1e';
}

function studentName(id: string | null | undefined, ctx: EventContext): string {
  if (!id) return '';
  return ctx.students.get(id) ?? ctx.t('planning.event.student');
}

/** "Conduite · Léa Martin", "Code · 8 élèves", "Indisponibilité · Congés", "… (Annulée)". */
export function lessonTitle(lesson: Lesson, ctx: EventContext): string {
  const { t } = ctx;
  const kind = t(`planning.kinds.${lesson.kind}`);
  let detail: string;
  switch (lesson.kind) {
    case 'driving':
    case 'evaluation':
      detail = studentName(lesson.student_id, ctx);
      break;
    case 'code':
      detail = t('planning.event.attendees', { count: lesson.attendee_ids.length });
      break;
    case 'exam':
      detail = t('planning.event.candidates', { count: lesson.attendee_ids.length });
      break;
    case 'unavailability':
      detail = lesson.block_reason ? t(`planning.blockReasons.${lesson.block_reason}`) : '';
      break;
  }
  const title = detail ? `${kind} · ${detail}` : kind;
  return lesson.status === 'planned'
    ? title
    : `${title} ${t('planning.event.statusSuffix', { status: t(`planning.statuses.${lesson.status}`) })}`;
}

/** The second line (after the instructor's name, when the column does not say it): the car, where to meet. */
export function lessonSubtitle(lesson: Lesson, ctx: EventContext): string {
  const parts: string[] = [];
  if (lesson.vehicle_id) {
    const plate = ctx.vehicles.get(lesson.vehicle_id);
    if (plate) parts.push(plate);
  }
  if (lesson.meeting_point) parts.push(lesson.meeting_point);
  return parts.join(' · ');
}

/** The colour of a lesson: its instructor's, grey for blocks and lessons without an instructor. */
export function lessonColour(lesson: Lesson, ctx: EventContext): string {
  if (lesson.kind === 'unavailability') return BLOCK_COLOUR;
  const instructor = lesson.instructor_id ? ctx.instructors.get(lesson.instructor_id) : undefined;
  return instructor?.colour ?? NEUTRAL_COLOUR;
}

/** Only the office moves lessons, and only planned ones (done, absent and cancelled ones are history). */
export function isEditable(lesson: Lesson, ctx: Pick<EventContext, 'office' | 'pending'>): boolean {
  return ctx.office && lesson.status === 'planned' && !(ctx.pending?.has(lesson.id) ?? false);
}

/** A lesson as a calendar event, in the school's wall-clock time. */
export function lessonToEvent(lesson: Lesson, ctx: EventContext): Calendar.EventInput {
  const colour = lessonColour(lesson, ctx);
  const editable = isEditable(lesson, ctx);
  const classNames = ['vl-lesson', `vl-kind-${lesson.kind}`, `vl-status-${lesson.status}`, `vl-id-${lesson.id}`];
  if (lesson.warnings.length > 0) classNames.push('vl-has-warnings');
  const extendedProps: LessonEventProps = {
    lessonId: lesson.id,
    instructorName:
      lesson.instructor_id && ctx.showInstructor !== false ? (ctx.instructors.get(lesson.instructor_id)?.name ?? '') : '',
    subtitle: lessonSubtitle(lesson, ctx),
    warnings: lesson.warnings.length,
    status: lesson.status,
  };
  return {
    id: lesson.id,
    start: wallClock(lesson.starts_at, ctx.timeZone),
    end: wallClock(lesson.ends_at, ctx.timeZone),
    title: lessonTitle(lesson, ctx),
    backgroundColor: eventBackground(colour),
    textColor: textColourOn(eventBackground(colour)),
    editable,
    startEditable: editable,
    durationEditable: editable,
    resourceIds: [lesson.instructor_id ?? NO_INSTRUCTOR],
    classNames,
    extendedProps,
  };
}

const eventCache = new WeakMap<EventContext, WeakMap<Lesson, Calendar.EventInput>>();

/**
 * The lessons as events, the same object for an unchanged lesson (the calendar then updates only what changed;
 * TanStack Query keeps unchanged lessons identical across refetches). Lessons being saved are not draggable.
 */
export function lessonEvents(lessons: readonly Lesson[], ctx: EventContext, pending: ReadonlySet<string>): Calendar.EventInput[] {
  let cache = eventCache.get(ctx);
  if (!cache) {
    cache = new WeakMap();
    eventCache.set(ctx, cache);
  }
  return lessons.map((lesson) => {
    let event = cache.get(lesson);
    if (!event) {
      event = lessonToEvent(lesson, ctx);
      cache.set(lesson, event);
    }
    return pending.has(lesson.id) ? { ...event, editable: false, startEditable: false, durationEditable: false } : event;
  });
}

/** A month overview line: one instructor's lessons of one day. */
export interface SummaryProps {
  summaryDay: string;
  instructorId: string;
  [key: string]: unknown;
}

/**
 * The month overview of a busy window: one all-day line per instructor and day ("Julien Moreau · 6 séances"),
 * in the instructor's colour, instead of hundreds of lessons. Cancelled lessons and blocks are not counted.
 */
export function monthSummaries(lessons: readonly Lesson[], ctx: EventContext): Calendar.EventInput[] {
  const counts = new Map<string, { day: string; instructorId: string; count: number }>();
  for (const lesson of lessons) {
    if (lesson.status === 'cancelled' || lesson.kind === 'unavailability') continue;
    const day = dayOf(lesson.starts_at, ctx.timeZone);
    const instructorId = lesson.instructor_id ?? NO_INSTRUCTOR;
    const key = `${day}|${instructorId}`;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { day, instructorId, count: 1 });
  }
  return [...counts.values()]
    .sort((a, b) => a.day.localeCompare(b.day) || a.instructorId.localeCompare(b.instructorId))
    .map(({ day, instructorId, count }) => {
      const instructor = ctx.instructors.get(instructorId);
      const colour = instructor?.colour ?? NEUTRAL_COLOUR;
      const who = instructor?.name ?? ctx.t('planning.noInstructor');
      const extendedProps: SummaryProps = { summaryDay: day, instructorId };
      return {
        id: `resume-${day}-${instructorId}`,
        start: day,
        end: addDays(day, 1),
        allDay: true,
        title: ctx.t('planning.summary', { who, count }),
        backgroundColor: eventBackground(colour),
        textColor: textColourOn(eventBackground(colour)),
        editable: false,
        startEditable: false,
        durationEditable: false,
        classNames: ['vl-summary'],
        extendedProps,
      };
    });
}

export interface ClosureDay {
  /** First day `YYYY-MM-DD`. */
  date: string;
  /** Last day, inclusive (same as `date` for one day). */
  end: string;
  /** "Fermeture Tours Centre (Noël)". */
  label: string;
  /** Resource columns concerned (the agency's instructors); all when empty. */
  resourceIds: readonly string[];
}

export interface DayOff {
  date: string;
  /** Last day (inclusive) of a closure shown in the window; absent for one day. */
  end?: string;
  label: string;
}

/**
 * Background events shading the public holidays and the agency closures of `[from, to)` (days `YYYY-MM-DD`).
 * Holidays shade every column; a closure shades only its agency's instructors in the resource views.
 */
export function backgroundEvents(
  from: string,
  to: string,
  closures: readonly ClosureDay[],
  allResourceIds: readonly string[],
  t: TFunction,
  alsaceMoselle = false,
): { events: Calendar.EventInput[]; daysOff: DayOff[] } {
  const events: Calendar.EventInput[] = [];
  const daysOff: DayOff[] = [];
  const holidays = holidaysBetween(from, to, alsaceMoselle);
  const holidayDays = new Set(holidays.map((h) => h.date));
  for (const holiday of holidays) {
    const label = t(`planning.holidays.${holiday.key}`);
    daysOff.push({ date: holiday.date, label });
    events.push({
      id: `ferie-${holiday.date}`,
      start: holiday.date,
      end: addDays(holiday.date, 1),
      allDay: true,
      display: 'background',
      title: label,
      classNames: ['vl-holiday'],
      resourceIds: [...allResourceIds],
    });
  }
  for (const [n, closure] of closures.entries()) {
    const first = closure.date > from ? closure.date : from;
    const lastExclusive = addDays(closure.end, 1) < to ? addDays(closure.end, 1) : to;
    if (first >= lastExclusive) continue;
    const last = addDays(lastExclusive, -1);
    daysOff.push(last === first ? { date: first, label: closure.label } : { date: first, end: last, label: closure.label });
    // One event a day, so that a holiday's name is not written over (the closure is then named in the list only).
    for (let day = first; day < lastExclusive; day = addDays(day, 1)) {
      events.push({
        id: `fermeture-${n}-${day}`,
        start: day,
        end: addDays(day, 1),
        allDay: true,
        display: 'background',
        title: holidayDays.has(day) ? '' : closure.label,
        classNames: ['vl-closure'],
        resourceIds: closure.resourceIds.length > 0 ? [...closure.resourceIds] : [...allResourceIds],
      });
    }
  }
  daysOff.sort((a, b) => a.date.localeCompare(b.date));
  return { events, daysOff };
}
