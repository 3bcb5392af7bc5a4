/**
 * The printed planning (PDF, opened in a new tab where the browser prints it): an instructor's week, the office's day
 * sheet (one page per instructor, a box for each student's signature).
 */

/** The week (Monday to Sunday) holding `day`, of one instructor. */
export function weekPdfUrl(instructorId: string, day: string): string {
  return `/api/v1/instructors/${encodeURIComponent(instructorId)}/planning.pdf?week=${encodeURIComponent(day)}`;
}

/** The day sheet of `day`: every instructor who works that day, or only `instructorId`. */
export function daySheetUrl(day: string, instructorId: string | null): string {
  const params = new URLSearchParams({ date: day });
  if (instructorId) params.set('instructor_id', instructorId);
  return `/api/v1/planning/day.pdf?${params.toString()}`;
}
