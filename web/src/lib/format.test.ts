import { formatDateTime, formatHour, formatMoment, formatShortDate, formatSince } from './format.ts';

describe('formatDateTime', () => {
  it('shows the time in the school time zone, in French', () => {
    // 13:05 UTC is 14:05 in Paris in winter, 09:05 in Martinique.
    expect(formatDateTime('2026-01-15T13:05:09Z', 'Europe/Paris', true)).toBe('15/01/2026 14:05:09');
    expect(formatDateTime('2026-01-15T13:05:09Z', 'America/Martinique')).toBe('15/01/2026 09:05');
  });

  it('gives the day of an instant in the school time zone', () => {
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(formatShortDate('2026-12-31T23:30:00Z', 'Europe/Paris')).toBe('01/01/2027');
    expect(formatShortDate('pas une date', 'Europe/Paris')).toBe('pas une date');
  });

  it('survives an unknown zone or a bad date', () => {
    expect(formatDateTime('2026-01-15T13:05:09Z', 'Nowhere/Nope')).toMatch(/15\/01\/2026/);
    expect(formatDateTime('pas une date', 'Europe/Paris')).toBe('pas une date');
  });
});

describe('formatMoment', () => {
  it('writes a lesson\'s day and time the French way, in the school zone', () => {
    const now = new Date('2026-11-01T10:00:00Z');
    expect(formatMoment('2026-12-08T13:00:00Z', 'Europe/Paris', now)).toBe('mardi 8 décembre, 14 h 00');
    expect(formatMoment('2027-01-05T07:30:00Z', 'Europe/Paris', now)).toBe('mardi 5 janvier 2027, 8 h 30');
    expect(formatHour('2026-12-08T13:05:00Z', 'Europe/Paris')).toBe('14 h 05');
  });
});

describe('formatSince', () => {
  it('says how long ago for the last hours, the moment itself in the school zone after', () => {
    const now = new Date('2026-12-08T13:00:00Z');
    expect(formatSince('2026-12-08T12:59:40Z', 'Europe/Paris', now)).toBe("à l'instant");
    // A server clock a little ahead is still now.
    expect(formatSince('2026-12-08T13:01:00Z', 'Europe/Paris', now)).toBe("à l'instant");
    expect(formatSince('2026-12-08T12:55:00Z', 'Europe/Paris', now)).toBe('il y a 5 minutes');
    expect(formatSince('2026-12-08T10:00:00Z', 'Europe/Paris', now)).toBe('il y a 3 heures');
    expect(formatSince('2026-12-07T07:30:00Z', 'Europe/Paris', now)).toBe('lundi 7 décembre, 8 h 30');
    expect(formatSince('pas une date', 'Europe/Paris', now)).toBe('pas une date');
  });
});
