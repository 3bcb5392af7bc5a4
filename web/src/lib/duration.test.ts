import { formatMinutes, parseDuration, splitMinutes, toMinutes } from './duration.ts';

describe('durations in hours and minutes', () => {
  it('formats minutes the French way', () => {
    expect(formatMinutes(1200)).toBe('20 h');
    expect(formatMinutes(90)).toBe('1 h 30');
    expect(formatMinutes(65)).toBe('1 h 05');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(0)).toBe('0 h');
    expect(formatMinutes(-90)).toBe('\u22121 h 30');
    expect(formatMinutes(-45)).toBe('\u221245 min');
  });

  it('signs ledger entries on request', () => {
    expect(formatMinutes(120, { signed: true })).toBe('+2 h');
    expect(formatMinutes(-30, { signed: true })).toBe('\u221230 min');
    expect(formatMinutes(0, { signed: true })).toBe('0 h');
  });

  it('splits minutes into hours and minutes', () => {
    expect(splitMinutes(90)).toEqual({ hours: 1, minutes: 30 });
    expect(splitMinutes(1200)).toEqual({ hours: 20, minutes: 0 });
    expect(splitMinutes(-75)).toEqual({ hours: 1, minutes: 15 });
  });

  it('reads the hours and minutes inputs', () => {
    expect(toMinutes(20, '')).toBe(1200);
    expect(toMinutes('1', '30')).toBe(90);
    expect(toMinutes('', 45)).toBe(45);
    expect(toMinutes(' 2 ', 0)).toBe(120);
    expect(toMinutes('', '')).toBeNull();
    expect(toMinutes(1, 60)).toBeNull();
    expect(toMinutes(-1, 0)).toBeNull();
    expect(toMinutes(1.5, 0)).toBeNull();
    expect(toMinutes('1h', '')).toBeNull();
  });

  it('parses typed durations', () => {
    expect(parseDuration('20')).toBe(1200);
    expect(parseDuration('20 h')).toBe(1200);
    expect(parseDuration('20h')).toBe(1200);
    expect(parseDuration('1 h 30')).toBe(90);
    expect(parseDuration('1h30')).toBe(90);
    expect(parseDuration('1:30')).toBe(90);
    expect(parseDuration('1,5')).toBe(90);
    expect(parseDuration('1.25 h')).toBe(75);
    expect(parseDuration('45 min')).toBe(45);
    expect(parseDuration('1 H 05 min')).toBe(65);
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('1 h 75')).toBeNull();
    expect(parseDuration('beaucoup')).toBeNull();
  });

  it('round-trips through the formatter', () => {
    for (const minutes of [0, 15, 60, 90, 1200, 1265]) {
      expect(parseDuration(formatMinutes(minutes))).toBe(minutes);
    }
  });
});
