import type { HistoryItem } from './api.ts';
import { lessonStartOf } from './history.ts';

const base: HistoryItem = { id: 'h-1', at: '2026-12-01T09:00:00Z', action: 'lesson.create', label: 'Séance planifiée', actor_name: 'Claire Martin' };

describe('the lesson of a history event', () => {
  it('reads the start of the lesson from the event', () => {
    expect(lessonStartOf(Object.assign({}, base, { lesson_starts_at: '2026-12-08T13:00:00Z' }))).toBe('2026-12-08T13:00:00Z');
    expect(lessonStartOf({ ...base, after: { starts_at: '2026-12-08T13:00:00Z' } } as HistoryItem)).toBe('2026-12-08T13:00:00Z');
    expect(lessonStartOf({ ...base, after: { lesson: { starts_at: '2026-12-08T13:00:00Z' } } } as HistoryItem)).toBe('2026-12-08T13:00:00Z');
  });

  it('is null for other events and for lesson events without it', () => {
    expect(lessonStartOf(base)).toBeNull();
    expect(lessonStartOf(Object.assign({}, base, { action: 'student.update', lesson_starts_at: '2026-12-08T13:00:00Z' }))).toBeNull();
  });
});
