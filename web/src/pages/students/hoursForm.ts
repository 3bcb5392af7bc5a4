/** The "Ajouter des heures" dialog's values and the entry they post. */
import type { TFunction } from 'i18next';
import { toMinutes } from '../../lib/duration.ts';
import type { PostableKind } from './api.ts';

export interface HoursValues {
  kind: PostableKind;
  hours: number | string;
  minutes: number | string;
  /** A correction that removes hours. */
  negative: boolean;
  reason: string;
}

export const EMPTY_HOURS: HoursValues = { kind: 'purchase', hours: '', minutes: '', negative: false, reason: '' };

/** The body of POST /students/{id}/hours, or null while the duration is missing or invalid. */
export function hoursEntryBody(values: HoursValues): { kind: PostableKind; minutes: number; reason: string | null } | null {
  const minutes = toMinutes(values.hours, values.minutes);
  if (minutes === null || minutes === 0) return null;
  const reason = values.reason.trim();
  const signed = values.kind === 'correction' && values.negative ? -minutes : minutes;
  return { kind: values.kind, minutes: signed, reason: reason === '' ? null : reason };
}

export function validateHours(values: HoursValues, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  const minutes = toMinutes(values.hours, values.minutes);
  if (minutes === null && (String(values.hours).trim() !== '' || String(values.minutes).trim() !== '')) {
    errors.hours = t('students.duration.invalidMinutes');
  } else if (minutes === null || minutes === 0) {
    errors.hours = t('students.hours.amountRequired');
  }
  if (values.kind === 'correction' && values.reason.trim() === '') errors.reason = t('validation.required');
  return errors;
}
