import { instantToLocalInput, localInputToInstant, todayIn, zoneOffsetMs } from './zonedTime.ts';

const PARIS = 'Europe/Paris';
const HOUR = 60 * 60 * 1000;

describe('school wall-clock time ↔ RFC 3339', () => {
  it('converts in winter and in summer', () => {
    expect(localInputToInstant('2026-12-07T08:00', PARIS)).toBe('2026-12-07T07:00:00Z');
    expect(localInputToInstant('2027-07-14T08:00', PARIS)).toBe('2027-07-14T06:00:00Z');
    expect(instantToLocalInput('2026-12-06T23:00:00Z', PARIS)).toBe('2026-12-07T00:00');
    expect(instantToLocalInput('2027-07-14T06:00:00+00:00', PARIS)).toBe('2027-07-14T08:00');
  });

  it('follows the spring change of 28 March 2027 (02:00 CET → 03:00 CEST)', () => {
    expect(zoneOffsetMs(Date.parse('2027-03-28T00:59:00Z'), PARIS)).toBe(HOUR);
    expect(zoneOffsetMs(Date.parse('2027-03-28T01:00:00Z'), PARIS)).toBe(2 * HOUR);
    // Around the change: 01:30 is still winter time, 03:30 already summer time.
    expect(localInputToInstant('2027-03-28T01:30', PARIS)).toBe('2027-03-28T00:30:00Z');
    expect(localInputToInstant('2027-03-28T03:30', PARIS)).toBe('2027-03-28T01:30:00Z');
    // A whole day of leave that spans the change lasts 23 hours.
    const start = Date.parse(localInputToInstant('2027-03-28T00:00', PARIS) ?? '');
    const end = Date.parse(localInputToInstant('2027-03-29T00:00', PARIS) ?? '');
    expect(end - start).toBe(23 * HOUR);
    // Back again.
    expect(instantToLocalInput('2027-03-28T00:30:00Z', PARIS)).toBe('2027-03-28T01:30');
    expect(instantToLocalInput('2027-03-28T01:30:00Z', PARIS)).toBe('2027-03-28T03:30');
  });

  it('moves a time skipped by the spring change forward by the gap', () => {
    // 02:30 does not exist on that night in Paris: it becomes 03:30 CEST.
    expect(localInputToInstant('2027-03-28T02:30', PARIS)).toBe('2027-03-28T01:30:00Z');
    expect(instantToLocalInput('2027-03-28T01:30:00Z', PARIS)).toBe('2027-03-28T03:30');
  });

  it('takes the first of the two 02:30 of the autumn change (31 October 2027)', () => {
    expect(localInputToInstant('2027-10-31T02:30', PARIS)).toBe('2027-10-31T00:30:00Z');
    expect(localInputToInstant('2027-10-31T03:30', PARIS)).toBe('2027-10-31T02:30:00Z');
  });

  it('round-trips every quarter of an hour across the spring change, except the skipped hour', () => {
    for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
      const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
      const mm = String(minutes % 60).padStart(2, '0');
      const local = `2027-03-28T${hh}:${mm}`;
      const instant = localInputToInstant(local, PARIS);
      expect(instant).not.toBeNull();
      if (hh !== '02') expect(instantToLocalInput(instant ?? '', PARIS)).toBe(local);
    }
  });

  it('does not depend on the zone of the browser', () => {
    expect(localInputToInstant('2027-03-28T10:00', 'America/Martinique')).toBe('2027-03-28T14:00:00Z');
    expect(localInputToInstant('2027-03-28T10:00', 'UTC')).toBe('2027-03-28T10:00:00Z');
  });

  it('refuses what is not a date and time', () => {
    expect(localInputToInstant('', PARIS)).toBeNull();
    expect(localInputToInstant('2027-02-30T10:00', PARIS)).toBeNull();
    expect(localInputToInstant('2027-03-28T24:00', PARIS)).toBeNull();
    expect(localInputToInstant('demain', PARIS)).toBeNull();
    expect(instantToLocalInput('pas une date', PARIS)).toBe('');
  });

  it("gives today's date in the school's zone", () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(todayIn(PARIS, Date.parse('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(todayIn('America/Martinique', Date.parse('2027-01-01T02:00:00Z'))).toBe('2026-12-31');
  });
});
