/**
 * What the office reads when the server refuses a change: the 409's `conflicts` as one French sentence
 * ("Conflit : le moniteur a déjà une séance de 10:00 à 11:00"), the 422's `rules` as their messages.
 */
import type { TFunction } from 'i18next';
import { ApiError, errorMessage } from '../../api/problem.ts';
import { dayOf, formatDayTime, timeOf } from './time.ts';

export interface ConflictItem {
  lesson_id: string | null;
  kind: string;
  resource: string;
  starts_at: string;
  ends_at: string;
}

export interface RuleItem {
  code: string;
  message: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The lessons in the way, from a 409 (the capacity conflict, which has no times, is left out). */
export function parseConflicts(error: unknown): ConflictItem[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const out: ConflictItem[] = [];
  for (const item of error.problem.conflicts ?? []) {
    if (!isRecord(item)) continue;
    const { lesson_id, kind, resource, starts_at, ends_at } = item;
    if (typeof resource !== 'string' || typeof starts_at !== 'string' || typeof ends_at !== 'string') continue;
    out.push({
      lesson_id: typeof lesson_id === 'string' ? lesson_id : null,
      kind: typeof kind === 'string' ? kind : '',
      resource,
      starts_at,
      ends_at,
    });
  }
  return out;
}

/** The refusing rules of a 422. */
export function parseRules(error: unknown): RuleItem[] {
  if (!(error instanceof ApiError) || error.status !== 422) return [];
  const out: RuleItem[] = [];
  for (const item of error.problem.rules ?? []) {
    if (isRecord(item) && typeof item.message === 'string') {
      out.push({ code: typeof item.code === 'string' ? item.code : '', message: item.message });
    }
  }
  return out;
}

function who(resource: string, t: TFunction): string {
  switch (resource) {
    case 'instructor':
      return t('planning.conflict.instructor');
    case 'vehicle':
      return t('planning.conflict.vehicle');
    case 'student':
      return t('planning.conflict.student');
    default:
      return t('planning.conflict.other');
  }
}

function what(kind: string, t: TFunction): string {
  switch (kind) {
    case 'unavailability':
      return t('planning.conflict.block');
    case 'exam':
      return t('planning.conflict.exam');
    case 'code':
      return t('planning.conflict.code');
    default:
      return t('planning.conflict.lesson');
  }
}

/** One conflict as a clause: "le moniteur a déjà une séance de 10:00 à 11:00". */
export function conflictClause(c: ConflictItem, timeZone: string, t: TFunction): string {
  const sameDay = dayOf(c.starts_at, timeZone) === dayOf(c.ends_at, timeZone);
  return sameDay
    ? t('planning.conflict.sameDay', {
        who: who(c.resource, t),
        what: what(c.kind, t),
        start: timeOf(c.starts_at, timeZone),
        end: timeOf(c.ends_at, timeZone),
      })
    : t('planning.conflict.otherDay', {
        who: who(c.resource, t),
        what: what(c.kind, t),
        start: formatDayTime(c.starts_at, timeZone),
        end: formatDayTime(c.ends_at, timeZone),
      });
}

/**
 * "Conflit : le moniteur a déjà une séance de 10:00 à 11:00." — at most two clauses, then "et N autres conflits".
 * Null when the error carries no usable conflict (the caller then shows the server's `detail`).
 */
export function conflictMessage(error: unknown, timeZone: string, t: TFunction): string | null {
  const conflicts = parseConflicts(error);
  if (conflicts.length === 0) return null;
  const clauses: string[] = [];
  for (const c of conflicts) {
    const clause = conflictClause(c, timeZone, t);
    if (!clauses.includes(clause)) clauses.push(clause);
  }
  const shown = clauses.slice(0, 2).join(' ; ');
  const rest = clauses.length - 2;
  const tail = rest > 0 ? ` ${t('planning.conflict.more', { count: rest })}` : '';
  return `${t('planning.conflict.prefix')}${shown}${tail}.`;
}

/** The one-line French explanation of a refused change (409 conflict sentence, 422 rules, or the detail). */
export function refusalText(error: unknown, timeZone: string, t: TFunction): string {
  const conflict = conflictMessage(error, timeZone, t);
  if (conflict) return conflict;
  const rules = parseRules(error);
  if (rules.length > 0) return rules.map((r) => r.message).join(' ');
  return errorMessage(error, t);
}
