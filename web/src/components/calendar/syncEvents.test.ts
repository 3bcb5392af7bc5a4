import type { Calendar } from '@event-calendar/core';
import { syncEvents, type EventItem } from './syncEvents.ts';

function fakeCalendar(initial: EventItem[] = []) {
  const ids = new Set(initial.map((e) => String(e.id)));
  const calls: string[] = [];
  const calendar = {
    setOption: vi.fn((name: string, value: EventItem[]) => {
      calls.push(`set ${name} ${value.length}`);
      ids.clear();
      for (const e of value) ids.add(String(e.id));
      return calendar;
    }),
    removeEventById: vi.fn((id: string | number) => {
      calls.push(`remove ${id}`);
      ids.delete(String(id));
      return calendar;
    }),
    getEventById: vi.fn((id: string | number) => (ids.has(String(id)) ? ({ id } as Calendar.Event) : null)),
    updateEvent: vi.fn((e: EventItem) => {
      calls.push(`update ${e.id}`);
      return calendar;
    }),
    addEvent: vi.fn((e: EventItem) => {
      calls.push(`add ${e.id}`);
      ids.add(String(e.id));
      return null;
    }),
  };
  return { calendar: calendar as unknown as Calendar, calls };
}

const event = (id: string, hour = 9): Calendar.EventInput => ({
  id,
  start: `2026-12-02T${String(hour).padStart(2, '0')}:00:00`,
  end: `2026-12-02T${String(hour + 1).padStart(2, '0')}:00:00`,
});

describe('syncEvents', () => {
  it('sends the whole list the first time', () => {
    const { calendar, calls } = fakeCalendar();
    syncEvents(calendar, undefined, [event('a'), event('b')]);
    expect(calls).toEqual(['set events 2']);
  });

  it('updates, removes and adds only what changed (by identity)', () => {
    const a = event('a');
    const b = event('b');
    const c = event('c');
    const { calendar, calls } = fakeCalendar([a, b, c]);
    const movedB = event('b', 11);
    syncEvents(calendar, [a, b, c], [a, movedB, event('d')]);
    expect(calls).toEqual(['remove c', 'update b', 'add d']);
  });

  it('does nothing when nothing changed', () => {
    const list = [event('a'), event('b')];
    const { calendar, calls } = fakeCalendar(list);
    syncEvents(calendar, list, [...list]);
    expect(calls).toEqual([]);
  });

  it('sends the whole list again when many changed, or when ids are missing', () => {
    const before = Array.from({ length: 100 }, (_, i) => event(`e${i}`));
    const { calendar, calls } = fakeCalendar(before);
    syncEvents(
      calendar,
      before,
      before.map((e) => ({ ...e })),
    );
    expect(calls).toEqual(['set events 100']);
    const { calendar: other, calls: otherCalls } = fakeCalendar();
    syncEvents(other, [event('a')], [{ start: '2026-12-02T09:00:00', end: '2026-12-02T10:00:00' }]);
    expect(otherCalls).toEqual(['set events 1']);
  });
});
