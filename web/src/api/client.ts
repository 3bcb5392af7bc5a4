/**
 * The typed API client. Types come from `openapi.json` (see `npm run gen:api`).
 * Every call goes through `api` and is unwrapped with `unwrap`, which throws an ApiError on failure.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, networkError, toApiError } from './problem.ts';

/*
 * Types are derived from the operations (path, method, status), not from component names, so that the
 * back end may name its schemas as it likes: regenerating schema.d.ts keeps this file compiling.
 */
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON body of response `S` of `M P`. */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P], S extends number> =
  NonNullable<paths[P][M]> extends { responses: infer Rs } ? (S extends keyof Rs ? Json<Rs[S]> : never) : never;

export type Session = ResponseBody<'/api/v1/me', 'get', 200>;
export type Role = Session['role'];
/** The answer of login and invitation accept: a session, or "send a code of the second factor first". */
export type LoginAnswer = ResponseBody<'/api/v1/auth/login', 'post', 200>;
export type TotpSetup = ResponseBody<'/api/v1/me/2fa/totp', 'post', 200>;
export type RecoveryCodes = ResponseBody<'/api/v1/me/2fa/totp/confirm', 'post', 200>;
/** A live session of the person (device, school, address, last use), as "Mes sessions" lists it. */
export type SessionItem = ResponseBody<'/api/v1/me/sessions', 'get', 200>['items'][number];
/** A passkey of the person (name, added, last used), as "Clés d'accès" lists it. */
export type PasskeyItem = ResponseBody<'/api/v1/me/passkeys', 'get', 200>['items'][number];
export type Member = ResponseBody<'/api/v1/users/{id}', 'patch', 200>;
export type Invitation = ResponseBody<'/api/v1/invitations', 'post', 201>;
export type InvitationLookup = ResponseBody<'/api/v1/invitations/lookup', 'get', 200>;
export type AuditEntry = ResponseBody<'/api/v1/audit-log', 'get', 200>['items'][number];
export type AuditVerify = ResponseBody<'/api/v1/audit-log/verify', 'get', 200>;
export type DemoMail = ResponseBody<'/api/v1/demo/mails', 'get', 200>['items'][number];
export type Agency = ResponseBody<'/api/v1/agencies/{id}', 'get', 200>;
export type Instructor = ResponseBody<'/api/v1/instructors/{id}', 'get', 200>;
export type Availability = ResponseBody<'/api/v1/instructors/{id}/availability', 'get', 200>;
export type AvailabilityException = ResponseBody<'/api/v1/instructors/{id}/exceptions', 'post', 201>;
export type ExceptionKind = AvailabilityException['kind'];
export type WeeklyRange = Availability['weekly'][number];
export type Closure = Agency['closures'][number];
export type Room = Agency['rooms'][number];
export type MeetingPoint = Agency['meeting_points'][number];
export type Vehicle = ResponseBody<'/api/v1/vehicles/{id}', 'get', 200>;
export type VehicleKind = Vehicle['kind'];
export type VehicleStatus = Vehicle['status'];
export type Gearbox = Vehicle['gearbox'];
/** A notification of the person (newest first), as the bell and "Notifications" list them. */
export type Notification = ResponseBody<'/api/v1/notifications', 'get', 200>['items'][number];
export type NotificationEvent = Notification['event'];
export type NotificationPreferences = ResponseBody<'/api/v1/me/notification-preferences', 'get', 200>;
export type ChannelChoice = NotificationPreferences['channels'][string];
export type QuietHours = NotificationPreferences['quiet_hours'];
/** One message sent (or to send) on one channel, as "Journal des envois" lists them (ADMIN). */
export type NotificationDelivery = ResponseBody<'/api/v1/notification-deliveries', 'get', 200>['items'][number];
/** The secret address of an instructor's or a student's planning, for their calendar app. */
export type CalendarFeed = ResponseBody<'/api/v1/me/calendar-feed', 'get', 200>;
export type CaughtSms = ResponseBody<'/api/v1/demo/sms', 'get', 200>['items'][number];

let csrfToken: string | null = null;

/** Remembers the CSRF token of the current session (from login, switch-tenant, invitation accept or GET /me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (STATE_CHANGING.has(request.method.toUpperCase()) && csrfToken !== null) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  // Resolved at call time, so that tests can stub the global fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(csrfMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError built from the problem+json body.
 * A call that cannot reach the server throws an ApiError with status 0.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw networkError();
  }
  const { data, error, response } = result;
  if (!response.ok) {
    throw toApiError(response.status, error, response.headers.get('Retry-After'));
  }
  return data as T;
}
