/**
 * The instructor's lesson actions, sent or queued: without network (the browser says so, or the request failed
 * without an answer) the action goes to the outbox, with the key of the attempt that may have reached the server.
 */
import { ApiError } from '../api/problem.ts';
import type { Lesson } from '../pages/planning/types.ts';
import { newIdempotencyKey, type LessonSnapshot, type Outbox, type OutboxAction } from './outbox.ts';

/** The key of the form's current attempt: kept while its outcome is unknown, renewed once the server answered. */
export interface KeyHolder {
  current: string;
}

export const QUEUED = 'queued' as const;

export function snapshotOf(lesson: Lesson): LessonSnapshot {
  return { starts_at: lesson.starts_at, ends_at: lesson.ends_at, student_id: lesson.student_id ?? null, kind: lesson.kind };
}

/**
 * Sends `action` with the attempt's key through `call`, or queues it in `box` (an instructor's outbox; null for other
 * roles, who simply send). Resolves with the server's answer, or QUEUED.
 */
export async function sendOrQueue<T>(
  box: Pick<Outbox, 'enqueue'> | null,
  action: OutboxAction,
  lesson: Lesson,
  key: KeyHolder,
  call: (headers: Record<string, string>) => Promise<T>,
): Promise<T | typeof QUEUED> {
  if (box && !navigator.onLine) {
    box.enqueue(action, snapshotOf(lesson));
    return QUEUED;
  }
  try {
    return await call(box ? { 'Idempotency-Key': key.current } : {});
  } catch (error) {
    if (box && error instanceof ApiError && error.status === 0) {
      // Maybe done, maybe not: the outbox sends the same request again with the same key.
      box.enqueue(action, snapshotOf(lesson), key.current);
      return QUEUED;
    }
    // The server answered: a new attempt (another body, perhaps) is another request.
    key.current = newIdempotencyKey();
    throw error;
  }
}
