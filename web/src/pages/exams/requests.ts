/**
 * The pure part of the change requests (an instructor or a student asks the office to cancel or move a lesson).
 */
import type { TFunction } from 'i18next';
import { instantToLocalInput, localInputToInstant } from '../../lib/zonedTime.ts';
import type { ChangeRequest, NewChangeRequest } from './api.ts';

interface LessonLike {
  id: string;
  kind: string;
  status: string;
  starts_at: string;
  ends_at: string;
}

/** A request makes sense for a planned lesson (not a block) that has not started. */
export function mayRequestChange(lesson: LessonLike, now: number): boolean {
  return lesson.status === 'planned' && lesson.kind !== 'unavailability' && Date.parse(lesson.starts_at) > now;
}

/** The pending request about a lesson, if any (the list holds the caller's own requests). */
export function pendingFor<R extends Pick<ChangeRequest, 'lesson_id' | 'status'>>(requests: readonly R[], lessonId: string): R | undefined {
  return requests.find((r) => r.lesson_id === lessonId && r.status === 'pending');
}

export interface MoveValues {
  /** `YYYY-MM-DDTHH:MM`, the school's wall clock. */
  starts: string;
  ends: string;
}

/** The lesson's own times, as the starting point of a move. */
export function moveDefaults(lesson: LessonLike, timeZone: string): MoveValues {
  return { starts: instantToLocalInput(lesson.starts_at, timeZone), ends: instantToLocalInput(lesson.ends_at, timeZone) };
}

/** A new start keeps the duration: the end follows. */
export function withStart(values: MoveValues, starts: string, timeZone: string): MoveValues {
  const oldStart = localInputToInstant(values.starts, timeZone);
  const oldEnd = localInputToInstant(values.ends, timeZone);
  const newStart = localInputToInstant(starts, timeZone);
  if (oldStart === null || oldEnd === null || newStart === null) return { ...values, starts };
  const duration = Date.parse(oldEnd) - Date.parse(oldStart);
  if (duration <= 0) return { ...values, starts };
  return { starts, ends: instantToLocalInput(new Date(Date.parse(newStart) + duration).toISOString(), timeZone) };
}

export function validateMove(values: MoveValues, timeZone: string, now: number, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  const starts = localInputToInstant(values.starts, timeZone);
  const ends = localInputToInstant(values.ends, timeZone);
  if (starts === null) errors.starts = t('changeRequests.panel.invalidDate');
  else if (Date.parse(starts) <= now) errors.starts = t('changeRequests.panel.startInPast');
  if (ends === null) errors.ends = t('changeRequests.panel.invalidDate');
  else if (starts !== null && Date.parse(ends) <= Date.parse(starts)) errors.ends = t('changeRequests.panel.endBeforeStart');
  return errors;
}

const orNull = (s: string): string | null => {
  const trimmed = s.trim();
  return trimmed === '' ? null : trimmed;
};

export function cancelRequestBody(lessonId: string, reason: string): NewChangeRequest {
  return { lesson_id: lessonId, kind: 'cancel', reason: orNull(reason) };
}

/** The body of a move request, or null when the times are unreadable. */
export function moveRequestBody(lessonId: string, values: MoveValues, reason: string, timeZone: string): NewChangeRequest | null {
  const starts = localInputToInstant(values.starts, timeZone);
  const ends = localInputToInstant(values.ends, timeZone);
  if (starts === null || ends === null) return null;
  return { lesson_id: lessonId, kind: 'move', reason: orNull(reason), starts_at: starts, ends_at: ends };
}

/** The school's default notice for a student's cancellation (SPEC § P0.3: 48 h unless the school changes it). */
export const DEFAULT_NOTICE_HOURS = 48;

/** A student's cancellation asked for with less notice than the school's: charged unless the office waives it. */
export function isLateCancellation(
  request: Pick<ChangeRequest, 'kind' | 'requester_role' | 'created_at' | 'lesson_starts_at'>,
  noticeHours = DEFAULT_NOTICE_HOURS,
): boolean {
  if (request.kind !== 'cancel' || request.requester_role !== 'STUDENT') return false;
  return Date.parse(request.lesson_starts_at) - Date.parse(request.created_at) < noticeHours * 3_600_000;
}

/** For a student's cancellation the office may waive the charge. */
export function mayWaive(request: Pick<ChangeRequest, 'kind' | 'requester_role'>): boolean {
  return request.kind === 'cancel' && request.requester_role === 'STUDENT';
}
