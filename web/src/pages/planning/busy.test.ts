import { describe, expect, it } from 'vitest';
import i18n from '../../i18n/index.ts';
import type { Calendar } from '@event-calendar/core';
import { eventContent } from './calendarContent.ts';
import { BUSY_CLASS, busyEvents, cachedBusyEvents, isBusyEventProps, type BusyContext, type BusyTime } from './busy.ts';

const t = i18n.t.bind(i18n);
const ctx: BusyContext = { timeZone: 'Europe/Paris', t };
const JULIEN = '00000000-0000-4000-8000-00000000000a';

function busy(overrides: Partial<BusyTime> = {}): BusyTime {
  return {
    // 10:00–11:30 in Paris (winter: UTC+1).
    starts_at: '2026-12-02T09:00:00Z',
    ends_at: '2026-12-02T10:30:00Z',
    summary: 'Dentiste',
    calendar_name: 'Agenda personnel',
    ...overrides,
  };
}

describe('busy time → calendar background event', () => {
  it('is a read-only background block in school time, in the instructor’s column, said in words', () => {
    const [event, ...rest] = busyEvents([busy()], JULIEN, ctx);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      id: `agenda-${JULIEN}-2026-12-02T09:00:00Z-2026-12-02T10:30:00Z`,
      start: '2026-12-02T10:00:00',
      end: '2026-12-02T11:30:00',
      allDay: false,
      display: 'background',
      title: 'Occupé (agenda externe) · Dentiste',
      editable: false,
      startEditable: false,
      durationEditable: false,
      resourceIds: [JULIEN],
      classNames: [BUSY_CLASS],
    });
    // Not a lesson: no lesson id, nothing the lesson panel or the drag would read.
    expect(event?.extendedProps).toEqual({
      busy: true,
      instructorId: JULIEN,
      label: 'Occupé (agenda externe)',
      summary: 'Dentiste',
      calendarName: 'Agenda personnel',
    });
    expect(event?.extendedProps).not.toHaveProperty('lessonId');
    expect(isBusyEventProps(event?.extendedProps)).toBe(true);
    expect(isBusyEventProps({ lessonId: 'x' })).toBe(false);
  });

  it('says only "busy" without a summary (absent, null or blank)', () => {
    const events = busyEvents(
      [busy({ summary: null }), busy({ summary: '  ', starts_at: '2026-12-03T09:00:00Z', ends_at: '2026-12-03T10:00:00Z' })],
      JULIEN,
      ctx,
    );
    expect(events.map((e) => e.title)).toEqual(['Occupé (agenda externe)', 'Occupé (agenda externe)']);
    expect(events.map((e) => (e.extendedProps as { summary: string }).summary)).toEqual(['', '']);
    const withoutSummary: BusyTime = busy();
    delete withoutSummary.summary;
    expect(busyEvents([withoutSummary], JULIEN, ctx)[0]?.title).toBe('Occupé (agenda externe)');
  });

  it('uses the summer offset in summer and spans midnight when the busy time does', () => {
    const [summer] = busyEvents([busy({ starts_at: '2026-07-01T08:00:00Z', ends_at: '2026-07-01T09:00:00Z' })], JULIEN, ctx);
    expect(summer?.start).toBe('2026-07-01T10:00:00');
    const [night] = busyEvents([busy({ starts_at: '2026-12-02T21:00:00Z', ends_at: '2026-12-03T07:00:00Z' })], JULIEN, ctx);
    expect([night?.start, night?.end]).toEqual(['2026-12-02T22:00:00', '2026-12-03T08:00:00']);
  });

  it('gives each busy time its own stable id, even when two calendars hold the same time', () => {
    const list = [busy(), busy({ calendar_name: 'Autre auto-école' }), busy({ starts_at: '2026-12-02T13:00:00Z', ends_at: '2026-12-02T14:00:00Z' })];
    const ids = busyEvents(list, JULIEN, ctx).map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[1]).toBe(`${String(ids[0])}-1`);
    expect(busyEvents(list, JULIEN, ctx).map((e) => e.id)).toEqual(ids);
    // Another instructor's same time is another event.
    expect(busyEvents([busy()], 'autre', ctx)[0]?.id).not.toBe(ids[0]);
  });

  it('leaves out empty, inverted and unreadable times', () => {
    const events = busyEvents(
      [
        busy({ ends_at: '2026-12-02T09:00:00Z' }),
        busy({ starts_at: '2026-12-02T11:00:00Z', ends_at: '2026-12-02T10:00:00Z' }),
        busy({ starts_at: 'pas une date' }),
        busy(),
      ],
      JULIEN,
      ctx,
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.start).toBe('2026-12-02T10:00:00');
  });

  it('returns the same events for the same list (the calendar then has nothing to update)', () => {
    const list = [busy()];
    const first = cachedBusyEvents(list, JULIEN, ctx);
    expect(cachedBusyEvents(list, JULIEN, ctx)).toBe(first);
    expect(cachedBusyEvents([busy()], JULIEN, ctx)).not.toBe(first);
    expect(cachedBusyEvents(list, 'autre', ctx)[0]?.resourceIds).toEqual(['autre']);
  });
});

describe('a busy time drawn in the calendar', () => {
  const draw = (event: Calendar.EventInput, viewType: string) =>
    eventContent(t)({
      event: { ...event, display: 'background' } as unknown as Calendar.Event,
      timeText: '10:00 - 11:30',
      view: { type: viewType } as Calendar.View,
    });

  it('writes "Occupé (agenda externe)", its time and its summary', () => {
    const [event] = busyEvents([busy()], JULIEN, ctx);
    const content = draw(event as Calendar.EventInput, 'resourceTimeGridWeek') as { domNodes: Node[] };
    const root = content.domNodes[0] as HTMLElement;
    expect(root.className).toBe('vl-busy-block');
    expect([...root.children].map((c) => c.textContent)).toEqual(['Occupé (agenda externe)', '10:00 - 11:30 · Dentiste']);
  });

  it('is not a lesson and keeps a summary as text', () => {
    const [event] = busyEvents([busy({ summary: '<b>RDV</b>' })], JULIEN, ctx);
    const root = (draw(event as Calendar.EventInput, 'timeGridWeek') as { domNodes: HTMLElement[] }).domNodes[0];
    expect(root?.querySelector('b')).toBeNull();
    expect(root?.textContent).toContain('<b>RDV</b>');
    expect(root?.querySelector('.vl-ev')).toBeNull();
  });
});
