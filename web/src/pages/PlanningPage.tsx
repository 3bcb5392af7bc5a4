import { useMemo, useRef, useState } from 'react';
import {
  ActionIcon,
  Button,
  Card,
  Collapse,
  Group,
  Loader,
  Menu,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Calendar } from '@event-calendar/core';
import { api, unwrap } from '../api/client.ts';
import { ApiError } from '../api/problem.ts';
import { useCurrentSession } from '../api/session.ts';
import { followedChild } from '../lib/guardian.ts';
import { ColourDot } from '../components/ColourDot.tsx';
import { EventCalendar, type EventCalendarHandlers } from '../components/calendar/EventCalendar.tsx';
import { notifySuccess } from '../lib/notify.ts';
import { todayIn } from '../lib/zonedTime.ts';
import { formatCalendarDate } from '../lib/format.ts';
import { addDays } from '../lib/holidays.ts';
import { useNow } from '../lib/useNow.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageLoader } from '../shell/PageLoader.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';
import { cachedBusyEvents, type BusyContext } from './planning/busy.ts';
import { eventContent, eventTimeText, resourceLabelContent } from './planning/calendarContent.ts';
import { CalendarFeedModal } from './planning/CalendarFeedModal.tsx';
import { CopyWeekModal } from './planning/CopyWeekModal.tsx';
import { daySheetUrl, weekPdfUrl } from './planning/print.ts';
import { usePlanningData } from './planning/data.ts';
import { backgroundEvents, lessonEvents, monthSummaries, type ClosureDay, type EventContext, type SummaryProps } from './planning/events.ts';
import { notifyRefusal, notifyWarnings } from './planning/feedback.tsx';
import { LessonDrawer } from './planning/LessonDrawer.tsx';
import { LessonAgenda } from './planning/LessonAgenda.tsx';
import { LessonFormModal, type LessonDraft } from './planning/LessonFormModal.tsx';
import { PlanningFilters } from './planning/PlanningFilters.tsx';
import {
  cancelLessonQueries,
  invalidateLessons,
  NO_FILTERS,
  replaceLessonInCache,
  UPCOMING_WEEKS,
  useInstructorsBusy,
  useLessonsOfDays,
  useTravelGaps,
  useLessonsWindow,
  type PlanningFilters as Filters,
} from './planning/queries.ts';
import { ReplaceDayModal } from './planning/ReplaceDayModal.tsx';
import { rruleDayOf } from './planning/rrule.ts';
import { SeriesModal } from './planning/SeriesModal.tsx';
import { cachedTravelEvents, tooShortLines, type TravelContext, type TravelEventProps } from './planning/travel.ts';
import {
  calendarDateToInstant,
  dateToDay,
  dateToLocalInput,
  dayOf,
  dayStartInstant,
  formatShort,
  zoneOffsetString,
} from './planning/time.ts';
import { NO_INSTRUCTOR, VIEW_MODES, type Lesson, type ViewMode } from './planning/types.ts';

const EMPTY: Lesson[] = [];
/** Stable values (the calendar is told only about options that change). */
const ALL_DAYS: Calendar.dayOfWeek[] = [];
const NO_SUNDAY: Calendar.dayOfWeek[] = [0];
const NO_RESOURCES: Calendar.ResourceInput[] = [];
const NO_IDS: string[] = [];
/** Above this many lessons, the month shows one line per instructor and day instead of every lesson. */
const MONTH_DETAIL_LIMIT = 250;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** URL words (French) ↔ view modes. */
const MODE_PARAM: Record<ViewMode, string> = { day: 'jour', week: 'semaine', month: 'mois', list: 'liste' };

function parseMode(value: string | null): ViewMode | null {
  return VIEW_MODES.find((mode) => MODE_PARAM[mode] === value) ?? null;
}

/** The first midnight at or after a calendar Date, as a day `YYYY-MM-DD` (range ends are exclusive). */
function dayAfter(date: Date): string {
  const day = dateToDay(date);
  return date.getHours() === 0 && date.getMinutes() === 0 && date.getSeconds() === 0 ? day : addDays(day, 1);
}

function calendarView(mode: ViewMode, byInstructor: boolean, phone: boolean): string {
  switch (mode) {
    case 'day':
      return byInstructor ? 'resourceTimeGridDay' : 'timeGridDay';
    case 'week':
      return byInstructor ? 'resourceTimeGridWeek' : 'timeGridWeek';
    case 'month':
      return 'dayGridMonth';
    case 'list':
      return phone ? 'listDay' : 'listWeek';
  }
}

interface Range {
  /** First and last+1 visible days, `YYYY-MM-DD`. */
  start: string;
  end: string;
  /** The calendar's own title ("30 nov. – 6 déc. 2026"). */
  title: string;
  /** The day the view is about (a week's Monday, the day, the month's first). */
  current: string;
}

interface Move {
  lesson: Lesson;
  starts_at: string;
  ends_at: string;
  instructorId: string | null;
  resized: boolean;
  revert: () => void;
}

/**
 * /planning (office) and /mon-planning (instructor, student): the calendar of lessons.
 * The office plans (select a slot), moves (drag, also to another instructor's column), resizes, and manages
 * each lesson from its side panel; an instructor marks their lessons done or absent; a student reads (and asks for a
 * change from a lesson's panel); a guardian reads the planning of the child they follow, without asking for changes
 * and without a calendar feed.
 */
export default function PlanningPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const { role } = session;
  const timeZone = session.tenant.timezone;
  const office = role === 'ADMIN' || role === 'SECRETARY';
  // A student's planning, read by the student or by their guardian.
  const reader = role === 'STUDENT' || role === 'GUARDIAN';
  const child = followedChild(session);
  const queryClient = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)', undefined, { getInitialValueInEffect: false });
  const [params, setParams] = useSearchParams();
  const mode: ViewMode = parseMode(params.get('vue')) ?? (phone ? (office ? 'day' : 'list') : 'week');
  const byInstructor = office && params.get('moniteurs') === '1' && (mode === 'day' || mode === 'week');
  const [initialDate] = useState(() => {
    const asked = params.get('date');
    return asked && DAY_RE.test(asked) ? asked : todayIn(timeZone);
  });
  const [range, setRange] = useState<Range | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [filtersOpen, setFiltersOpen] = useState(false);
  // `?seance=<id>` (with the lesson's `date`) opens its panel, e.g. from the instructor's home.
  const [openLessonId, setOpenLessonId] = useState<string | null>(() => params.get('seance'));
  const [draft, setDraft] = useState<LessonDraft | null>(null);
  const [dialog, setDialog] = useState<'series' | 'copyWeek' | 'replaceDay' | 'feed' | null>(null);
  const [pending, setPending] = useState<ReadonlySet<string>>(() => new Set());
  const calendarRef = useRef<Calendar | null>(null);
  const data = usePlanningData();

  // On a phone, an instructor or a student opens on their upcoming lessons (a list, the next one first), the calendar
  // one tap away: a student always, an instructor when their day is empty. An address naming a view or a date opens
  // the calendar.
  const personal = !office;
  const agendaOn = phone && personal;
  const [tab, setTab] = useState<'upcoming' | 'calendar' | null>(() =>
    params.has('vue') || params.has('date') ? 'calendar' : reader ? 'upcoming' : null,
  );
  const now = useNow();
  const today = todayIn(timeZone);
  const upcomingQuery = useLessonsOfDays(today, UPCOMING_WEEKS * 7, timeZone, agendaOn);
  const upcoming = useMemo(() => (upcomingQuery.data ?? EMPTY).filter((l) => Date.parse(l.ends_at) > now), [upcomingQuery.data, now]);
  const upcomingById = useMemo(() => new Map((upcomingQuery.data ?? EMPTY).map((l) => [l.id, l])), [upcomingQuery.data]);
  const dayEmpty =
    upcomingQuery.data === undefined ? (upcomingQuery.isError ? true : null) : !upcomingQuery.data.some((l) => dayOf(l.starts_at, timeZone) === today);
  const shownTab = tab ?? (dayEmpty === null ? null : dayEmpty ? 'upcoming' : 'calendar');
  const showCalendar = !agendaOn || shownTab === 'calendar';

  const period = useMemo(
    () => (range ? { from: dayStartInstant(range.start, timeZone), to: dayStartInstant(range.end, timeZone) } : null),
    [range, timeZone],
  );
  const lessonsQuery = useLessonsWindow(period, filters);
  const lessons = lessonsQuery.data?.items ?? EMPTY;
  const lessonById = useMemo(() => new Map(lessons.map((l) => [l.id, l])), [lessons]);

  // Instructor columns: the active ones (of the filtered agency / the filtered instructor), plus whoever has a
  // lesson in the window, plus a "without instructor" column when needed.
  const columns = useMemo(() => {
    const inWindow = new Set(lessons.map((l) => l.instructor_id ?? NO_INSTRUCTOR));
    const shown = data.instructors
      .filter((i) =>
        filters.instructor_id ? i.id === filters.instructor_id : (i.active && (!filters.agency_id || i.agency_id === filters.agency_id)) || inWindow.has(i.id),
      )
      .map((i) => ({ id: i.id, name: `${i.first_name} ${i.last_name}`, colour: i.colour, agencyId: i.agency_id }))
      .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    if (inWindow.has(NO_INSTRUCTOR)) shown.push({ id: NO_INSTRUCTOR, name: t('planning.noInstructor'), colour: '', agencyId: '' });
    return shown;
  }, [data.instructors, lessons, filters.instructor_id, filters.agency_id, t]);

  // The same columns keep the same array: the calendar is told about resources only when they change.
  const columnsKey = columns.map((c) => `${c.id}:${c.name}:${c.colour}`).join('|');
  const resources = useMemo<Calendar.ResourceInput[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        title: c.name,
        extendedProps: c.colour ? { name: c.name, colour: c.colour } : { name: c.name },
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columnsKey],
  );

  // Agencies whose closures shade the planning: the filtered one, the instructor's or student's own, or all.
  const ownAgencyId = useMemo(() => {
    if (role === 'INSTRUCTOR') return data.instructors.find((i) => i.id === session.instructor_id)?.agency_id ?? null;
    // A student's agency is where their lessons are (a week without any shows every agency's closures).
    if (reader) return lessons[0]?.agency_id ?? null;
    return null;
  }, [role, reader, data.instructors, lessons, session.instructor_id]);
  const background = useMemo(() => {
    if (!range) return { events: [], daysOff: [] };
    const agencyId = filters.agency_id ?? ownAgencyId;
    const agencies = agencyId ? data.agencies.filter((a) => a.id === agencyId) : data.agencies;
    const closures: ClosureDay[] = agencies.flatMap((a) =>
      a.closures.map((c) => ({
        date: c.date,
        end: c.end_date ?? c.date,
        label: c.label ? t('planning.closureWithLabel', { agency: a.name, label: c.label }) : t('planning.closure', { agency: a.name }),
        resourceIds: columns.filter((col) => col.agencyId === a.id).map((col) => col.id),
      })),
    );
    const alsace = agencies.length > 0 && agencies.every((a) => a.alsace_moselle);
    return backgroundEvents(range.start, range.end, closures, columns.map((c) => c.id), t, alsace);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [range, filters.agency_id, ownAgencyId, data.agencies, columnsKey, t]);

  // The busy times of the instructors' external calendars, as background blocks of the day and week grids (not the
  // month, not the list): an instructor's own on their planning; for the office, those of the instructor columns, or
  // of the one instructor a merged view shows. A student never asks for them.
  const busyIdsKey = useMemo(() => {
    if ((mode !== 'day' && mode !== 'week') || reader) return '';
    if (role === 'INSTRUCTOR') return session.instructor_id ?? '';
    if (!office) return '';
    const shown = columns.filter((c) => c.id !== NO_INSTRUCTOR).map((c) => c.id);
    return byInstructor || shown.length === 1 ? shown.join(',') : '';
  }, [mode, role, reader, office, session.instructor_id, columns, byInstructor]);
  const busyIds = useMemo(() => (busyIdsKey === '' ? NO_IDS : busyIdsKey.split(',')), [busyIdsKey]);
  // Only a day's or a week's window (while the view changes, the range may still be the month's).
  const busyWindow = range && period && range.end <= addDays(range.start, 7) ? period : null;
  const busy = useInstructorsBusy(busyIds, busyWindow);
  const busyContext = useMemo<BusyContext>(() => ({ timeZone, t }), [timeZone, t]);
  const busyShown = useMemo(
    () => (busyWindow ? busyIds.flatMap((id, i) => cachedBusyEvents(busy.lists[i] ?? [], id, busyContext)) : []),
    [busyWindow, busyIds, busy.lists, busyContext],
  );

  // The instructors' trips between two lessons at different meeting points (day and week grids): for the office and an
  // instructor (their own), never a student. Asked for, like the busy times, where a band has one column: an
  // instructor's own planning, the office's columns by instructor or its one filtered instructor (the merged week of
  // every instructor keeps its first load light). The trips too short for their gap are also listed in words.
  const travelOn = (mode === 'day' || mode === 'week') && (office || role === 'INSTRUCTOR') && busyIds.length > 0;
  const travel = useTravelGaps(busyWindow, office ? filters.instructor_id : null, travelOn);
  const travelContext = useMemo<TravelContext>(() => ({ timeZone, t }), [timeZone, t]);
  const travelShown = useMemo(() => {
    if (busyIds.length === 0) return [];
    const shown = new Set(busyIds);
    return cachedTravelEvents(travel.gaps, travelContext).filter((e) => shown.has((e.extendedProps as TravelEventProps).instructorId));
  }, [travel.gaps, travelContext, busyIds]);
  const tooShort = useMemo(() => {
    const shown = new Set(columns.map((c) => c.id));
    const gaps = office ? travel.gaps.filter((g) => shown.has(g.instructor_id)) : travel.gaps;
    const names = office ? new Map(columns.map((c) => [c.id, c.name])) : null;
    return tooShortLines(gaps, names, (iso) => formatShort(iso, timeZone), t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [travel.gaps, office, columnsKey, timeZone, t]);

  const eventContext = useMemo<EventContext>(
    () => ({
      timeZone,
      office,
      instructors: data.instructorInfo,
      students: data.studentNames,
      vehicles: data.plates,
      showInstructor: role !== 'INSTRUCTOR',
      t,
    }),
    [timeZone, office, role, data.instructorInfo, data.studentNames, data.plates, t],
  );
  // Lessons are drawn once their names are known (drawing 500 lessons twice would be wasted work); a busy month
  // is an overview (one line per instructor and day).
  const overview = mode === 'month' && lessons.length > MONTH_DETAIL_LIMIT;
  const events = useMemo(() => {
    if (!data.ready) return [...background.events, ...busyShown, ...travelShown];
    const shown = overview ? monthSummaries(lessons, eventContext) : lessonEvents(lessons, eventContext, pending);
    return [...background.events, ...busyShown, ...travelShown, ...shown];
  }, [background.events, busyShown, travelShown, data.ready, overview, lessons, eventContext, pending]);
  // Sunday is hidden unless something happens on it.
  const sundayUsed = useMemo(() => lessons.some((l) => rruleDayOf(dayOf(l.starts_at, timeZone)) === 'SU'), [lessons, timeZone]);

  const view = calendarView(mode, byInstructor, phone);
  const options = useMemo<Calendar.Options>(
    () => ({
      view,
      events,
      // Only the instructor columns use them (changing them redraws the month grid).
      resources: byInstructor ? resources : NO_RESOURCES,
      // Sunday is left out of the weeks unless something happens on it (a day can always be shown).
      hiddenDays: mode === 'week' && !sundayUsed ? NO_SUNDAY : ALL_DAYS,
      editable: office,
      selectable: office,
      height: mode === 'list' ? 'auto' : phone ? '72vh' : 'max(560px, calc(100vh - 300px))',
    }),
    [view, events, byInstructor, resources, sundayUsed, mode, office, phone],
  );

  const [initialOptions] = useState<Calendar.Options>(() => ({
    date: initialDate,
    locale: 'fr',
    firstDay: 1,
    // The calendar takes a fixed offset: today's, for "now" and "today" (lessons carry their own wall-clock times).
    timeZone: zoneOffsetString(timeZone),
    headerToolbar: { start: '', center: '', end: '' },
    allDaySlot: false,
    slotMinTime: '07:00',
    slotMaxTime: '21:00',
    // Lessons outside 07:00–21:00 widen the grid; day-long blocks (leave) and busy times (background) do not.
    flexibleSlotTimeLimits: {
      eventFilter: (event) => event.display !== 'background' && !event.classNames.includes('vl-kind-unavailability'),
    },
    scrollTime: '07:00',
    slotDuration: '00:30',
    snapDuration: '00:15',
    slotHeight: 28,
    nowIndicator: true,
    dayMaxEvents: true,
    displayEventEnd: true,
    eventTimeFormat: eventTimeText(),
    slotLabelFormat: { hour: '2-digit', minute: '2-digit' },
    noEventsContent: t('planning.noEvents'),
    allDayContent: t('planning.allDay'),
    views: {
      timeGridWeek: { dayHeaderFormat: { weekday: 'short', day: 'numeric', month: 'numeric' } },
      resourceTimeGridWeek: {
        datesAboveResources: true,
        columnWidth: 'minmax(5.5rem, 1fr)',
        dayHeaderFormat: { weekday: 'long', day: 'numeric', month: 'long' },
      },
      resourceTimeGridDay: { columnWidth: 'minmax(8rem, 1fr)' },
    },
  }));

  const move = useMutation({
    mutationFn: (m: Move) =>
      unwrap(
        api.PATCH('/api/v1/lessons/{id}', {
          params: { path: { id: m.lesson.id } },
          body: {
            version: m.lesson.version,
            kind: m.lesson.kind,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            ...(m.instructorId !== (m.lesson.instructor_id ?? null) ? { instructor_id: m.instructorId } : {}),
          },
        }),
      ),
    onMutate: async (m) => {
      setPending((before) => new Set(before).add(m.lesson.id));
      await cancelLessonQueries(queryClient);
      // The lesson stays where it was dropped while the server decides.
      replaceLessonInCache(queryClient, { ...m.lesson, starts_at: m.starts_at, ends_at: m.ends_at, instructor_id: m.instructorId });
    },
    onSuccess: (planned, m) => {
      replaceLessonInCache(queryClient, planned.lesson);
      const when = formatShort(planned.lesson.starts_at, timeZone);
      const reassigned = planned.lesson.instructor_id !== m.lesson.instructor_id && planned.lesson.instructor_id;
      notifySuccess(
        m.resized
          ? t('planning.resized', { when })
          : reassigned
            ? t('planning.movedReassigned', { when, name: data.instructorInfo.get(reassigned)?.name ?? '' })
            : t('planning.moved', { when }),
      );
      notifyWarnings(planned.warnings, t);
    },
    onError: (error, m) => {
      // Snap back: the calendar's own revert, and the lesson as the server still has it.
      m.revert();
      replaceLessonInCache(queryClient, m.lesson);
      notifyRefusal(error, timeZone, t);
    },
    onSettled: (_data, error, m) => {
      setPending((before) => {
        const next = new Set(before);
        next.delete(m.lesson.id);
        return next;
      });
      if (error === null || (error instanceof ApiError && error.status === 412)) void invalidateLessons(queryClient);
    },
  });

  const handleChange = (info: Calendar.EventDropInfo | Calendar.EventResizeInfo, resized: boolean) => {
    const lesson = lessonById.get(String(info.event.id));
    if (!office || !lesson || lesson.status !== 'planned' || pending.has(lesson.id)) {
      info.revert();
      return;
    }
    let instructorId = lesson.instructor_id ?? null;
    if (!resized && 'newResource' in info && info.newResource && info.newResource.id !== info.oldResource?.id) {
      const target = info.newResource.id;
      // A vehicle's block has no instructor; lessons go to an instructor's column only.
      if (target === NO_INSTRUCTOR || (lesson.kind === 'unavailability' && !lesson.instructor_id)) {
        info.revert();
        notifications.show({ color: 'orange', message: t('planning.chooseInstructor'), autoClose: 6000 });
        return;
      }
      instructorId = target;
    }
    move.mutate({
      lesson,
      starts_at: calendarDateToInstant(info.event.start, timeZone),
      ends_at: calendarDateToInstant(info.event.end, timeZone),
      instructorId,
      resized,
      revert: info.revert,
    });
  };

  const openCreate = (start: string, end: string, instructorId: string | null) => {
    setDraft({ mode: 'new', start, end, instructorId: instructorId ?? filters.instructor_id });
  };

  const handlers: EventCalendarHandlers = {
    datesSet: (info) => {
      // Whole days covering both the shown and the intended range (hidden Sundays included: their lessons decide
      // whether Sunday is shown).
      const { activeStart, activeEnd, currentStart, currentEnd } = info.view;
      const first = [activeStart, currentStart].map(dateToDay).sort()[0] ?? dateToDay(activeStart);
      const last = [activeEnd, currentEnd].map(dayAfter).sort().pop() ?? dayAfter(activeEnd);
      const next: Range = {
        start: first,
        end: last,
        title: info.view.title,
        current: dateToDay(info.view.currentStart),
      };
      setRange((before) =>
        before && before.start === next.start && before.end === next.end && before.title === next.title && before.current === next.current
          ? before
          : next,
      );
      if (params.get('date') !== next.current) {
        setParams(
          (p) => {
            p.set('date', next.current);
            return p;
          },
          { replace: true },
        );
      }
    },
    eventClick: (info) => {
      const summary = info.event.extendedProps as Partial<SummaryProps>;
      if (typeof summary.summaryDay === 'string') {
        // A month overview line opens that day, one column per instructor.
        const day = summary.summaryDay;
        setParams(
          (p) => {
            p.set('vue', MODE_PARAM.day);
            if (office) p.set('moniteurs', '1');
            p.set('date', day);
            return p;
          },
          { replace: true },
        );
        calendarRef.current?.gotoDate(day);
        return;
      }
      setOpenLessonId(String(info.event.id));
    },
    eventDrop: (info) => handleChange(info, false),
    eventResize: (info) => handleChange(info, true),
    select: (info) => {
      if (!office) return;
      const resource = info.resource as Calendar.Resource | undefined;
      const instructorId = resource && resource.id !== NO_INSTRUCTOR ? resource.id : null;
      if (info.allDay) {
        const day = dateToDay(info.start);
        openCreate(`${day}T09:00`, `${day}T10:00`, instructorId);
      } else {
        openCreate(dateToLocalInput(info.start), dateToLocalInput(info.end), instructorId);
      }
    },
    eventContent: eventContent(t),
    moreLinkContent: (info) => t('planning.moreLink', { count: info.num }),
    resourceLabelContent,
  };

  const setMode = (next: ViewMode) =>
    setParams(
      (p) => {
        p.set('vue', MODE_PARAM[next]);
        return p;
      },
      { replace: true },
    );
  const setByInstructor = (on: boolean) =>
    setParams(
      (p) => {
        if (on) p.set('moniteurs', '1');
        else p.delete('moniteurs');
        return p;
      },
      { replace: true },
    );

  const currentDay = range?.current ?? initialDate;
  // "Today" when it is shown, else the first day of the view: where new things go by default.
  const focusDay = range && today >= range.start && today < range.end ? today : currentDay;
  const legend = columns.filter((c) => c.id !== NO_INSTRUCTOR);
  const title = office ? t('planning.title') : child ? t('guardians.pages.planning', { name: child.first_name }) : t('planning.myTitle');

  const rangeTitle = (
    <Title order={2} size="h4" aria-live="polite" data-testid="planning-title">
      {range?.title ?? ''}
    </Title>
  );
  const toolbar = (
    <Stack gap="xs">
      <Group justify="space-between" gap="sm" wrap="wrap" role="toolbar" aria-label={t('planning.toolbar.label')}>
        <Group gap="xs" wrap="nowrap">
          <ActionIcon variant="default" size="lg" aria-label={t('planning.toolbar.previous')} onClick={() => calendarRef.current?.prev()}>
            <span aria-hidden="true">‹</span>
          </ActionIcon>
          <Button variant="default" onClick={() => calendarRef.current?.gotoDate(today)}>
            {t('planning.toolbar.today')}
          </Button>
          <ActionIcon variant="default" size="lg" aria-label={t('planning.toolbar.next')} onClick={() => calendarRef.current?.next()}>
            <span aria-hidden="true">›</span>
          </ActionIcon>
          {!phone && <div style={{ marginLeft: 'var(--mantine-spacing-xs)' }}>{rangeTitle}</div>}
          {lessonsQuery.isFetching && <Loader size="xs" aria-label={t('planning.loadingLessons')} />}
        </Group>
        <Group gap="sm" wrap="wrap">
          <SegmentedControl
            aria-label={t('planning.toolbar.view')}
            size={phone ? 'xs' : 'sm'}
            value={mode}
            onChange={(v) => {
              const next = VIEW_MODES.find((m) => m === v);
              if (next) setMode(next);
            }}
            data={VIEW_MODES.map((m) => ({ value: m, label: t(`planning.views.${m}`) }))}
          />
          {office && (mode === 'day' || mode === 'week') && (
            <Switch
              label={t('planning.toolbar.byInstructor')}
              checked={byInstructor}
              onChange={(e) => setByInstructor(e.currentTarget.checked)}
            />
          )}
        </Group>
      </Group>
      {phone && rangeTitle}
    </Stack>
  );

  return (
    <>
      <PageHeader
        title={title}
        actions={
          office ? (
            <Group gap="xs">
              <Button onClick={() => openCreate(`${focusDay}T09:00`, `${focusDay}T10:00`, null)}>{t('planning.actions.new')}</Button>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button variant="default">{t('planning.actions.more')}</Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item onClick={() => setDialog('series')}>{t('planning.actions.series')}</Menu.Item>
                  <Menu.Item onClick={() => setDialog('copyWeek')}>{t('planning.actions.copyWeek')}</Menu.Item>
                  <Menu.Item onClick={() => setDialog('replaceDay')}>{t('planning.actions.replaceDay')}</Menu.Item>
                  <Menu.Divider />
                  <Menu.Item component="a" href={daySheetUrl(focusDay, filters.instructor_id)} target="_blank" rel="noopener">
                    {t('planning.actions.printDay')}
                  </Menu.Item>
                  {filters.instructor_id && (
                    <Menu.Item component="a" href={weekPdfUrl(filters.instructor_id, focusDay)} target="_blank" rel="noopener">
                      {t('planning.actions.printWeek')}
                    </Menu.Item>
                  )}
                </Menu.Dropdown>
              </Menu>
            </Group>
          ) : role === 'GUARDIAN' ? undefined : (
            <Group gap="xs">
              <Button variant="light" onClick={() => setDialog('feed')}>
                {t('calendarFeed.open')}
              </Button>
              {role === 'INSTRUCTOR' && session.instructor_id && (
                <Button component="a" variant="default" href={weekPdfUrl(session.instructor_id, focusDay)} target="_blank" rel="noopener">
                  {t('planning.actions.printMyWeek')}
                </Button>
              )}
            </Group>
          )
        }
      />
      <Stack gap="sm">
        {agendaOn && (
          <SegmentedControl
            aria-label={t('planning.agenda.switchLabel')}
            value={shownTab ?? 'upcoming'}
            onChange={(v) => setTab(v === 'calendar' ? 'calendar' : 'upcoming')}
            data={[
              { value: 'upcoming', label: t('planning.agenda.upcoming') },
              { value: 'calendar', label: t('planning.agenda.calendar') },
            ]}
            fullWidth
          />
        )}
        {agendaOn && shownTab !== 'calendar' && (
          <>
            {upcomingQuery.isError && <LoadError error={upcomingQuery.error} onRetry={() => void upcomingQuery.refetch()} />}
            {upcomingQuery.isPending || !data.ready ? (
              <PageLoader />
            ) : upcoming.length === 0 ? (
              !upcomingQuery.isError && (
                <Text c="dimmed" role="status">
                  {t('planning.agenda.empty', { count: UPCOMING_WEEKS })}
                </Text>
              )
            ) : (
              <LessonAgenda
                lessons={upcoming}
                data={data}
                role={reader ? 'STUDENT' : role}
                timeZone={timeZone}
                label={child ? t('guardians.home.upcomingLabel', { name: child.first_name }) : t('planning.agenda.upcomingLabel')}
                onOpen={(lesson) => setOpenLessonId(lesson.id)}
                now={now}
                data-testid="upcoming-lessons"
              />
            )}
          </>
        )}
        {showCalendar && !reader &&
          (phone ? (
            <>
              <Button variant="light" onClick={() => setFiltersOpen((o) => !o)} aria-expanded={filtersOpen} w="fit-content">
                {t('planning.actions.filters')}
              </Button>
              <Collapse expanded={filtersOpen}>
                <PlanningFilters filters={filters} onChange={setFilters} data={data} office={office} />
              </Collapse>
            </>
          ) : (
            <PlanningFilters filters={filters} onChange={setFilters} data={data} office={office} />
          ))}
        {data.error !== null && <LoadError error={data.error} onRetry={data.refetch} />}
        {showCalendar && lessonsQuery.isError && <LoadError error={lessonsQuery.error} onRetry={() => void lessonsQuery.refetch()} />}
        {showCalendar && (
          <Card withBorder padding={phone ? 'xs' : 'sm'}>
            <Stack gap="sm">
              {toolbar}
              {office && !byInstructor && legend.length > 1 && legend.length <= 12 && (
                <Group gap="xs" role="group" aria-label={t('planning.legend')}>
                  {legend.map((c) => (
                    <UnstyledButton
                      key={c.id}
                      onClick={() => setFilters({ ...filters, instructor_id: filters.instructor_id === c.id ? null : c.id })}
                      aria-pressed={filters.instructor_id === c.id}
                    >
                      <Group gap={4} wrap="nowrap">
                        <ColourDot colour={c.colour} size={12} />
                        <Text size="xs" fw={filters.instructor_id === c.id ? 700 : 400}>
                          {c.name}
                        </Text>
                      </Group>
                    </UnstyledButton>
                  ))}
                </Group>
              )}
              {mode !== 'list' && data.ready && lessonsQuery.isSuccess && !lessonsQuery.isFetching && lessons.length === 0 && (
                <Text size="sm" c="dimmed" role="status">
                  {t('planning.noEvents')}
                </Text>
              )}
              {overview && (
                <Text size="sm" c="dimmed">
                  {t('planning.summaryHint')}
                </Text>
              )}
              {busyWindow && busy.failed && (
                <Text size="sm" c="dimmed" role="status" data-testid="busy-error">
                  {t('planning.busy.loadError')}
                </Text>
              )}
              {travelOn && busyWindow && travel.failed && (
                <Text size="sm" c="dimmed" role="status" data-testid="travel-error">
                  {t('planning.travel.loadError')}
                </Text>
              )}
              {travelOn && busyWindow && tooShort.length > 0 && (
                <Text size="sm" c="red.9" data-testid="travel-too-short">
                  {t('planning.travel.summary', { list: tooShort.join(' · ') })}
                </Text>
              )}
              {background.daysOff.length > 0 && (
                <Text size="sm" c="dimmed" data-testid="days-off">
                  {t('planning.daysOff', {
                    list: background.daysOff
                      .map((d) => {
                        const from = formatCalendarDate(d.date).slice(0, 5);
                        return `${d.end ? `${from}–${formatCalendarDate(d.end).slice(0, 5)}` : from} ${d.label}`;
                      })
                      .join(' · '),
                  })}
                </Text>
              )}
              <EventCalendar
                className={pending.size > 0 ? 'vl-calendar vl-busy' : 'vl-calendar'}
                options={options}
                handlers={handlers}
                initialOptions={initialOptions}
                calendarRef={calendarRef}
                label={title}
                description={t('planning.keyboardHint')}
                scrollerLabel={t('planning.calendarGrid')}
              />
            </Stack>
          </Card>
        )}
      </Stack>

      <LessonDrawer
        lessonId={openLessonId}
        lesson={openLessonId ? (lessonById.get(openLessonId) ?? upcomingById.get(openLessonId)) : undefined}
        onClose={() => {
          setOpenLessonId(null);
          if (params.has('seance')) {
            setParams(
              (p) => {
                p.delete('seance');
                return p;
              },
              { replace: true },
            );
          }
        }}
        onEdit={(lesson) => {
          setOpenLessonId(null);
          setDraft({ mode: 'edit', lesson });
        }}
        data={data}
        role={role}
        timeZone={timeZone}
      />
      {!office && role !== 'GUARDIAN' && <CalendarFeedModal opened={dialog === 'feed'} onClose={() => setDialog(null)} />}
      {office && (
        <>
          <LessonFormModal
            draft={draft}
            onClose={() => {
              setDraft(null);
              calendarRef.current?.unselect();
            }}
            data={data}
            timeZone={timeZone}
            defaultAgencyId={filters.agency_id}
          />
          <SeriesModal opened={dialog === 'series'} onClose={() => setDialog(null)} data={data} timeZone={timeZone} defaultDate={focusDay} />
          <CopyWeekModal opened={dialog === 'copyWeek'} onClose={() => setDialog(null)} data={data} timeZone={timeZone} defaultDate={currentDay} />
          <ReplaceDayModal opened={dialog === 'replaceDay'} onClose={() => setDialog(null)} data={data} defaultDate={focusDay} />
        </>
      )}
    </>
  );
}
