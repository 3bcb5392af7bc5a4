/**
 * The instructor's day kept in the browser (localStorage), so that the app opened without network still shows it:
 * the session, the lessons of yesterday, today and tomorrow, the names they need (students, instructors, cars), the
 * agencies, the week's figures and the booklets of the day's students (to evaluate offline). Only for an INSTRUCTOR
 * session, under the user's id; dropped at logout and when another person signs in. Nothing else of the query cache
 * is written down.
 */
import { dehydrate, hydrate, type DehydratedState, type Query, type QueryClient } from '@tanstack/react-query';
import { setCsrfToken, type Session } from '../api/client.ts';
import { SESSION_KEY } from '../api/keys.ts';
import type { KeyValueStorage } from './outbox.ts';

const PREFIX = 'volant.offline.v1';
/** Whose day is kept (the user id of the last instructor session). */
export const USER_KEY = `${PREFIX}.user`;
export const cacheKey = (userId: string) => `${PREFIX}.cache.${userId}`;
export const outboxKey = (userId: string) => `${PREFIX}.outbox.${userId}`;

/** A day's lessons are kept three days at most (yesterday's, for lessons still to mark). */
const MAX_AGE_MS = 3 * 86_400_000;

/** The queries worth keeping for the day (by key). */
export function keptForTheDay(key: readonly unknown[]): boolean {
  const [a, b] = key;
  switch (a) {
    case 'session':
    case 'agencies':
    case 'planning-names':
      return key.length === 1;
    case 'instructors':
      return b === 'all';
    case 'lessons':
      return b === 'days' || b === 'instructor-stats';
    case 'students':
      return b === 'booklet' || b === 'one';
    default:
      return false;
  }
}

/** JSON with Maps (the planning's names are Maps). */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? { __map: [...value.entries()] } : value;
}
function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '__map' in value && Array.isArray(value.__map)) {
    return new Map(value.__map as [unknown, unknown][]);
  }
  return value;
}

export function serialise(state: DehydratedState): string {
  return JSON.stringify(state, replacer);
}
export function deserialise(text: string): DehydratedState | null {
  try {
    const parsed = JSON.parse(text, reviver) as DehydratedState;
    return Array.isArray(parsed.queries) ? parsed : null;
  } catch {
    return null;
  }
}

function sessionOf(queryClient: QueryClient): Session | null | undefined {
  return queryClient.getQueryData<Session | null>(SESSION_KEY);
}

/** Puts the last instructor's day back in the cache (before the first render). Returns their user id, if any. */
export function restoreDay(queryClient: QueryClient, storage: KeyValueStorage, now = Date.now()): string | null {
  const userId = storage.getItem(USER_KEY);
  if (!userId) return null;
  const text = storage.getItem(cacheKey(userId));
  const state = text ? deserialise(text) : null;
  if (!state) return userId;
  // The session is asked again whenever there is network; the rest is dropped once too old to be the day's.
  const fresh = { ...state, queries: state.queries.filter((q) => q.queryKey[0] === SESSION_KEY[0] || now - q.state.dataUpdatedAt < MAX_AGE_MS) };
  const session = fresh.queries.find((q) => q.queryKey[0] === SESSION_KEY[0])?.state.data as Session | null | undefined;
  // Only an instructor's own day, and only with its session (the shell needs it).
  if (!session || session.role !== 'INSTRUCTOR' || session.user.id !== userId) return userId;
  // The session comes back stale: GET /me is asked again as soon as there is network (a new CSRF token, or "logged
  // out"); meanwhile its kept CSRF token is the one to send.
  hydrate(queryClient, {
    ...fresh,
    queries: fresh.queries.map((q) => (q.queryKey[0] === SESSION_KEY[0] ? { ...q, state: { ...q.state, dataUpdatedAt: 1 } } : q)),
  });
  setCsrfToken(session.csrf_token);
  return userId;
}

/** Forgets the kept day of `userId` (the outbox is kept: its actions are not lost). */
export function forgetDay(storage: KeyValueStorage, userId: string): void {
  storage.removeItem(cacheKey(userId));
  if (storage.getItem(USER_KEY) === userId) storage.removeItem(USER_KEY);
}

/**
 * Writes the day down after each change of the cache (debounced), while an instructor is signed in; forgets it when
 * the session ends or another person signs in. Returns the unsubscribe function.
 */
export function keepDay(queryClient: QueryClient, storage: KeyValueStorage, onUser: (userId: string | null) => void, delayMs = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let current: string | null = storage.getItem(USER_KEY);
  const write = () => {
    timer = null;
    const session = sessionOf(queryClient);
    const userId = session && session.role === 'INSTRUCTOR' ? session.user.id : null;
    if (session === undefined) return; // not known yet (first load)
    if (userId !== current) {
      if (current) forgetDay(storage, current);
      current = userId;
      onUser(userId);
    }
    if (!userId) return;
    const state = dehydrate(queryClient, {
      shouldDehydrateQuery: (query: Query) => query.state.status === 'success' && keptForTheDay(query.queryKey),
    });
    try {
      storage.setItem(cacheKey(userId), serialise(state));
      storage.setItem(USER_KEY, userId);
    } catch {
      // Storage full or refused (private mode): the app works, only not offline.
    }
  };
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' && event.type !== 'removed' && event.type !== 'added') return;
    if (event.type === 'updated' && event.action.type !== 'success') return;
    if (timer === null) timer = setTimeout(write, delayMs);
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    unsubscribe();
  };
}
