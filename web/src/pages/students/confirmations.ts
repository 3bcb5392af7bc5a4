/**
 * The student's word on their lessons done ("student-confirmed hours"): how a ledger line shows it, and the link of
 * the instructor's QR code (`/mes-heures?seance=<lesson>&code=<6 digits>`).
 */
import type { HoursEntry } from './api.ts';

export type ConfirmationStatus = NonNullable<HoursEntry['confirmation']>;
/** What a ledger line shows: a dispute the office answered is `settled`. */
export type ConfirmationBadge = ConfirmationStatus | 'settled';

export const CONFIRMATION_COLOUR: Record<ConfirmationBadge, string> = {
  confirmed: 'green',
  pending: 'yellow',
  disputed: 'red',
  settled: 'gray',
};

/** The badge of a line: none for what is not a lesson's consumption; a dispute with an answer is settled. */
export function confirmationBadge(status: HoursEntry['confirmation'], resolved = false): ConfirmationBadge | null {
  if (!status) return null;
  return status === 'disputed' && resolved ? 'settled' : status;
}

export interface ConfirmLink {
  lessonId: string;
  /** The 6 digits, or '' when the link has none (or a malformed one). */
  code: string;
}

/** `?seance=<id>&code=<code>` of the instructor's QR: the lesson to confirm, with its code. */
export function readConfirmLink(search: URLSearchParams): ConfirmLink | null {
  const lessonId = search.get('seance')?.trim() ?? '';
  if (lessonId === '') return null;
  const code = (search.get('code') ?? '').replace(/\s+/g, '');
  return { lessonId, code: /^\d{6}$/.test(code) ? code : '' };
}

/** A typed code: its digits only, at most 6 ("123 456" → "123456"). */
export function cleanCode(value: string): string {
  return value.replace(/\D+/g, '').slice(0, 6);
}
