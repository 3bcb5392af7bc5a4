import type { Calendar } from '@event-calendar/core';
import i18n from '../../i18n/index.ts';
import { eventContent } from './calendarContent.ts';
import {
  cachedTravelEvents,
  isTravelEventProps,
  tooShortLines,
  travelEvents,
  TRAVEL_CLASS,
  TRAVEL_SHORT_CLASS,
  type TravelContext,
  type TravelGap,
} from './travel.ts';

const t = i18n.t.bind(i18n);
const ctx: TravelContext = { timeZone: 'Europe/Paris', t };
const JULIEN = '00000000-0000-4000-8000-00000000000a';

function gap(overrides: Partial<TravelGap> = {}): TravelGap {
  return {
    instructor_id: JULIEN,
    from_lesson_id: '00000000-0000-4000-8000-000000000101',
    to_lesson_id: '00000000-0000-4000-8000-000000000102',
    from: 'Agence',
    to: 'Gare de Tours',
    // 11:00–11:30 in Paris (winter: UTC+1).
    starts_at: '2026-12-08T10:00:00Z',
    ends_at: '2026-12-08T10:30:00Z',
    needed_minutes: 8,
    available_minutes: 30,
    too_short: false,
    ...overrides,
  };
}

describe('travel gap → calendar background event', () => {
  it('is a read-only band in school time, in the instructor’s column, written "Trajet 8 min"', () => {
    const [event, ...rest] = travelEvents([gap()], ctx);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      id: 'trajet-00000000-0000-4000-8000-000000000101-00000000-0000-4000-8000-000000000102',
      start: '2026-12-08T11:00:00',
      // 8 minutes of trip, drawn 20 minutes tall (its words must fit), within the 30-minute gap.
      end: '2026-12-08T11:20:00',
      allDay: false,
      display: 'background',
      title: 'Trajet 8 min',
      editable: false,
      resourceIds: [JULIEN],
      classNames: [TRAVEL_CLASS],
    });
    expect(event?.extendedProps).toEqual({
      travel: true,
      instructorId: JULIEN,
      label: 'Trajet 8 min',
      warning: '',
      detail: 'Agence → Gare de Tours',
      description: "Trajet de 8 min d'Agence à Gare de Tours",
    });
    expect(isTravelEventProps(event?.extendedProps)).toBe(true);
    expect(isTravelEventProps({ lessonId: 'x' })).toBe(false);
  });

  it('says "trajet trop court" in words when the trip does not fit the gap', () => {
    const [event] = travelEvents([gap({ needed_minutes: 14, available_minutes: 10, ends_at: '2026-12-08T10:10:00Z', too_short: true })], ctx);
    expect(event?.title).toBe('Trajet 14 min · trajet trop court');
    expect(event?.classNames).toEqual([TRAVEL_CLASS, TRAVEL_SHORT_CLASS]);
    expect((event?.extendedProps as { warning: string; description: string }).warning).toBe('trajet trop court');
    expect((event?.extendedProps as { description: string }).description).toBe(
      "Trajet de 14 min d'Agence à Gare de Tours : trajet trop court, 10 min entre les deux séances",
    );
  });

  it('covers the trip, not the whole gap, and never more than the gap', () => {
    const [long] = travelEvents([gap({ needed_minutes: 35, ends_at: '2026-12-08T14:00:00Z', available_minutes: 240 })], ctx);
    expect([long?.start, long?.end]).toEqual(['2026-12-08T11:00:00', '2026-12-08T11:35:00']);
    const [short] = travelEvents([gap({ needed_minutes: 14, ends_at: '2026-12-08T10:10:00Z', available_minutes: 10, too_short: true })], ctx);
    expect([short?.start, short?.end]).toEqual(['2026-12-08T11:00:00', '2026-12-08T11:10:00']);
  });

  it('draws no band between two lessons that touch, nor for unreadable times', () => {
    expect(travelEvents([gap({ ends_at: '2026-12-08T10:00:00Z', available_minutes: 0, too_short: true }), gap({ starts_at: 'x' })], ctx)).toEqual([]);
  });

  it('returns the same events for the same list', () => {
    const list = [gap()];
    const first = cachedTravelEvents(list, ctx);
    expect(cachedTravelEvents(list, ctx)).toBe(first);
    expect(cachedTravelEvents([gap()], ctx)).not.toBe(first);
  });

  it('lists the trips too short for their gap, in time order, with the instructor when asked', () => {
    const names = new Map([[JULIEN, 'Julien Moreau']]);
    const lines = tooShortLines(
      [
        gap({ starts_at: '2026-12-08T15:00:00Z', too_short: true, needed_minutes: 12, available_minutes: 0, from: 'Gare de Tours', to: 'Lycée Choiseul' }),
        gap(),
        gap({ too_short: true, needed_minutes: 14, available_minutes: 10 }),
      ],
      names,
      (iso) => iso.slice(11, 16),
      t,
    );
    expect(lines).toEqual([
      '10:00 Julien Moreau : Agence → Gare de Tours (14 min de trajet, 10 min disponibles)',
      '15:00 Julien Moreau : Gare de Tours → Lycée Choiseul (12 min de trajet, 0 min disponibles)',
    ]);
    expect(tooShortLines([gap({ too_short: true })], null, () => 'mar.', t)).toEqual(['mar. Agence → Gare de Tours (8 min de trajet, 30 min disponibles)']);
  });
});

describe('a travel gap drawn in the calendar', () => {
  const draw = (event: Calendar.EventInput, viewType: string) =>
    eventContent(t)({
      event: { ...event, display: 'background' } as unknown as Calendar.Event,
      timeText: '11:00 - 11:30',
      view: { type: viewType } as Calendar.View,
    });

  it('writes its minutes, the warning and where from and to, as text', () => {
    const [event] = travelEvents([gap({ too_short: true, needed_minutes: 35 })], ctx);
    const root = (draw(event as Calendar.EventInput, 'resourceTimeGridDay') as { domNodes: HTMLElement[] }).domNodes[0];
    expect(root?.className).toBe('vl-travel-block');
    expect([...(root?.children ?? [])].map((c) => c.textContent)).toEqual(['Trajet 35 min', 'trajet trop court', 'Agence → Gare de Tours']);
    expect(root?.title).toMatch(/^Trajet de 35 min d'Agence à Gare de Tours : trajet trop court/);
  });

  it('keeps meeting point names as text', () => {
    const [event] = travelEvents([gap({ from: '<b>Agence</b>' })], ctx);
    const root = (draw(event as Calendar.EventInput, 'timeGridWeek') as { domNodes: HTMLElement[] }).domNodes[0];
    expect(root?.querySelector('b')).toBeNull();
    expect(root?.textContent).toContain('<b>Agence</b> → Gare de Tours');
  });
});
