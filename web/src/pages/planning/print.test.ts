import { describe, expect, it } from 'vitest';
import { daySheetUrl, weekPdfUrl } from './print.ts';

describe('the printed planning’s addresses', () => {
  it('names the week by one of its days, the day sheet by its day and maybe one instructor', () => {
    expect(weekPdfUrl('i-1', '2026-12-09')).toBe('/api/v1/instructors/i-1/planning.pdf?week=2026-12-09');
    expect(daySheetUrl('2026-12-09', null)).toBe('/api/v1/planning/day.pdf?date=2026-12-09');
    expect(daySheetUrl('2026-12-09', 'i-2')).toBe('/api/v1/planning/day.pdf?date=2026-12-09&instructor_id=i-2');
  });
});
