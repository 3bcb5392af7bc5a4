import i18n from '../../i18n/index.ts';
import { backgroundEvents, isEditable, lessonEvents, lessonToEvent, monthSummaries, textColourOn, eventBackground, type EventContext } from './events.ts';
import { NO_INSTRUCTOR, type Lesson } from './types.ts';
import { contrast } from '../../lib/contrast.ts';

const t = i18n.t.bind(i18n);

const JULIEN = '00000000-0000-4000-8000-00000000000a';
const LEA = '00000000-0000-4000-8000-00000000000b';
const CLIO = '00000000-0000-4000-8000-00000000000c';

function lesson(overrides: Partial<Lesson> = {}): Lesson {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'driving',
    status: 'planned',
    // 07:00–08:00 in Paris (winter: UTC+1).
    starts_at: '2026-12-02T06:00:00Z',
    ends_at: '2026-12-02T07:00:00Z',
    student_id: LEA,
    instructor_id: JULIEN,
    vehicle_id: CLIO,
    attendee_ids: [],
    capacity: null,
    room_id: null,
    meeting_point: 'Agence',
    agency_id: '00000000-0000-4000-8000-0000000000ff',
    series_id: null,
    block_reason: null,
    note: null,
    comment: null,
    cancel_reason: null,
    cancelled_by: null,
    charged: false,
    warnings: [],
    version: 3,
    ...overrides,
  };
}

function context(overrides: Partial<EventContext> = {}): EventContext {
  return {
    timeZone: 'Europe/Paris',
    office: true,
    instructors: new Map([[JULIEN, { name: 'Julien Moreau', colour: '#1971c2', agencyId: 'a' }]]),
    students: new Map([[LEA, 'Léa Martin']]),
    vehicles: new Map([[CLIO, 'AB-123-CD']]),
    t,
    ...overrides,
  };
}

describe('lesson → calendar event', () => {
  it('shows a driving lesson in school time, coloured by its instructor, in its instructor’s column', () => {
    const event = lessonToEvent(lesson(), context());
    expect(event.id).toBe('00000000-0000-4000-8000-000000000001');
    expect(event.start).toBe('2026-12-02T07:00:00');
    expect(event.end).toBe('2026-12-02T08:00:00');
    expect(event.title).toBe('Conduite · Léa Martin');
    expect(event.backgroundColor).toBe('#1971c2');
    expect(event.textColor).toBe('#ffffff');
    expect(event.resourceIds).toEqual([JULIEN]);
    expect(event.extendedProps).toMatchObject({
      lessonId: lesson().id,
      instructorName: 'Julien Moreau',
      subtitle: 'AB-123-CD · Agence',
      warnings: 0,
    });
    expect(event.classNames).toContain(`vl-id-${lesson().id}`);
  });

  it('keeps the wall-clock time across the summer-time change', () => {
    // 28 March 2027: 10:00 in Paris is 08:00 UTC (CEST).
    const event = lessonToEvent(lesson({ starts_at: '2027-03-28T08:00:00Z', ends_at: '2027-03-28T09:00:00Z' }), context());
    expect(event.start).toBe('2027-03-28T10:00:00');
    expect(event.end).toBe('2027-03-28T11:00:00');
  });

  it('lets only the office drag, and only planned lessons', () => {
    expect(lessonToEvent(lesson(), context()).editable).toBe(true);
    expect(lessonToEvent(lesson(), context()).durationEditable).toBe(true);
    expect(lessonToEvent(lesson(), context({ office: false })).editable).toBe(false);
    for (const status of ['done', 'no_show', 'cancelled'] as const) {
      const event = lessonToEvent(lesson({ status }), context());
      expect(event.editable).toBe(false);
      expect(event.startEditable).toBe(false);
      expect(event.durationEditable).toBe(false);
    }
    // While a move is being saved, the lesson waits for the server.
    expect(isEditable(lesson(), { office: true, pending: new Set([lesson().id]) })).toBe(false);
  });

  it('fades and names cancelled lessons', () => {
    const event = lessonToEvent(lesson({ status: 'cancelled' }), context());
    expect(event.classNames).toContain('vl-status-cancelled');
    expect(event.title).toBe('Conduite · Léa Martin (Annulée)');
  });

  it('greys blocks and titles them with their reason', () => {
    const event = lessonToEvent(
      lesson({ kind: 'unavailability', student_id: null, vehicle_id: null, meeting_point: null, block_reason: 'leave' }),
      context(),
    );
    expect(event.title).toBe('Indisponibilité · Congés');
    expect(event.backgroundColor).toBe('#ced4da');
    expect(event.textColor).toBe('#1a1b1e');
    expect(event.classNames).toContain('vl-kind-unavailability');
  });

  it('counts the attendees of code sessions and exams, and puts lessons without instructor aside', () => {
    const code = lessonToEvent(
      lesson({ kind: 'code', student_id: null, instructor_id: null, vehicle_id: null, attendee_ids: ['a', 'b', 'c'] }),
      context(),
    );
    expect(code.title).toBe('Code · 3 élèves');
    expect(code.backgroundColor).toBe('#868e96');
    expect(code.resourceIds).toEqual([NO_INSTRUCTOR]);
    const exam = lessonToEvent(lesson({ kind: 'exam', student_id: null, attendee_ids: ['a'] }), context());
    expect(exam.title).toBe('Examen · 1 candidat');
  });

  it('leaves the instructor’s name off their own planning', () => {
    expect(lessonToEvent(lesson(), context({ showInstructor: false })).extendedProps).toMatchObject({ instructorName: '' });
  });

  it('names an unknown student generically and flags warnings', () => {
    const event = lessonToEvent(
      lesson({ student_id: 'unknown', warnings: [{ code: 'outside_availability', message: 'En dehors des disponibilités.' }] }),
      context(),
    );
    expect(event.title).toBe('Conduite · Élève');
    expect(event.classNames).toContain('vl-has-warnings');
    expect(event.extendedProps).toMatchObject({ warnings: 1 });
  });

  it('picks a readable text colour', () => {
    expect(textColourOn('#1971c2')).toBe('#ffffff');
    expect(textColourOn('#ffd43b')).toBe('#1a1b1e');
    expect(textColourOn('not a colour')).toBe('#ffffff');
  });
});

describe('events of a window', () => {
  it('gives the same event object for an unchanged lesson, and locks lessons being saved', () => {
    const ctx = context();
    const a = lesson();
    const b = lesson({ id: 'b', starts_at: '2026-12-02T08:00:00Z', ends_at: '2026-12-02T09:00:00Z' });
    const first = lessonEvents([a, b], ctx, new Set());
    const second = lessonEvents([a, { ...b, version: 4 }], ctx, new Set(['00000000-0000-4000-8000-000000000001']));
    expect(second[1]).not.toBe(first[1]);
    expect(second[0]).toMatchObject({ id: a.id, editable: false, startEditable: false });
    expect(lessonEvents([a], ctx, new Set())[0]).toBe(first[0]);
  });

  it('sums a busy month up: one line per instructor and day, cancelled lessons and blocks left out', () => {
    const ctx = context();
    const lines = monthSummaries(
      [
        lesson({ id: '1' }),
        lesson({ id: '2', starts_at: '2026-12-02T13:00:00Z', ends_at: '2026-12-02T14:00:00Z' }),
        lesson({ id: '3', status: 'cancelled' }),
        lesson({ id: '4', kind: 'unavailability', block_reason: 'leave' }),
        // 23:30 UTC on the 2nd is the 3rd in Paris.
        lesson({ id: '5', starts_at: '2026-12-02T23:30:00Z', ends_at: '2026-12-03T00:30:00Z' }),
        lesson({ id: '6', kind: 'code', instructor_id: null, attendee_ids: ['x'] }),
      ],
      ctx,
    );
    expect(lines.map((l) => [l.start, l.title, l.backgroundColor])).toEqual([
      ['2026-12-02', 'Julien Moreau · 2 séances', '#1971c2'],
      ['2026-12-02', 'Sans moniteur · 1 séance', '#868e96'],
      ['2026-12-03', 'Julien Moreau · 1 séance', '#1971c2'],
    ]);
    expect(lines[0]).toMatchObject({ allDay: true, end: '2026-12-03', editable: false, extendedProps: { summaryDay: '2026-12-02', instructorId: JULIEN } });
  });
});

describe('background events', () => {
  it('shades holidays on every column and closures on their agency’s columns', () => {
    const { events, daysOff } = backgroundEvents(
      '2026-12-21',
      '2026-12-28',
      [{ date: '2026-12-24', end: '2026-12-26', label: 'Fermeture Tours Centre (Noël)', resourceIds: [JULIEN] }],
      [JULIEN, 'other', NO_INSTRUCTOR],
      t,
    );
    const christmas = events.find((e) => e.id === 'ferie-2026-12-25');
    expect(christmas).toMatchObject({ start: '2026-12-25', end: '2026-12-26', allDay: true, display: 'background', title: 'Noël' });
    expect(christmas?.resourceIds).toEqual([JULIEN, 'other', NO_INSTRUCTOR]);
    const closures = events.filter((e) => String(e.classNames).includes('vl-closure'));
    expect(closures.map((e) => [e.start, e.end, e.title])).toEqual([
      ['2026-12-24', '2026-12-25', 'Fermeture Tours Centre (Noël)'],
      // Christmas keeps its own name on the day.
      ['2026-12-25', '2026-12-26', ''],
      ['2026-12-26', '2026-12-27', 'Fermeture Tours Centre (Noël)'],
    ]);
    expect(closures[0]?.resourceIds).toEqual([JULIEN]);
    expect(daysOff).toEqual([
      { date: '2026-12-24', end: '2026-12-26', label: 'Fermeture Tours Centre (Noël)' },
      { date: '2026-12-25', label: 'Noël' },
    ]);
  });

  it('clips a closure to the window', () => {
    const { events } = backgroundEvents(
      '2026-12-21',
      '2026-12-23',
      [{ date: '2026-12-15', end: '2026-12-31', label: 'Travaux', resourceIds: [] }],
      ['x'],
      t,
    );
    expect(events.map((e) => [e.start, e.end, e.resourceIds])).toEqual([
      ['2026-12-21', '2026-12-22', ['x']],
      ['2026-12-22', '2026-12-23', ['x']],
    ]);
  });
});

describe('eventBackground', () => {
  it('keeps a colour on which white or near-black text reaches 4.5:1, darkens a mid-tone until white text does', () => {
    expect(eventBackground('#1971c2')).toBe('#1971c2');
    expect(eventBackground('#f08c00')).toBe('#f08c00');
    for (const midTone of ['#ce4e70', '#478bc1', '#e49db6']) {
      const background = eventBackground(midTone);
      expect(contrast(background, textColourOn(background))).toBeGreaterThanOrEqual(4.5);
    }
  });
});
