import { calendarDateToInstant, dateToLocalInput, isMonday, mondayOf, wallClock, zoneOffsetString } from './time.ts';

describe('planning time', () => {
  it('shows instants as the school’s wall clock, across summer time', () => {
    expect(wallClock('2026-12-02T06:00:00Z', 'Europe/Paris')).toBe('2026-12-02T07:00:00');
    expect(wallClock('2027-03-28T08:00:00Z', 'Europe/Paris')).toBe('2027-03-28T10:00:00');
    expect(wallClock('not a date', 'Europe/Paris')).toBe('');
  });

  it('reads a calendar date (local fields = school wall clock) back as an instant', () => {
    // The calendar hands back Dates whose local fields are the wall clock, whatever the browser's zone.
    const winter = new Date(2026, 11, 3, 7, 0);
    expect(dateToLocalInput(winter)).toBe('2026-12-03T07:00');
    expect(calendarDateToInstant(winter, 'Europe/Paris')).toBe('2026-12-03T06:00:00Z');
    expect(calendarDateToInstant(new Date(2027, 2, 29, 7, 0), 'Europe/Paris')).toBe('2027-03-29T05:00:00Z');
  });

  it('gives the zone’s offset for the calendar', () => {
    expect(zoneOffsetString('Europe/Paris', Date.parse('2026-12-02T12:00:00Z'))).toBe('+01:00');
    expect(zoneOffsetString('Europe/Paris', Date.parse('2027-07-02T12:00:00Z'))).toBe('+02:00');
    expect(zoneOffsetString('America/Sao_Paulo', Date.parse('2027-07-02T12:00:00Z'))).toBe('-03:00');
  });

  it('finds Mondays', () => {
    expect(mondayOf('2026-12-03')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(isMonday('2026-11-30')).toBe(true);
    expect(isMonday('2026-12-01')).toBe(false);
    expect(isMonday('')).toBe(false);
  });
});
