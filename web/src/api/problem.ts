/**
 * RFC 9457 problem+json errors from the Volant API, and how the UI shows them:
 * `detail` is already French and readable by a secretary; `errors[].field` maps onto form fields (lib/formErrors.ts).
 */
import type { TFunction } from 'i18next';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  conflicts?: unknown[];
  rules?: unknown[];
  current?: unknown;
}

/** Thrown by every API call that did not succeed. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds, from the Retry-After header of a 429. */
  readonly retryAfter: number | null;

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: FieldError[] = [];
  for (const item of value) {
    if (isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string') {
      out.push({ field: item.field, message: item.message });
    }
  }
  return out;
}

/** Parses an HTTP Retry-After value (delta-seconds or HTTP date) into seconds. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Builds an ApiError from a failed response and its (possibly non-JSON) body. */
export function toApiError(status: number, body: unknown, retryAfterHeader: string | null = null): ApiError {
  const problem: Problem = { status };
  if (isRecord(body)) {
    if (typeof body.type === 'string') problem.type = body.type;
    if (typeof body.title === 'string') problem.title = body.title;
    if (typeof body.detail === 'string') problem.detail = body.detail;
    const errors = parseFieldErrors(body.errors);
    if (errors) problem.errors = errors;
    if (Array.isArray(body.conflicts)) problem.conflicts = body.conflicts;
    if (Array.isArray(body.rules)) problem.rules = body.rules;
    if ('current' in body) problem.current = body.current;
  }
  return new ApiError(problem, parseRetryAfter(retryAfterHeader));
}

/** The school requires a second factor for the caller's role and this session has none (see ADR 0007). */
export function isSecondFactorRequired(error: ApiError): boolean {
  return error.status === 403 && (error.problem.type ?? '').endsWith('/second-factor-required');
}

export function networkError(): ApiError {
  return new ApiError({ status: 0 });
}

/** The French message to show for an error: the server's `detail` when present, else a message by status. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.unknown');
  if (error.problem.detail) return error.problem.detail;
  switch (error.status) {
    case 0:
      return t('errors.network');
    case 400:
      return t('errors.badRequest');
    case 401:
      return t('errors.unauthorized');
    case 403:
      return t('errors.forbidden');
    case 404:
      return t('errors.notFound');
    case 409:
      return t('errors.conflict');
    case 412:
      return t('errors.stale');
    case 413:
      return t('errors.tooLarge');
    case 422:
      return t('errors.rules');
    case 429:
      return error.retryAfter !== null
        ? t('errors.tooManyAttemptsIn', { count: Math.max(1, Math.ceil(error.retryAfter / 60)) })
        : t('errors.tooManyAttempts');
    default:
      return error.status >= 500 ? t('errors.server') : t('errors.unknown');
  }
}
