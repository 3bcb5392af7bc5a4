/**
 * The planning's queries: the lessons of the visible window, and the people and cars it names.
 */
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type Instructor, type Vehicle } from '../../api/client.ts';
import { INSTRUCTORS_KEY, VEHICLES_KEY } from '../../api/resources.ts';
import { addDays } from '../../lib/holidays.ts';
import { dayStartInstant } from './time.ts';
import type { Lesson, LessonKind, Student } from './types.ts';

export const LESSONS_KEY = ['lessons'] as const;
const WINDOW_KEY = [...LESSONS_KEY, 'window'] as const;
/** Under the students' prefix, so that a change to a file refreshes the names here too. */
const STUDENT_NAMES_KEY = ['students', 'planning-names'] as const;

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
  return useQuery({
    queryKey: [...WINDOW_KEY, window?.from, window?.to, filters],
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
      };
      const page = await unwrap(api.GET('/api/v1/lessons', { params: { query } }));
      return { items: page.items };
    },
    enabled: window !== null,
    placeholderData: keepPreviousData,
    // The office works in it all day: keep it fresh without hammering the server.
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

/** How far "À venir" looks ahead. */
export const UPCOMING_WEEKS = 8;

/**
 * The caller's lessons of whole days `[firstDay, firstDay + days)` (school days `YYYY-MM-DD`), not cancelled, in
 * time order. The server keeps an instructor or a student to their own lessons.
 */
export function useLessonsOfDays(firstDay: string, days: number, timeZone: string, enabled = true) {
  return useQuery({
    queryKey: [...LESSONS_KEY, 'days', firstDay, days],
    queryFn: async (): Promise<Lesson[]> => {
      const query = { from: dayStartInstant(firstDay, timeZone), to: dayStartInstant(addDays(firstDay, days), timeZone) };
      const page = await unwrap(api.GET('/api/v1/lessons', { params: { query } }));
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

/** The student files (hours, history…) after lessons changed; not the planning's own list of names. */
export function invalidateStudentFiles(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: ['students'], predicate: (query) => query.queryKey[1] !== STUDENT_NAMES_KEY[1] });
}

/** Stops the window queries in flight (before an optimistic change, so that an older answer does not undo it). */
export function cancelLessonQueries(queryClient: QueryClient): Promise<void> {
  return queryClient.cancelQueries({ queryKey: WINDOW_KEY });
}

const MAX_PAGES = 50;

async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

/** Every instructor (inactive ones too: they name past lessons). Everyone may read them. */
export function useAllInstructors() {
  return useQuery({
    queryKey: [...INSTRUCTORS_KEY, 'all'],
    queryFn: () =>
      allPages<Instructor>((cursor) => unwrap(api.GET('/api/v1/instructors', { params: { query: { limit: 200, cursor } } }))),
    staleTime: 5 * 60 * 1000,
  });
}

/** Every vehicle (not for students: the API keeps the fleet from them). */
export function useAllVehicles(enabled: boolean) {
  return useQuery({
    queryKey: [...VEHICLES_KEY, 'all'],
    queryFn: () => allPages<Vehicle>((cursor) => unwrap(api.GET('/api/v1/vehicles', { params: { query: { limit: 200, cursor } } }))),
    enabled,
    staleTime: 5 * 60 * 1000,
  });
}

/** The students the caller may see (all for the office, their own for an instructor or a student). */
export function useAllStudents() {
  return useQuery({
    queryKey: STUDENT_NAMES_KEY,
    queryFn: () => allPages<Student>((cursor) => unwrap(api.GET('/api/v1/students', { params: { query: { limit: 200, cursor } } }))),
    staleTime: 5 * 60 * 1000,
  });
}

export function studentName(student: Pick<Student, 'first_name' | 'last_name'>): string {
  return `${student.first_name} ${student.last_name}`;
}

export function instructorName(instructor: Pick<Instructor, 'first_name' | 'last_name'>): string {
  return `${instructor.first_name} ${instructor.last_name}`;
}
