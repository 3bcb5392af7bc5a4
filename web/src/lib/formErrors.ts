import { ApiError, fieldErrors } from '../api/problem.ts';

/** `rooms[0].capacity` → `rooms.0.capacity`, the path @mantine/form uses for list items. */
export function toFormPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}

/** The server's field errors keyed by form path (after renaming API names with `rename`). */
export function formErrors(error: unknown, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(fieldErrors(error, rename))) {
    const path = toFormPath(field);
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
