/**
 * RdvPermis (office): the exam centres, the free practical-test places of a search, booking one for a student (which
 * records the practical exam and books its accompaniment lesson) and cancelling a booking. Types derived from the
 * operations, like api/client.ts.
 */
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { RDVPERMIS_BOOKINGS_KEY, RDVPERMIS_CENTRES_KEY, RDVPERMIS_KEY, rdvPermisPlacesKey } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import type { paths } from '../../api/schema';
import { addDays } from '../../lib/holidays.ts';
import { dayStartInstant } from '../planning/time.ts';
import { invalidateAfterExam } from './api.ts';

export type RdvCentre = ResponseBody<'/api/v1/rdvpermis/centres', 'get', 200>['items'][number];
export type RdvPlace = ResponseBody<'/api/v1/rdvpermis/places', 'get', 200>['items'][number];
export type RdvBooking = ResponseBody<'/api/v1/rdvpermis/bookings', 'post', 201>;
export type NewRdvBooking = NonNullable<paths['/api/v1/rdvpermis/bookings']['post']>['requestBody']['content']['application/json'];

/** The search's default span: from today, four weeks. */
export const DEFAULT_SPAN_DAYS = 28;

/** The place search: a centre (null: all of them) and two days `YYYY-MM-DD` of the school, both included. */
export interface PlaceSearch {
  centre: string | null;
  fromDay: string;
  toDay: string;
}

export function defaultSearch(today: string): PlaceSearch {
  return { centre: null, fromDay: today, toDay: addDays(today, DEFAULT_SPAN_DAYS) };
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether the days are readable and in order (the end may be the start: one day). */
export function validSearch(search: PlaceSearch): boolean {
  return DAY_RE.test(search.fromDay) && DAY_RE.test(search.toDay) && search.fromDay <= search.toDay;
}

/** The query of `GET /rdvpermis/places`: instants from the first day's midnight to the one after the last day. */
export function placesQuery(search: PlaceSearch, timeZone: string): { centre: string | null; from: string; to: string } {
  return {
    centre: search.centre,
    from: dayStartInstant(search.fromDay, timeZone),
    to: dayStartInstant(addDays(search.toDay, 1), timeZone),
  };
}

/**
 * When RdvPermis is not connected (a 422 whose rule is `rdvpermis_connector`): the server's French detail (it says an
 * admin connects it in « Connecteurs »); null for any other error.
 */
export function connectorMissing(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const rules = error.problem.rules ?? [];
  const named = rules.some((r) => typeof r === 'object' && r !== null && (r as { code?: unknown }).code === 'rdvpermis_connector');
  if (!named) return null;
  const first = rules[0] as { message?: unknown } | undefined;
  return error.problem.detail ?? (typeof first?.message === 'string' ? first.message : null) ?? error.message;
}

export function useRdvCentres() {
  return useQuery({
    queryKey: RDVPERMIS_CENTRES_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/rdvpermis/centres'))).items,
    staleTime: 5 * 60_000,
  });
}

export function useRdvPlaces(search: PlaceSearch, timeZone: string, enabled: boolean) {
  const query = validSearch(search) ? placesQuery(search, timeZone) : null;
  return useQuery({
    queryKey: rdvPermisPlacesKey(query ?? { centre: null, from: '', to: '' }),
    queryFn: async () => {
      if (query === null) return [];
      const { centre, from, to } = query;
      return (await unwrap(api.GET('/api/v1/rdvpermis/places', { params: { query: { from, to, ...(centre ? { centre } : {}) } } }))).items;
    },
    enabled: enabled && query !== null,
    placeholderData: keepPreviousData,
  });
}

export function useRdvBookings(enabled: boolean) {
  return useQuery({
    queryKey: RDVPERMIS_BOOKINGS_KEY,
    queryFn: async () => (await unwrap(api.GET('/api/v1/rdvpermis/bookings'))).items,
    enabled,
  });
}

export function bookPlace(body: NewRdvBooking): Promise<RdvBooking> {
  return unwrap(api.POST('/api/v1/rdvpermis/bookings', { body }));
}

export function cancelBooking(id: string): Promise<RdvBooking> {
  return unwrap(api.DELETE('/api/v1/rdvpermis/bookings/{id}', { params: { path: { id } } }));
}

/**
 * After a booking or a cancellation: the places and the bookings, and (the practical exam and its accompaniment
 * lesson were booked or cancelled) the exams, the student's eligibility and timeline, the alerts and the planning.
 */
export function invalidateAfterBooking(queryClient: QueryClient, studentId: string): void {
  void queryClient.invalidateQueries({ queryKey: RDVPERMIS_KEY });
  invalidateAfterExam(queryClient, studentId);
}

export interface BookingValues {
  student_id: string | null;
  instructor_id: string | null;
  vehicle_id: string | null;
}

/** The body of `POST /rdvpermis/bookings` (null without a student); the instructor and vehicle only when chosen. */
export function bookingBody(placeId: string, values: BookingValues, overrideReason: string | null): NewRdvBooking | null {
  if (!values.student_id) return null;
  const reason = overrideReason?.trim() ?? '';
  return {
    student_id: values.student_id,
    place_id: placeId,
    ...(values.instructor_id ? { instructor_id: values.instructor_id } : {}),
    ...(values.vehicle_id ? { vehicle_id: values.vehicle_id } : {}),
    ...(reason ? { override_reason: reason } : {}),
  };
}

/** A place's centre: its name when the platform gave it, else the centres' list's, else its id. */
export function centreLabel(place: Pick<RdvPlace, 'centre_id' | 'centre_name'>, centres: readonly RdvCentre[]): string {
  if (place.centre_name) return place.centre_name;
  const centre = centres.find((c) => c.id === place.centre_id);
  return centre ? centre.name : place.centre_id;
}
