/**
 * The planning's queries: the lessons of a window, with the names the calendar writes on them (`include=names`: one
 * request, instead of paging through every student, instructor and car of the school).
 */
import { keepPreviousData, useQueries, useQuery, useQueryClient, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import {
  LESSONS_KEY,
  PLANNING_NAMES_KEY,
  STUDENTS_KEY,
  WINDOW_KEY,
  instructorBusyKey,
  lessonWindowKey,
  travelGapsKey,
  lessonsOfDaysKey,
} from '../../api/keys.ts';
import { addDays } from '../../lib/holidays.ts';
import type { BusyTime } from './busy.ts';
import type { TravelGap } from './travel.ts';
import { dayStartInstant } from './time.ts';
import type { Lesson, LessonKind, Student } from './types.ts';

export { LESSONS_KEY };

type WindowNames = NonNullable<ResponseBody<'/api/v1/lessons', 'get', 200>['names']>;

/** Every name the loaded windows brought, by id (kept across weeks: moving back and forth names at once). */
export interface KnownNames {
  students: ReadonlyMap<string, string>;
  instructors: ReadonlyMap<string, string>;
  plates: ReadonlyMap<string, string>;
}

const NO_NAMES: KnownNames = { students: new Map(), instructors: new Map(), plates: new Map() };

function mergeNames(queryClient: QueryClient, names: WindowNames | null | undefined): void {
  if (!names) return;
  const known = queryClient.getQueryData<KnownNames>(PLANNING_NAMES_KEY) ?? NO_NAMES;
  const merged = (old: ReadonlyMap<string, string>, add: Record<string, string>) => new Map([...old, ...Object.entries(add)]);
  queryClient.setQueryData<KnownNames>(PLANNING_NAMES_KEY, {
    students: merged(known.students, names.students),
    instructors: merged(known.instructors, names.instructors),
    plates: merged(known.plates, names.vehicles),
  });
}

/** The names the planning's windows brought so far (filled by the window queries, never fetched on its own). */
export function useKnownNames(): KnownNames {
  const { data } = useQuery({ queryKey: PLANNING_NAMES_KEY, queryFn: () => NO_NAMES, initialData: NO_NAMES, staleTime: Infinity });
  return data;
}

export interface PlanningFilters {
  agency_id: string | null;
  instructor_id: string | null;
  vehicle_id: string | null;
  student_id: string | null;
  kind: LessonKind | null;
}

export const NO_FILTERS: PlanningFilters = { agency_id: null, instructor_id: null, vehicle_id: null, student_id: null, kind: null };

export interface Window {
  /** RFC 3339 instants. */
  from: string;
  to: string;
}

interface LessonWindow {
  items: Lesson[];
}

/** Every lesson overlapping the window (the API returns the whole window, never paginated). */
export function useLessonsWindow(window: Window | null, filters: PlanningFilters) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: lessonWindowKey(window?.from, window?.to, filters),
    queryFn: async (): Promise<LessonWindow> => {
      if (!window) return { items: [] };
      const query = {
        from: window.from,
        to: window.to,
        ...(filters.agency_id ? { agency_id: filters.agency_id } : {}),
        ...(filters.instructor_id ? { instructor_id: filters.instructor_id } : {}),
        ...(filters.vehicle_id ? { vehicle_id: filters.vehicle_id } : {}),
        ...(filters.student_id ? { student_id: filters.student_id } : {}),
        ...(filters.kind ? { kind: filters.kind } : {}),
        include: 'names' as const,
      };
      const page = await unwrap(api.GET('/api/v1/lessons', { params: { query } }));
      mergeNames(queryClient, page.names);
      return { items: page.items };
    },
    enabled: window !== null,
    placeholderData: keepPreviousData,
    // The office works in it all day: keep it fresh without hammering the server.
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

/**
 * The busy times of some instructors over a window: each one's list (empty until it arrives), in the order of the
 * instructors asked for, and whether any request failed.
 */
export interface InstructorsBusy {
  lists: BusyTime[][];
  failed: boolean;
}

const NO_BUSY: BusyTime[] = [];

/** Stable (module level), so that the combined value is computed again only when a result changes. */
const combineBusy = (results: UseQueryResult<BusyTime[]>[]): InstructorsBusy => ({
  lists: results.map((r) => r.data ?? NO_BUSY),
  failed: results.some((r) => r.isError),
});

/**
 * The busy times of the instructors shown, from their external calendars, one request per instructor (the office for
 * any instructor, an instructor for themselves: the caller never asks for a student). Under the lessons' prefix:
 * refreshed whenever the planning changes. The combined value keeps its identity while nothing changed.
 */
export function useInstructorsBusy(instructorIds: readonly string[], window: Window | null): InstructorsBusy {
  return useQueries({
    queries: instructorIds.map((id) => ({
      queryKey: instructorBusyKey(id, window?.from ?? '', window?.to ?? ''),
      queryFn: () =>
        unwrap(api.GET('/api/v1/instructors/{id}/busy', { params: { path: { id }, query: { from: window?.from, to: window?.to } } })),
      enabled: window !== null,
      // External calendars are refreshed hourly on the server; a planning change refreshes them at once.
      staleTime: 60_000,
    })),
    combine: combineBusy,
  });
}

const NO_GAPS: TravelGap[] = [];

/**
 * The instructors' trips between consecutive lessons over a window (the office every instructor's, or one's; an
 * instructor their own: the caller never asks for a student). Under the lessons' prefix: refreshed with the planning.
 */
export function useTravelGaps(window: Window | null, instructorId: string | null, enabled: boolean) {
  const query = useQuery({
    queryKey: travelGapsKey(window?.from ?? '', window?.to ?? '', instructorId),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/travel-gaps', {
          params: { query: { from: window?.from, to: window?.to, ...(instructorId ? { instructor_id: instructorId } : {}) } },
        }),
      ),
    enabled: enabled && window !== null,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
  return { gaps: enabled ? (query.data ?? NO_GAPS) : NO_GAPS, failed: enabled && query.isError };
}

/** How far "À venir" looks ahead. */
export const UPCOMING_WEEKS = 8;

/**
 * The caller's lessons of whole days `[firstDay, firstDay + days)` (school days `YYYY-MM-DD`), not cancelled, in
 * time order. The server keeps an instructor or a student to their own lessons.
 */
export function useLessonsOfDays(firstDay: string, days: number, timeZone: string, enabled = true) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: lessonsOfDaysKey(firstDay, days),
    queryFn: async (): Promise<Lesson[]> => {
      const from = dayStartInstant(firstDay, timeZone);
      const query = { from, to: dayStartInstant(addDays(firstDay, days), timeZone), include: 'names' as const };
      const page = await unwrap(api.GET('/api/v1/lessons', { params: { query } }));
      mergeNames(queryClient, page.names);
      return page.items
        .filter((l) => l.status !== 'cancelled')
        .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    },
    enabled,
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

/** Replaces a lesson wherever a loaded window holds it (after a move, a cancellation…). */
export function replaceLessonInCache(queryClient: QueryClient, lesson: Lesson): void {
  queryClient.setQueriesData<LessonWindow>({ queryKey: WINDOW_KEY }, (data) =>
    data ? { ...data, items: data.items.map((item) => (item.id === lesson.id ? lesson : item)) } : data,
  );
}

export function invalidateLessons(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: LESSONS_KEY });
}

/** The student files (hours, history…) after lessons changed. */
export function invalidateStudentFiles(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: STUDENTS_KEY });
}

/** Stops the window queries in flight (before an optimistic change, so that an older answer does not undo it). */
export function cancelLessonQueries(queryClient: QueryClient): Promise<void> {
  return queryClient.cancelQueries({ queryKey: WINDOW_KEY });
}

export function studentName(student: Pick<Student, 'first_name' | 'last_name'>): string {
  return `${student.first_name} ${student.last_name}`;
}

