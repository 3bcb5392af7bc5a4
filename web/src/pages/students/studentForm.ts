/**
 * The student form's values, their conversion to and from the API, and its client-side rules (the server
 * checks the same ones; these only spare a round trip).
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/problem.ts';
import { optional } from '../../lib/formErrors.ts';
import { splitMinutes, toMinutes } from '../../lib/duration.ts';
import { validateEmail } from '../../lib/passwords.ts';
import type { AntsStatus, Category, Civility, Funding, Student, StudentStatus, TrainingMode } from './api.ts';

export const MAJORITY_AGE = 18;

export interface GuardianValues {
  first_name: string;
  last_name: string;
  relationship: string;
  phone: string;
  email: string;
}

export interface StudentValues {
  status: StudentStatus;
  civility: Civility | null;
  first_name: string;
  last_name: string;
  birth_name: string;
  birth_date: string;
  birth_place: string;
  email: string;
  phone: string;
  address: string;
  guardian: GuardianValues;
  category: Category;
  training_mode: TrainingMode;
  funding: Funding;
  agency_id: string | null;
  referent_instructor_id: string | null;
  ants_status: AntsStatus;
  neph: string;
  start_evaluation_date: string;
  start_evaluation_hours: number | string;
  start_evaluation_minutes: number | string;
  contract_signed_on: string;
  notes: string;
}

const EMPTY_GUARDIAN: GuardianValues = { first_name: '', last_name: '', relationship: '', phone: '', email: '' };

/** Full years of age on `today` (both `YYYY-MM-DD`), or null for an unreadable date. */
export function ageOn(birthDate: string, today: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !t) return null;
  let age = Number(t[1]) - Number(b[1]);
  if (`${t[2]}-${t[3]}` < `${b[2]}-${b[3]}`) age -= 1;
  return Math.max(0, age);
}

/** Whether the birth date makes a minor today (the guardian is then required). False while the date is unreadable. */
export function isMinor(birthDate: string, today: string): boolean {
  const age = ageOn(birthDate, today);
  return age !== null && age < MAJORITY_AGE;
}

function guardianFilled(g: GuardianValues): boolean {
  return [g.first_name, g.last_name, g.relationship, g.phone, g.email].some((v) => v.trim() !== '');
}

/** The "Représentant légal" section shows for a minor, or when a guardian is already recorded. */
export function showGuardian(values: Pick<StudentValues, 'birth_date' | 'guardian'>, today: string): boolean {
  return isMinor(values.birth_date, today) || guardianFilled(values.guardian);
}

export function toValues(student: Student | undefined, defaults: { agencyId: string | null } = { agencyId: null }): StudentValues {
  const g = student?.guardian;
  const estimate = student?.start_evaluation ? splitMinutes(student.start_evaluation.estimated_minutes) : null;
  return {
    status: student?.status ?? 'active',
    civility: student?.civility ?? null,
    first_name: student?.first_name ?? '',
    last_name: student?.last_name ?? '',
    birth_name: student?.birth_name ?? '',
    birth_date: student?.birth_date ?? '',
    birth_place: student?.birth_place ?? '',
    email: student?.email ?? '',
    phone: student?.phone ?? '',
    address: student?.address ?? '',
    guardian: g
      ? {
          first_name: g.first_name ?? '',
          last_name: g.last_name,
          relationship: g.relationship ?? '',
          phone: g.phone ?? '',
          email: g.email ?? '',
        }
      : { ...EMPTY_GUARDIAN },
    category: student?.category ?? 'B',
    training_mode: student?.training_mode ?? 'traditional',
    funding: student?.funding ?? 'personal',
    agency_id: student?.agency_id ?? defaults.agencyId,
    referent_instructor_id: student?.referent_instructor_id ?? null,
    ants_status: student?.ants_status ?? 'not_started',
    neph: student?.neph ?? '',
    start_evaluation_date: student?.start_evaluation?.date ?? '',
    start_evaluation_hours: estimate ? estimate.hours : '',
    start_evaluation_minutes: estimate ? estimate.minutes : '',
    contract_signed_on: student?.contract_signed_on ?? '',
    notes: student?.notes ?? '',
  };
}

/**
 * The body sent to POST /students (and, with `version`, to PATCH). Every field is sent, so that a PATCH clears
 * what was emptied. The guardian is sent when the section is shown and filled, else null. The status is sent on
 * creation only (status changes have their own actions).
 */
export function toBody(values: StudentValues, today: string, { creating }: { creating: boolean }) {
  const g = values.guardian;
  const withGuardian = showGuardian(values, today) && guardianFilled(g);
  const estimate = toMinutes(values.start_evaluation_hours, values.start_evaluation_minutes);
  return {
    ...(creating ? { status: values.status } : {}),
    civility: values.civility,
    first_name: values.first_name.trim(),
    last_name: values.last_name.trim(),
    birth_name: optional(values.birth_name),
    birth_date: values.birth_date,
    birth_place: optional(values.birth_place),
    email: optional(values.email),
    phone: optional(values.phone),
    address: optional(values.address),
    guardian: withGuardian
      ? {
          first_name: optional(g.first_name),
          last_name: g.last_name.trim(),
          relationship: optional(g.relationship),
          phone: optional(g.phone),
          email: optional(g.email),
        }
      : null,
    category: values.category,
    training_mode: values.training_mode,
    funding: values.funding,
    ...(values.agency_id ? { agency_id: values.agency_id } : {}),
    referent_instructor_id: values.referent_instructor_id,
    ants_status: values.ants_status,
    neph: optional(values.neph.replace(/\s+/g, '')),
    start_evaluation: values.start_evaluation_date
      ? { date: values.start_evaluation_date, estimated_minutes: estimate ?? 0 }
      : null,
    contract_signed_on: values.contract_signed_on || null,
    notes: optional(values.notes),
  };
}

/** API field names (`errors[].field`) → form paths, where they differ. */
export const FIELD_RENAME: Record<string, string> = {
  'start_evaluation.estimated_minutes': 'start_evaluation_hours',
  'start_evaluation.date': 'start_evaluation_date',
  start_evaluation: 'start_evaluation_date',
};

/**
 * Client-side checks that spare a round trip (required fields, the guardian of a minor). The NEPH, phone numbers
 * and dates are checked by the server, whose French messages land under the fields.
 */
export function validateStudent(values: StudentValues, today: string, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  const required = t('validation.required');
  if (values.first_name.trim() === '') errors.first_name = required;
  if (values.last_name.trim() === '') errors.last_name = required;
  if (values.birth_date === '') errors.birth_date = required;
  if (values.email.trim() !== '') {
    const e = validateEmail(values.email, t);
    if (e) errors.email = e;
  }
  const hours = values.start_evaluation_hours;
  const minutes = values.start_evaluation_minutes;
  const anyEstimate = String(hours).trim() !== '' || String(minutes).trim() !== '';
  if (anyEstimate && toMinutes(hours, minutes) === null) errors.start_evaluation_hours = t('students.duration.invalidMinutes');
  if (anyEstimate && values.start_evaluation_date === '') errors.start_evaluation_date = t('students.form.startEvaluationDateRequired');
  if (isMinor(values.birth_date, today)) {
    const g = values.guardian;
    if (g.last_name.trim() === '') errors['guardian.last_name'] = required;
    if (g.phone.trim() === '' && g.email.trim() === '') errors['guardian.phone'] = t('students.form.guardianContactRequired');
    if (g.email.trim() !== '') {
      const e = validateEmail(g.email, t);
      if (e) errors['guardian.email'] = e;
    }
  }
  return errors;
}

/** The problem type of a probable duplicate (same names, case and accents aside, and same birth date). */
export const DUPLICATE_STUDENT = 'https://volant.app/problems/duplicate-student';

/** An existing file that a 409 names as a probable duplicate. */
export interface DuplicateFile {
  id: string;
  first_name: string;
  last_name: string;
  birth_date: string;
  neph: string | null;
}

/** The files a duplicate-student 409 names (none for any other error). */
export function duplicatesOf(error: unknown): DuplicateFile[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  if (error.problem.type !== undefined && error.problem.type !== DUPLICATE_STUDENT) return [];
  const out: DuplicateFile[] = [];
  for (const item of error.problem.conflicts ?? []) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, first_name, last_name, birth_date, neph } = item as Record<string, unknown>;
    if (typeof id !== 'string' || typeof first_name !== 'string' || typeof last_name !== 'string' || typeof birth_date !== 'string') continue;
    out.push({ id, first_name, last_name, birth_date, neph: typeof neph === 'string' ? neph : null });
  }
  return out;
}
