import { describe, expect, it } from 'vitest';
import { cleanCode, confirmationBadge, readConfirmLink } from './confirmations.ts';

describe('confirmationBadge', () => {
  it('shows nothing for a line that is not a lesson', () => {
    expect(confirmationBadge(null)).toBeNull();
    expect(confirmationBadge(undefined)).toBeNull();
  });
  it('keeps the status, and a dispute with an answer is settled', () => {
    expect(confirmationBadge('pending')).toBe('pending');
    expect(confirmationBadge('confirmed', true)).toBe('confirmed');
    expect(confirmationBadge('disputed')).toBe('disputed');
    expect(confirmationBadge('disputed', true)).toBe('settled');
  });
});

describe('readConfirmLink', () => {
  it('reads the lesson and the code of the QR link', () => {
    expect(readConfirmLink(new URLSearchParams('seance=abc&code=123456'))).toEqual({ lessonId: 'abc', code: '123456' });
  });
  it('keeps the lesson without a valid code', () => {
    expect(readConfirmLink(new URLSearchParams('seance=abc'))).toEqual({ lessonId: 'abc', code: '' });
    expect(readConfirmLink(new URLSearchParams('seance=abc&code=12ab'))).toEqual({ lessonId: 'abc', code: '' });
  });
  it('is null without a lesson', () => {
    expect(readConfirmLink(new URLSearchParams('code=123456'))).toBeNull();
    expect(readConfirmLink(new URLSearchParams(''))).toBeNull();
  });
});

describe('cleanCode', () => {
  it('keeps six digits', () => {
    expect(cleanCode('123 456')).toBe('123456');
    expect(cleanCode('1234567')).toBe('123456');
    expect(cleanCode('ab')).toBe('');
  });
});
