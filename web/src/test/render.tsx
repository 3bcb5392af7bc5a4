import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../AppProviders.tsx';
import { setCsrfToken, type Session } from '../api/client.ts';
import { SESSION_KEY } from '../api/keys.ts';

/**
 * Renders `ui` with the app's providers at `route`. With `session`, as a signed-in page: the session is in the cache
 * and its CSRF token set (undo with `setCsrfToken(null)` after the test).
 */
export function renderWithProviders(ui: ReactElement, { route = '/', session }: { route?: string; session?: Session } = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  if (session) {
    queryClient.setQueryData(SESSION_KEY, session);
    setCsrfToken(session.csrf_token);
  }
  const result = render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </AppProviders>,
  );
  return { ...result, queryClient };
}

/** A problem+json response, as the Volant API sends them. */
export function problemResponse(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Erreur', status, ...body }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Handler = (request: Request) => Response | Promise<Response>;

/** Stubs the global fetch with a table of "METHOD /path" → handler; anything else fails the test. */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    calls.push(request);
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (!handler) throw new Error(`unexpected request ${request.method} ${url.pathname}`);
    return handler(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls };
}

export const demoSession = {
  user: { id: '00000000-0000-4000-8000-000000000001', email: 'admin@demo.volant.test', display_name: 'Claire Martin' },
  role: 'ADMIN' as const,
  tenant: { id: '00000000-0000-4000-8000-0000000000aa', name: 'Auto-École du Centre', slug: 'auto-ecole-du-centre', timezone: 'Europe/Paris' },
  memberships: [{ tenant_id: '00000000-0000-4000-8000-0000000000aa', tenant_name: 'Auto-École du Centre', role: 'ADMIN' as const }],
  csrf_token: 'csrf-123',
  demo_mails: false,
  two_factor_enabled: false,
  instructor_id: null,
  student_id: null,
};
