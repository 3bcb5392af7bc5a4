/**
 * The offline app of an INSTRUCTOR session, in the browser: the kept day (persist.ts), the outbox of the signed-in
 * instructor (outbox.ts) with its sender (the API, with `Idempotency-Key`), and when it is replayed: at start, on the
 * `online` event, and every 30 s while something waits and the browser says it is online.
 */
import { onlineManager, type QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../api/client.ts';
import { LESSONS_KEY, SESSION_KEY } from '../api/keys.ts';
import { ApiError } from '../api/problem.ts';
import { fetchSession } from '../api/session.ts';
import i18n from '../i18n/index.ts';
import { notifySuccess } from '../lib/notify.ts';
import { invalidateLessons, invalidateStudentFiles, replaceLessonInCache } from '../pages/planning/queries.ts';
import type { Lesson } from '../pages/planning/types.ts';
import { Outbox, type KeyValueStorage, type OutboxEntry, type SendOutcome } from './outbox.ts';
import { keepDay, outboxKey, restoreDay, USER_KEY } from './persist.ts';

const RETRY_EVERY_MS = 30_000;

let client: QueryClient | null = null;
let outbox: Outbox<Lesson> | null = null;
let outboxUser: string | null = null;
const listeners = new Set<() => void>();

function storage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** The French message of a refusal: the server's `detail`, else a generic one (the list adds the status). */
function refusalDetail(error: ApiError): string {
  return error.problem.detail ?? error.problem.title ?? '';
}

/** Sends one action with its key; the outcome says what the outbox does with it. */
export async function sendAction(entry: OutboxEntry): Promise<SendOutcome<Lesson>> {
  const init = { params: { path: { id: entry.lessonId } }, headers: { 'Idempotency-Key': entry.key } };
  try {
    const lesson =
      entry.kind === 'complete'
        ? await unwrap(api.POST('/api/v1/lessons/{id}/complete', { ...init, body: entry.body }))
        : await unwrap(api.POST('/api/v1/lessons/{id}/no-show', init));
    return { outcome: 'sent', result: lesson };
  } catch (error) {
    if (!(error instanceof ApiError)) return { outcome: 'retry' };
    return classify(error);
  }
}

/** No answer, a server error, too many requests or a lost session: later, same key. Any other 4xx: a refusal. */
export function classify(error: ApiError): SendOutcome<never> {
  const { status } = error;
  if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return { outcome: 'retry' };
  return { outcome: 'refused', status, detail: refusalDetail(error) };
}

/** After an action was accepted: the lesson as the server has it now, everywhere it is shown. */
function refreshAfter(lesson: Lesson): void {
  if (!client) return;
  replaceLessonInCache(client, lesson);
  client.setQueriesData<Lesson[]>({ queryKey: [...LESSONS_KEY, 'days'] }, (data) =>
    Array.isArray(data) ? data.map((item) => (item.id === lesson.id ? lesson : item)) : data,
  );
  void invalidateLessons(client);
  void invalidateStudentFiles(client);
}

/** After a refusal: the lesson as the server has it now (cancelled, moved…) is read again; the refusal stays listed. */
function refreshAfterRefusal(): void {
  if (client) void invalidateLessons(client);
}

function switchOutbox(userId: string | null): void {
  if (userId === outboxUser) return;
  outboxUser = userId;
  const store = storage();
  outbox =
    userId && store
      ? new Outbox<Lesson>({ storage: store, storageKey: outboxKey(userId), send: sendAction, onSent: (_entry, lesson) => refreshAfter(lesson), onRefused: refreshAfterRefusal })
      : null;
  outbox?.subscribe(notify);
  notify();
  void replayNow();
}

/**
 * Sends what waits, if the browser is online and the session is still the outbox's owner (GET /me also gives the
 * CSRF token, which a day restored without network lacks).
 */
export async function replayNow(): Promise<void> {
  const box = outbox;
  if (!box || !client || !navigator.onLine || box.list().every((e) => e.status !== 'pending')) return;
  let session;
  try {
    session = await fetchSession();
  } catch {
    return; // no network after all: the next `online` event or tick
  }
  if (!session || session.user.id !== outboxUser) return;
  client.setQueryData(SESSION_KEY, session);
  const before = box.list().length;
  await box.replay();
  // Said once the queue is sent (the bar then goes away).
  if (box.list().length === 0 && before > 0) notifySuccess(i18n.t('offline.sentAll'));
}

/**
 * Starts the offline app (once, before the first render): restores the kept day, follows the session to keep it and to
 * pick the instructor's outbox, and replays it when the network comes back.
 */
export function startOffline(queryClient: QueryClient): void {
  client = queryClient;
  const store = storage();
  // TanStack Query believes it is online until told otherwise: a page opened offline must not fetch (its queries wait).
  onlineManager.setOnline(navigator.onLine);
  // What the day needs stays in memory while the page lives (not collected 5 minutes after its last viewer left):
  // opening a lesson's completion offline needs its student's booklet, fetched earlier.
  for (const key of [['lessons', 'days'], ['lessons', 'instructor-stats'], ['students', 'booklet'], ['planning-names']]) {
    queryClient.setQueryDefaults(key, { gcTime: Infinity });
  }
  if (!store) return;
  const userId = restoreDay(queryClient, store);
  switchOutbox(userId ?? store.getItem(USER_KEY));
  keepDay(queryClient, store, (user) => switchOutbox(user));
  // After TanStack Query heard of it too (its listener may come later).
  globalThis.addEventListener('online', () => setTimeout(() => void replayNow(), 0));
  setInterval(() => void replayNow(), RETRY_EVERY_MS);
}

/** The signed-in instructor's outbox (null for anyone else). */
export function currentOutbox(): Outbox<Lesson> | null {
  return outbox;
}

/** For tests: plugs an outbox in. */
export function setOutboxForTests(box: Outbox<Lesson> | null, queryClient: QueryClient | null = null): void {
  outbox = box;
  outboxUser = null;
  client = queryClient;
  box?.subscribe(notify);
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const NONE: readonly OutboxEntry[] = [];

/** The signed-in instructor's outbox entries (empty for anyone else), re-rendered on every change. */
export function useOutboxEntries(): readonly OutboxEntry[] {
  return useSyncExternalStore(subscribe, () => outbox?.list() ?? NONE);
}

/** Whether the browser says it is online (TanStack Query's view, which follows the online/offline events). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (listener) => onlineManager.subscribe(listener),
    () => onlineManager.isOnline(),
  );
}

/** The outbox entry about a lesson (an instructor's action not yet accepted by the server), if any. */
export function usePendingEntry(lessonId: string): OutboxEntry | undefined {
  return useOutboxEntries().find((e) => e.lessonId === lessonId);
}
