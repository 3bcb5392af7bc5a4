/**
 * The typed API client. Types come from `openapi.json` (see `npm run gen:api`).
 * Every call goes through `api` and is unwrapped with `unwrap`, which throws an ApiError on failure.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { ApiError, networkError, toApiError } from './problem.ts';

export type Schemas = components['schemas'];
export type Session = Schemas['Session'];
export type Role = Schemas['Role'];
export type Member = Schemas['Member'];
export type Invitation = Schemas['Invitation'];
export type InvitationLookup = Schemas['InvitationLookup'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditVerify = Schemas['AuditVerify'];
export type DemoMail = Schemas['DemoMail'];

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
