import { addMonths, formatHours, formatRate, formatWholeEuros, hoursOf, isDay, isMonth, monthBounds, monthsOf, presetPeriod, previousMonth, shareBp, weeksOf } from './period.ts';

describe('analytics periods', () => {
  it('turns each preset into days, both included', () => {
    const today = '2026-12-06';
    expect(presetPeriod('ce-mois', today)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetPeriod('mois-dernier', today)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetPeriod('3-mois', today)).toEqual({ from: '2026-09-07', to: '2026-12-06' });
    expect(presetPeriod('12-mois', today)).toEqual({ from: '2025-12-07', to: '2026-12-06' });
    expect(presetPeriod('annee', today)).toEqual({ from: '2026-01-01', to: '2026-12-06' });
  });

  it('crosses the years and the short months', () => {
    expect(presetPeriod('mois-dernier', '2027-01-15')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetPeriod('ce-mois', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    // 31 May − 3 months: no 31 February, the last day of February, and the period starts the day after.
    expect(presetPeriod('3-mois', '2026-05-31')).toEqual({ from: '2026-03-01', to: '2026-05-31' });
    expect(previousMonth('2027-01-03')).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -13)).toBe('2024-12');
    expect(monthBounds('2026-04')).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('lists the Mondays and the months a period touches', () => {
    // 1 December 2026 is a Tuesday: its week starts on 30 November.
    expect(weeksOf({ from: '2026-12-01', to: '2026-12-31' })).toEqual(['2026-11-30', '2026-12-07', '2026-12-14', '2026-12-21', '2026-12-28']);
    expect(weeksOf({ from: '2026-12-07', to: '2026-12-07' })).toEqual(['2026-12-07']);
    expect(monthsOf({ from: '2025-12-07', to: '2026-02-01' })).toEqual(['2025-12', '2026-01', '2026-02']);
  });

  it('checks the dates typed', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-2-28')).toBe(false);
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('')).toBe(false);
  });

  it('writes rates, hours and euros the French way', () => {
    expect(formatRate(8750)).toBe('87,5\u00a0%');
    expect(formatRate(10000)).toBe('100\u00a0%');
    expect(formatRate(1176)).toBe('11,8\u00a0%');
    expect(formatRate(0)).toBe('0\u00a0%');
    expect(formatRate(null)).toBeNull();
    expect(formatRate(undefined)).toBeNull();
    expect(shareBp(8, 10)).toBe(8000);
    expect(shareBp(1, 0)).toBeNull();
    expect(hoursOf(90)).toBe(1.5);
    expect(hoursOf(50)).toBe(0.8);
    expect(formatHours(1.5)).toBe('1,5\u00a0h');
    expect(formatHours(12)).toBe('12\u00a0h');
    expect(formatWholeEuros(1234.5)).toBe('1\u202f235\u00a0€');
    expect(formatWholeEuros(0)).toBe('0\u00a0€');
  });
});
