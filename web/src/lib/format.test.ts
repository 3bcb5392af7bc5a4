import { formatDateTime } from './format.ts';

describe('formatDateTime', () => {
  it('shows the time in the school time zone, in French', () => {
    // 13:05 UTC is 14:05 in Paris in winter, 09:05 in Martinique.
    expect(formatDateTime('2026-01-15T13:05:09Z', 'Europe/Paris', true)).toBe('15/01/2026 14:05:09');
    expect(formatDateTime('2026-01-15T13:05:09Z', 'America/Martinique')).toBe('15/01/2026 09:05');
  });

  it('survives an unknown zone or a bad date', () => {
    expect(formatDateTime('2026-01-15T13:05:09Z', 'Nowhere/Nope')).toMatch(/15\/01\/2026/);
    expect(formatDateTime('pas une date', 'Europe/Paris')).toBe('pas une date');
  });
});
