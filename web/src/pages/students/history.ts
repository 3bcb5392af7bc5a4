/** Reading the events of a student's timeline. */
import type { HistoryItem } from './api.ts';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * When the lesson of a lesson event takes place: the item's `lesson_starts_at`, else the lesson recorded in the
 * event (`after.starts_at`, or `after.lesson.starts_at`). Null for other events.
 */
export function lessonStartOf(item: HistoryItem): string | null {
  const raw: unknown = item;
  if (!isRecord(raw) || !item.action.startsWith('lesson.')) return null;
  if (typeof raw.lesson_starts_at === 'string') return raw.lesson_starts_at;
  const after = raw.after;
  if (isRecord(after)) {
    if (typeof after.starts_at === 'string') return after.starts_at;
    if (isRecord(after.lesson) && typeof after.lesson.starts_at === 'string') return after.lesson.starts_at;
  }
  return null;
}
