import { AUTHORISATION_WARNING_DAYS, daysUntil, expiryLevel, VEHICLE_WARNING_DAYS } from './expiry.ts';

describe('the expiry colouring rule', () => {
  const today = '2026-11-24';

  it('is red once the date is past', () => {
    expect(expiryLevel('2026-11-23', today, AUTHORISATION_WARNING_DAYS)).toBe('expired');
    expect(expiryLevel('2020-01-01', today, VEHICLE_WARNING_DAYS)).toBe('expired');
  });

  it('is orange from the warning period up to the day itself', () => {
    expect(expiryLevel('2026-11-24', today, VEHICLE_WARNING_DAYS)).toBe('soon');
    expect(expiryLevel('2026-12-24', today, VEHICLE_WARNING_DAYS)).toBe('soon'); // 30 days
    expect(expiryLevel('2026-12-25', today, VEHICLE_WARNING_DAYS)).toBe('ok'); // 31 days
    expect(expiryLevel('2027-01-23', today, AUTHORISATION_WARNING_DAYS)).toBe('soon'); // 60 days
    expect(expiryLevel('2027-01-24', today, AUTHORISATION_WARNING_DAYS)).toBe('ok'); // 61 days
  });

  it('counts calendar days, whatever the summer time', () => {
    expect(daysUntil('2027-03-29', '2027-03-27')).toBe(2);
    expect(daysUntil('2027-03-01', '2027-02-27')).toBe(2);
    expect(daysUntil('2026-11-20', today)).toBe(-4);
  });

  it('says nothing without a date', () => {
    expect(expiryLevel(null, today, 30)).toBeNull();
    expect(expiryLevel(undefined, today, 30)).toBeNull();
    expect(expiryLevel('', today, 30)).toBeNull();
    expect(expiryLevel('24/11/2026', today, 30)).toBeNull();
  });
});
