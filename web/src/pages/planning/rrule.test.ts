import { buildRrule, rruleDayOf } from './rrule.ts';

describe('RRULE builder', () => {
  it('builds a weekly rule with a count', () => {
    expect(buildRrule({ weekdays: ['TU'], interval: 1, end: { kind: 'count', count: 10 } })).toBe('FREQ=WEEKLY;BYDAY=TU;COUNT=10');
  });

  it('orders the days Monday first and drops duplicates', () => {
    expect(buildRrule({ weekdays: ['TH', 'TU', 'TH', 'SU', 'MO'], interval: 1, end: { kind: 'count', count: 3 } })).toBe(
      'FREQ=WEEKLY;BYDAY=MO,TU,TH,SU;COUNT=3',
    );
  });

  it('adds INTERVAL only when it is not every week', () => {
    expect(buildRrule({ weekdays: ['FR'], interval: 2, end: { kind: 'count', count: 5 } })).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=5');
  });

  it('ends on a date with UNTIL (the last day, inclusive)', () => {
    expect(buildRrule({ weekdays: ['WE'], interval: 1, end: { kind: 'until', until: '2027-06-30' } })).toBe(
      'FREQ=WEEKLY;BYDAY=WE;UNTIL=20270630',
    );
  });

  it('refuses what the dialog must not send', () => {
    expect(() => buildRrule({ weekdays: [], interval: 1, end: { kind: 'count', count: 3 } })).toThrow();
    expect(() => buildRrule({ weekdays: ['MO'], interval: 0, end: { kind: 'count', count: 3 } })).toThrow();
    expect(() => buildRrule({ weekdays: ['MO'], interval: 1, end: { kind: 'count', count: 0 } })).toThrow();
    expect(() => buildRrule({ weekdays: ['MO'], interval: 1, end: { kind: 'count', count: 201 } })).toThrow();
    expect(() => buildRrule({ weekdays: ['MO'], interval: 1, end: { kind: 'until', until: '30/06/2027' } })).toThrow();
  });

  it('knows the weekday of a date', () => {
    expect(rruleDayOf('2027-03-29')).toBe('MO');
    expect(rruleDayOf('2026-11-24')).toBe('TU');
    expect(rruleDayOf('2027-03-28')).toBe('SU');
  });
});
