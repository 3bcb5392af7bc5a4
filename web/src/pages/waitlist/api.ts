/**
 * The waitlist's API: its entries and offers (the office all of them, a student their own), and a student's free
 * slots. Types come from the API operations (see api/client.ts).
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { LESSONS_KEY, STUDENTS_KEY, WAITLIST_ENTRIES_KEY, WAITLIST_KEY, WAITLIST_OFFERS_KEY, suggestionsKey } from '../../api/keys.ts';

export type WaitlistEntry = ResponseBody<'/api/v1/waitlist', 'get', 200>[number];
export type WaitlistOffer = ResponseBody<'/api/v1/waitlist/offers', 'get', 200>[number];
export type OfferStatus = WaitlistOffer['status'];
export type Suggestion = ResponseBody<'/api/v1/students/{id}/suggestions', 'get', 200>[number];
export type Planned = ResponseBody<'/api/v1/waitlist/offers/{id}/accept', 'post', 201>;

export interface WaitlistBody {
  student_id: string;
  windows: { weekday: number; start: string; end: string }[];
  instructor_ids: string[];
  note: string | null;
}

export function useWaitlistEntries() {
  return useQuery({
    queryKey: WAITLIST_ENTRIES_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/waitlist')),
    staleTime: 15_000,
  });
}

export function useWaitlistOffers() {
  return useQuery({
    queryKey: WAITLIST_OFFERS_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/waitlist/offers')),
    staleTime: 15_000,
    // A freed slot is offered to several students at once: keep the list fresh while it is open.
    refetchInterval: 60_000,
  });
}

/** A student's free driving slots (the next 14 days, `count` of them), for the office or the student themself. */
export function useSuggestions(studentId: string | null, count = 5, enabled = true) {
  return useQuery({
    queryKey: [...suggestionsKey(studentId ?? ''), count],
    queryFn: () =>
      unwrap(api.GET('/api/v1/students/{id}/suggestions', { params: { path: { id: studentId ?? '' }, query: { count } } })),
    enabled: enabled && studentId !== null,
    staleTime: 30_000,
  });
}

export function saveEntry(body: WaitlistBody) {
  return unwrap(api.POST('/api/v1/waitlist', { body }));
}

export function removeEntry(id: string) {
  return unwrap(api.DELETE('/api/v1/waitlist/{id}', { params: { path: { id } } }));
}

export function acceptOffer(id: string) {
  return unwrap(api.POST('/api/v1/waitlist/offers/{id}/accept', { params: { path: { id } } }));
}

export function declineOffer(id: string) {
  return unwrap(api.POST('/api/v1/waitlist/offers/{id}/decline', { params: { path: { id } } }));
}

export function bookSuggestion(studentId: string, s: Suggestion) {
  return unwrap(
    api.POST('/api/v1/students/{id}/suggestions/book', {
      params: { path: { id: studentId } },
      body: {
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        instructor_id: s.instructor_id,
        vehicle_id: s.vehicle_id,
        ...(s.meeting_point ? { meeting_point: s.meeting_point } : {}),
      },
    }),
  );
}

/** After an accept, a decline or a booking: the waitlist, the planning (and the free slots under it), the hours. */
export function refreshAfterBooking(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: WAITLIST_KEY });
  void queryClient.invalidateQueries({ queryKey: LESSONS_KEY });
  void queryClient.invalidateQueries({ queryKey: STUDENTS_KEY });
}
