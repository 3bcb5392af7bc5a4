/**
 * The booklet's forms (an evaluation on its own, an assessment) and the French reading of their errors.
 */
import type { TFunction } from 'i18next';
import { ApiError, errorMessage } from '../../api/problem.ts';
import type { AssessmentKind, EvaluationSource, Level } from './api.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const orNull = (s: string): string | null => {
  const trimmed = s.trim();
  return trimmed === '' ? null : trimmed;
};

// --- An evaluation on its own (POST /students/{id}/booklet/evaluations) -----------------------------------------

export interface EvaluationValues {
  item_code: string;
  level: Level | '';
  /** `YYYY-MM-DD` */
  evaluated_on: string;
  comment: string;
}

export function emptyEvaluation(today: string, itemCode = ''): EvaluationValues {
  return { item_code: itemCode, level: '', evaluated_on: today, comment: '' };
}

export function validateEvaluation(values: EvaluationValues, today: string, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.item_code === '') errors.item_code = t('booklet.evaluate.itemRequired');
  if (values.level === '') errors.level = t('booklet.evaluate.levelRequired');
  if (!DATE.test(values.evaluated_on)) errors.evaluated_on = t('validation.required');
  else if (values.evaluated_on > today) errors.evaluated_on = t('booklet.evaluate.futureDate');
  return errors;
}

export interface EvaluationBody {
  item_code: string;
  level: Level;
  evaluated_on: string;
  comment: string | null;
  source: EvaluationSource;
}

/**
 * The body to post, or null while the form is incomplete. The office records only the levels of a student
 * transferred in from another school (`source: "transfer_in"`); an instructor's evaluation is a `lesson` one.
 */
export function evaluationBody(values: EvaluationValues, office: boolean): EvaluationBody | null {
  if (values.item_code === '' || values.level === '' || !DATE.test(values.evaluated_on)) return null;
  return {
    item_code: values.item_code,
    level: values.level,
    evaluated_on: values.evaluated_on,
    comment: orNull(values.comment),
    source: office ? 'transfer_in' : 'lesson',
  };
}

// --- An assessment (POST /students/{id}/booklet/assessments) ------------------------------------------------

export interface AssessmentValues {
  kind: AssessmentKind;
  /** `YYYY-MM-DD` */
  date: string;
  /** Empty for none (an instructor's own assessment is signed by the server). */
  instructor_id: string;
  result: string;
  comment: string;
}

export function emptyAssessment(today: string, instructorId: string | null | undefined): AssessmentValues {
  return { kind: 'bilan', date: today, instructor_id: instructorId ?? '', result: '', comment: '' };
}

export function validateAssessment(values: AssessmentValues, today: string, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!DATE.test(values.date)) errors.date = t('validation.required');
  else if (values.date > today) errors.date = t('booklet.assessments.futureDate');
  return errors;
}

export interface AssessmentBody {
  kind: AssessmentKind;
  date: string;
  instructor_id: string | null;
  result: string | null;
  comment: string | null;
}

/** The body to post; an instructor does not name the instructor (the server records them). */
export function assessmentBody(values: AssessmentValues, office: boolean): AssessmentBody {
  return {
    kind: values.kind,
    date: values.date,
    instructor_id: office ? orNull(values.instructor_id) : null,
    result: orNull(values.result),
    comment: orNull(values.comment),
  };
}

// --- Errors -------------------------------------------------------------------------------------------------------

const INDEXED = /^evaluations\[(\d+)\]/;

/**
 * The French lines of a refused booklet request: the server's `detail`, then each field's message; a message
 * about `evaluations[i]` names its item ("C1.2 : …") when the posted list is given.
 */
export function errorLines(error: unknown, t: TFunction, posted: readonly { item_code: string }[] = []): string[] {
  const lines = [errorMessage(error, t)];
  if (!(error instanceof ApiError)) return lines;
  for (const { field, message } of error.problem.errors ?? []) {
    const match = INDEXED.exec(field);
    const code = match ? posted[Number(match[1])]?.item_code : undefined;
    const line = code ? `${code} : ${message}` : message;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}
