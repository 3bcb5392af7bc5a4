import { ApiError } from '../api/problem.ts';

/** `rooms[0].capacity` → `rooms.0.capacity`, the path @mantine/form uses for list items. */
export function toFormPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

/**
 * The server's field errors (`errors[].field`: snake_case, dotted `guardian.email` or indexed `weekly[0].start`) keyed
 * by form path, API names renamed with `rename` where the form differs. Only the first message of a field is kept.
 */
export function formErrors(error: unknown, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const { field, message } of error.problem.errors ?? []) {
    const path = toFormPath(rename[field] ?? field);
    if (!(path in out)) out[path] = message;
  }
  return out;
}

/** A 412: someone else changed the record since it was read. */
export function isStale(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 412;
}

/** `''` → null, otherwise trimmed: optional text fields of the API. */
export function optional(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
