import { describe, expect, it } from 'vitest';
import { nextLesson, type Placed } from './keyboard.ts';

// A week drawn in two columns (Monday at x 0–100, Tuesday at x 100–200), three lessons on Monday, two on Tuesday.
const at = (column: number, top: number): Placed => ({ left: column * 100, right: column * 100 + 100, top });
const week: Placed[] = [at(0, 300), at(1, 120), at(0, 100), at(1, 500), at(0, 650)];

describe('arrow keys between lessons', () => {
  it('moves down and up inside a day, and stops at its ends', () => {
    expect(nextLesson(week, 2, 'ArrowDown')).toBe(0);
    expect(nextLesson(week, 0, 'ArrowDown')).toBe(4);
    expect(nextLesson(week, 4, 'ArrowDown')).toBeNull();
    expect(nextLesson(week, 0, 'ArrowUp')).toBe(2);
    expect(nextLesson(week, 2, 'ArrowUp')).toBeNull();
  });

  it('moves to the next or previous day, on the lesson nearest in time', () => {
    expect(nextLesson(week, 4, 'ArrowRight')).toBe(3);
    expect(nextLesson(week, 2, 'ArrowRight')).toBe(1);
    expect(nextLesson(week, 3, 'ArrowLeft')).toBe(4);
    expect(nextLesson(week, 1, 'ArrowRight')).toBeNull();
    expect(nextLesson(week, 0, 'ArrowLeft')).toBeNull();
  });

  it('goes to the first and the last lesson shown', () => {
    expect(nextLesson(week, 3, 'Home')).toBe(2);
    expect(nextLesson(week, 2, 'End')).toBe(3);
  });

  it('moves down a one-column list', () => {
    const list = [at(0, 0), at(0, 40), at(0, 80)];
    expect(nextLesson(list, 0, 'ArrowDown')).toBe(1);
    expect(nextLesson(list, 1, 'ArrowRight')).toBeNull();
  });
});
