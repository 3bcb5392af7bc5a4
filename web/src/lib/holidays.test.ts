import { addDays, easterSunday, frenchHolidays, holidaysBetween } from './holidays.ts';

describe('French public holidays', () => {
  it('finds Easter Sunday', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25');
  });

  it('derives the movable feasts from Easter (2027: Easter on 28 March → Easter Monday on 29 March)', () => {
    const byKey = Object.fromEntries(frenchHolidays(2027).map((h) => [h.key, h.date]));
    expect(byKey.easterMonday).toBe('2027-03-29');
    expect(byKey.ascension).toBe('2027-05-06');
    expect(byKey.whitMonday).toBe('2027-05-17');
  });

  it('lists the eleven national holidays in date order', () => {
    const days = frenchHolidays(2026);
    expect(days.map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('adds Good Friday and 26 December in Alsace-Moselle', () => {
    const keys = frenchHolidays(2027, true).map((h) => `${h.date} ${h.key}`);
    expect(keys).toContain('2027-03-26 goodFriday');
    expect(keys).toContain('2027-12-26 stStephen');
    expect(keys).toHaveLength(13);
  });

  it('selects the holidays of a window, across years', () => {
    expect(holidaysBetween('2026-12-21', '2027-01-04').map((h) => h.key)).toEqual(['christmas', 'newYear']);
    expect(holidaysBetween('2027-03-29', '2027-03-30')).toEqual([{ date: '2027-03-29', key: 'easterMonday' }]);
    expect(holidaysBetween('2027-03-30', '2027-04-05')).toEqual([]);
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
