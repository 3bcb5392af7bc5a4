/**
 * The current session: GET /me decides who is logged in. `null` means "not logged in" (401).
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap, type LoginAnswer, type Session } from './client.ts';
import { SESSION_KEY } from './keys.ts';
import { ApiError } from './problem.ts';

export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await unwrap(api.GET('/api/v1/me'));
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: fetchSession,
    staleTime: 5 * 60 * 1000,
    refetchOnWindowFocus: true,
  });
}

/** The session, for components rendered inside the authenticated shell (which guarantees it exists). */
export function useCurrentSession(): Session {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentSession outside of the authenticated shell');
  return data;
}

/**
 * Installs a new session (after login, switch-tenant or invitation accept): stores its CSRF token, drops every
 * cached query of the previous session (another tenant's data must never be shown), and caches the session.
 */
export function startSession(queryClient: QueryClient, session: Session): void {
  setCsrfToken(session.csrf_token);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  queryClient.setQueryData(SESSION_KEY, session);
}

/** Forgets the session locally (after logout or a 401). */
export function endSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  queryClient.setQueryData(SESSION_KEY, null);
}

/** Whether a login (or invitation accept) answer asks for the second factor instead of opening a session. */
export function needsSecondFactor(answer: LoginAnswer): answer is Exclude<LoginAnswer, Session> {
  return 'two_factor_required' in answer && answer.two_factor_required;
}

/**
 * Installs the session of a guardian who now follows another child (after POST /auth/switch-child): every query of the
 * previous child is reset (its data dropped, the shown ones fetched again for the new child), so that nothing of one
 * child is ever shown under the other's name.
 */
export async function followChild(queryClient: QueryClient, session: Session): Promise<void> {
  setCsrfToken(session.csrf_token);
  queryClient.setQueryData(SESSION_KEY, session);
  await queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
}
