/**
 * Queries of the school's resources (agencies, instructors, vehicles), read by several pages.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Agency, type Instructor, type Vehicle } from './client.ts';
import { AGENCIES_KEY, ALL_INSTRUCTORS_KEY, ALL_VEHICLES_KEY } from './keys.ts';


const RESOURCES_STALE_TIME = 5 * 60 * 1000;
const MAX_PAGES = 50;

/** Every item of a `{items, next_cursor}` list, page after page (a school has at most a few hundred). */
export async function allPages<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>): Promise<T[]> {
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

/** Every agency of the school (a handful, not paginated). Everyone may read them. */
export const agenciesQuery = {
  queryKey: AGENCIES_KEY,
  queryFn: async (): Promise<Agency[]> => (await unwrap(api.GET('/api/v1/agencies'))).items,
  staleTime: RESOURCES_STALE_TIME,
};

export function useAgencies() {
  return useQuery(agenciesQuery);
}

/** Agencies as options of a Select, and their names by id. */
export function useAgencyOptions() {
  const agencies = useAgencies();
  const list = agencies.data ?? [];
  const names = new Map(list.map((a) => [a.id, a.name]));
  const options = list.map((a) => ({ value: a.id, label: a.name }));
  return { agencies, names, options };
}

export function instructorName(instructor: Pick<Instructor, 'first_name' | 'last_name'>): string {
  return `${instructor.first_name} ${instructor.last_name}`;
}

/** Every instructor (inactive ones too: they name past lessons). Everyone may read them. */
export function useAllInstructors() {
  return useQuery({
    queryKey: ALL_INSTRUCTORS_KEY,
    queryFn: () =>
      allPages<Instructor>((cursor) => unwrap(api.GET('/api/v1/instructors', { params: { query: { limit: 200, cursor } } }))),
    staleTime: RESOURCES_STALE_TIME,
  });
}

/** The instructors' names by id (all of them), and the active ones as options of a Select. */
export function useInstructorOptions() {
  const query = useAllInstructors();
  const list = query.data ?? [];
  const names = new Map(list.map((i) => [i.id, instructorName(i)]));
  const options = list.filter((i) => i.active).map((i) => ({ value: i.id, label: instructorName(i) }));
  return { query, names, options };
}

/** Every vehicle (not for students: the API keeps the fleet from them). */
export function useAllVehicles(enabled: boolean) {
  return useQuery({
    queryKey: ALL_VEHICLES_KEY,
    queryFn: () => allPages<Vehicle>((cursor) => unwrap(api.GET('/api/v1/vehicles', { params: { query: { limit: 200, cursor } } }))),
    enabled,
    staleTime: RESOURCES_STALE_TIME,
  });
}
