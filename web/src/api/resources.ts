/**
 * Queries shared by the resource pages (agencies, instructors, vehicles): keys, fetchers, small hooks.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Agency } from './client.ts';

export const AGENCIES_KEY = ['agencies'] as const;
export const agencyKey = (id: string) => ['agencies', id] as const;
export const INSTRUCTORS_KEY = ['instructors'] as const;
export const instructorKey = (id: string) => ['instructors', 'one', id] as const;
export const availabilityKey = (id: string) => ['availability', id] as const;
export const VEHICLES_KEY = ['vehicles'] as const;

/** Every agency of the school (a handful, not paginated). Everyone may read them. */
export const agenciesQuery = {
  queryKey: AGENCIES_KEY,
  queryFn: async (): Promise<Agency[]> => (await unwrap(api.GET('/api/v1/agencies'))).items,
  staleTime: 5 * 60 * 1000,
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
