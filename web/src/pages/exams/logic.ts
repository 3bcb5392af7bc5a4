/**
 * The pure part of the exam screens: days of exams, the eligibility rules' labels and colours, the "Enregistrer un
 * examen" form and the results entry, and what they send to the API. Mirrors the server's checks
 * (`volant_domain::exam::check_result`) so that a secretary reads the problem before sending.
 */
import type { TFunction } from 'i18next';
import { dayOf } from '../planning/time.ts';
import { localInputToInstant } from '../../lib/zonedTime.ts';
import { EXAM_SCORES } from '../../api/constants.gen.ts';
import type { Exam, ExamKind, ExamPlace, ExamResult, NewExam, NewExamPlace, PlaceCategory, RuleCode, RuleStatus } from './api.ts';

// --- Scores (arrêté du 19 février 2010; ETG: 40 questions) -------------------------------------------------------

/** The scale of each kind of test, generated from the domain crate (one source). */
export const SCORE_RULES: Record<ExamKind, { max: number; pass: number }> = EXAM_SCORES;

/** Results that say the test took place (or should have): they are recorded once its time has passed. */
export function needsDatePassed(result: ExamResult): boolean {
  return result === 'passed' || result === 'failed' || result === 'absent';
}

/** Results that carry a score. */
export function takesScore(result: ExamResult): boolean {
  return result === 'passed' || result === 'failed';
}

/** Results that may be excused (a serious reason cancels the waiting period). */
export function takesExcuse(result: ExamResult): boolean {
  return result === 'absent' || result === 'cancelled';
}

/** Only a failed practical test has an eliminatory fault. */
export function takesEliminatory(kind: ExamKind, result: ExamResult): boolean {
  return kind === 'practical' && result === 'failed';
}

// --- The eligibility rules ---------------------------------------------------------------------------------------

/** The eleven rules, in the order the server reports them. */
export const RULE_CODES: readonly RuleCode[] = [
  'age',
  'neph',
  'ants_registration',
  'theory_test',
  'driving_hours',
  'start_evaluation',
  'contract',
  'booklet',
  'waiting_period',
  'aac',
  'balance',
];

/** Filled badges in dark shades: white text stays above 4.5:1, and the status is also written out. */
export const RULE_STATUS_COLOR: Record<RuleStatus, string> = {
  ok: 'green.9',
  warn: 'orange.9',
  block: 'red.8',
};

export function ruleLabel(code: string, t: TFunction): string {
  return (RULE_CODES as readonly string[]).includes(code) ? t(`exams.rules.${code as RuleCode}`) : code;
}

export function ruleStatusLabel(status: RuleStatus, t: TFunction): string {
  return t(`exams.ruleStatus.${status}`);
}

/** The rules that block, in report order. */
export function blockingRules<R extends { code: RuleCode; status: RuleStatus }>(rules: readonly R[]): R[] {
  return rules.filter((r) => r.status === 'block');
}

// --- Results -----------------------------------------------------------------------------------------------------

export const RESULT_COLOR: Record<ExamResult, string> = {
  pending: 'blue.8',
  passed: 'green.9',
  failed: 'red.8',
  absent: 'orange.9',
  cancelled: 'gray.7',
};

export interface ResultProblem {
  field: 'score' | 'result' | 'eliminatory' | 'scheduled_at';
  message: string;
}

/** The score typed: null when empty, NaN when not a whole number. */
export function parseScore(value: number | string): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The first inconsistency of a result (as the server would say it), or null. */
export function checkResult(kind: ExamKind, result: ExamResult, score: number | null, eliminatory: boolean, t: TFunction): ResultProblem | null {
  const { max, pass } = SCORE_RULES[kind];
  if (score !== null && Number.isNaN(score)) return { field: 'score', message: t('exams.validation.scoreInteger') };
  if (score !== null && (score < 0 || score > max)) return { field: 'score', message: t('exams.validation.scoreRange', { max }) };
  if (eliminatory && result === 'passed') return { field: 'eliminatory', message: t('exams.validation.eliminatoryPassed') };
  if (result === 'passed' && score !== null && score < pass) {
    return { field: 'score', message: t('exams.validation.passedTooLow', { score, max, pass }) };
  }
  if (result === 'failed' && score !== null && score >= pass && !eliminatory) {
    return { field: 'score', message: t('exams.validation.failedButPassed', { score, max }) };
  }
  return null;
}

// --- Days of exams -----------------------------------------------------------------------------------------------

export interface ExamDay<T> {
  /** `YYYY-MM-DD` in the school's zone. */
  day: string;
  items: T[];
}

/** Exams by day of the school's calendar, days and exams in time order (then by name). */
export function groupByDay<T extends { scheduled_at: string; student_name?: string }>(items: readonly T[], timeZone: string): ExamDay<T>[] {
  const sorted = [...items].sort(
    (a, b) => Date.parse(a.scheduled_at) - Date.parse(b.scheduled_at) || (a.student_name ?? '').localeCompare(b.student_name ?? '', 'fr'),
  );
  const days: ExamDay<T>[] = [];
  for (const item of sorted) {
    const day = dayOf(item.scheduled_at, timeZone);
    const last = days[days.length - 1];
    if (last?.day === day) last.items.push(item);
    else days.push({ day, items: [item] });
  }
  return days;
}

// --- "Enregistrer un examen" -------------------------------------------------------------------------------------

export interface ExamFormValues {
  student_id: string | null;
  kind: ExamKind;
  /** `YYYY-MM-DDTHH:MM`, the school's wall clock. */
  scheduled_at: string;
  centre: string;
  result: ExamResult;
  score: number | string;
  eliminatory: boolean;
  excused: boolean;
  instructor_id: string | null;
  vehicle_id: string | null;
  comment: string;
  override_reason: string;
}

export function emptyExamForm(studentId: string | null, kind: ExamKind = 'theory'): ExamFormValues {
  return {
    student_id: studentId,
    kind,
    scheduled_at: '',
    centre: '',
    result: 'pending',
    score: '',
    eliminatory: false,
    excused: false,
    instructor_id: null,
    vehicle_id: null,
    comment: '',
    override_reason: '',
  };
}

const orNull = (s: string): string | null => {
  const trimmed = s.trim();
  return trimmed === '' ? null : trimmed;
};

/** Errors by field (empty when the form may be sent). `now` is an epoch in milliseconds. */
export function validateExamForm(values: ExamFormValues, timeZone: string, now: number, t: TFunction, requireOverride = false): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.student_id) errors.student_id = t('exams.validation.student');
  const instant = localInputToInstant(values.scheduled_at, timeZone);
  if (instant === null) errors.scheduled_at = t('exams.validation.date');
  else if (needsDatePassed(values.result) && Date.parse(instant) > now) errors.result = t('exams.validation.futureResult');
  const score = takesScore(values.result) ? parseScore(values.score) : null;
  const problem = checkResult(values.kind, values.result, score, takesEliminatory(values.kind, values.result) && values.eliminatory, t);
  if (problem && !(problem.field in errors)) errors[problem.field] = problem.message;
  if (requireOverride && values.override_reason.trim() === '') errors.override_reason = t('exams.validation.overrideReason');
  return errors;
}

/** The body of POST /exams, or null while the form is incomplete. Fields that do not apply to the result are reset. */
export function examBody(values: ExamFormValues, timeZone: string): NewExam | null {
  const scheduledAt = localInputToInstant(values.scheduled_at, timeZone);
  if (!values.student_id || scheduledAt === null) return null;
  const score = takesScore(values.result) ? parseScore(values.score) : null;
  const accompanied = values.kind === 'practical' && values.result === 'pending';
  const body: NewExam = {
    student_id: values.student_id,
    kind: values.kind,
    scheduled_at: scheduledAt,
    centre: orNull(values.centre),
    result: values.result,
    score: score !== null && !Number.isNaN(score) ? score : null,
    eliminatory: takesEliminatory(values.kind, values.result) && values.eliminatory,
    excused: takesExcuse(values.result) && values.excused,
    instructor_id: accompanied ? values.instructor_id : null,
    vehicle_id: accompanied ? values.vehicle_id : null,
    comment: orNull(values.comment),
  };
  const override = orNull(values.override_reason);
  if (override !== null) body.override_reason = override;
  return body;
}

// --- Results entry (PATCH /exams/{id}) ---------------------------------------------------------------------------

export interface ResultRow {
  result: ExamResult;
  score: number | string;
  eliminatory: boolean;
  excused: boolean;
}

export function rowOf(exam: Pick<Exam, 'result' | 'score' | 'eliminatory' | 'excused'>): ResultRow {
  return { result: exam.result, score: exam.score ?? '', eliminatory: exam.eliminatory, excused: exam.excused };
}

/** What PATCH /exams/{id} takes: a merge patch of the result fields plus the `version` read. */
export interface ResultPatch {
  version: number;
  result: ExamResult;
  score: number | null;
  eliminatory: boolean;
  excused: boolean;
}

/** The patch of a row (fields that do not apply to the result reset), or null when nothing changed. */
export function resultPatch(row: ResultRow, exam: Pick<Exam, 'kind' | 'result' | 'score' | 'eliminatory' | 'excused' | 'version'>): ResultPatch | null {
  const score = takesScore(row.result) ? parseScore(row.score) : null;
  const next = {
    result: row.result,
    score: score !== null && !Number.isNaN(score) ? score : null,
    eliminatory: takesEliminatory(exam.kind, row.result) && row.eliminatory,
    excused: takesExcuse(row.result) && row.excused,
  };
  const same =
    next.result === exam.result && next.score === (exam.score ?? null) && next.eliminatory === exam.eliminatory && next.excused === exam.excused;
  return same ? null : { version: exam.version, ...next };
}

/** The problem of a row before sending (score, consistency, a result before the exam's time), or null. */
export function checkRow(row: ResultRow, exam: Pick<Exam, 'kind' | 'scheduled_at'>, now: number, t: TFunction): ResultProblem | null {
  if (needsDatePassed(row.result) && Date.parse(exam.scheduled_at) > now) return { field: 'result', message: t('exams.validation.futureResult') };
  const score = takesScore(row.result) ? parseScore(row.score) : null;
  return checkResult(exam.kind, row.result, score, takesEliminatory(exam.kind, row.result) && row.eliminatory, t);
}

// --- Exam places -------------------------------------------------------------------------------------------------

export interface PlaceFormValues {
  starts_at: string;
  centre: string;
  category: PlaceCategory;
  instructor_id: string | null;
  vehicle_id: string | null;
}

export const EMPTY_PLACE: PlaceFormValues = { starts_at: '', centre: '', category: 'B', instructor_id: null, vehicle_id: null };

export function placeBody(values: PlaceFormValues, timeZone: string): NewExamPlace | null {
  const startsAt = localInputToInstant(values.starts_at, timeZone);
  const centre = values.centre.trim();
  if (startsAt === null || centre === '') return null;
  return {
    starts_at: startsAt,
    centre,
    category: values.category,
    instructor_id: values.instructor_id,
    vehicle_id: values.vehicle_id,
  };
}

/** A place nobody fills yet. */
export function isFree(place: Pick<ExamPlace, 'exam_id'>): boolean {
  return place.exam_id === null || place.exam_id === undefined;
}

// --- Rules of a 422 ----------------------------------------------------------------------------------------------

/** Wire codes of a candidate's rules → their French names, in report order. */
export function ruleNames(codes: readonly RuleCode[], t: TFunction): string[] {
  return RULE_CODES.filter((code) => codes.includes(code)).map((code) => t(`exams.rules.${code}`));
}

// --- Formatting --------------------------------------------------------------------------------------------------

const dayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "Mardi 1 décembre 2026" for a calendar day `YYYY-MM-DD` (no time zone involved), as a heading. */
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const text = dayFormat.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "23 / 31", or null without a score. */
export function scoreText(exam: Pick<Exam, 'kind' | 'score'>, t: TFunction): string | null {
  if (exam.score === null || exam.score === undefined) return null;
  return t('exams.score', { score: exam.score, max: SCORE_RULES[exam.kind].max });
}
