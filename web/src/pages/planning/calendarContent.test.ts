import { describe, expect, it } from 'vitest';
import { eventTimeText } from './calendarContent.ts';

describe('eventTimeText', () => {
  it('says a range as the calendar did, once per distinct range', () => {
    const intl = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });
    const text = eventTimeText();
    const start = new Date(2026, 11, 7, 8, 0);
    const end = new Date(2026, 11, 7, 9, 30);
    expect(text(start, end)).toBe(intl.formatRange(start, end));
    expect(text(new Date(start), new Date(end))).toBe(text(start, end));
    expect(text(start, null)).toBe(intl.format(start));
    expect(text(start, end)).not.toBe(text(start, null));
  });
});
