/**
 * Arrow keys between the lessons of a calendar (WCAG 2.1.1): the library makes each lesson a focusable button that
 * Enter opens, but only Tab moves between them, through a whole week in document order. The arrows move by where the
 * lessons are drawn, whatever the view: Up and Down to the lesson above or below in the same column (the day, or the
 * instructor's day), Left and Right to the nearest lesson of the neighbouring column; Home and End to the first and
 * last lesson shown.
 */

export interface Placed {
  left: number;
  right: number;
  top: number;
}

export type CalendarKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End';

export const CALENDAR_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];

/** Two boxes share a column when they overlap horizontally. */
const sameColumn = (a: Placed, b: Placed) => a.left < b.right && b.left < a.right;

/** Reading order: column by column from the left, top to bottom inside a column. */
function readingOrder(placed: readonly Placed[]): number[] {
  return placed
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (sameColumn(a.p, b.p) ? a.p.top - b.p.top : a.p.left - b.p.left))
    .map(({ i }) => i);
}

/** The index of the lesson the key moves to from `from`, or null when there is none that way. */
export function nextLesson(placed: readonly Placed[], from: number, key: CalendarKey): number | null {
  const here = placed[from];
  if (!here) return null;
  if (key === 'Home' || key === 'End') {
    const order = readingOrder(placed);
    return (key === 'Home' ? order[0] : order[order.length - 1]) ?? null;
  }
  let best: number | null = null;
  let bestScore = Infinity;
  placed.forEach((p, i) => {
    if (i === from) return;
    let score: number | null = null;
    if (key === 'ArrowDown' && sameColumn(p, here) && p.top > here.top) score = p.top - here.top;
    if (key === 'ArrowUp' && sameColumn(p, here) && p.top < here.top) score = here.top - p.top;
    if (key === 'ArrowRight' && !sameColumn(p, here) && p.left >= here.right - 1) {
      // The nearest column first, then the lesson nearest in time.
      score = (p.left - here.left) * 10_000 + Math.abs(p.top - here.top);
    }
    if (key === 'ArrowLeft' && !sameColumn(p, here) && p.right <= here.left + 1) {
      score = (here.left - p.left) * 10_000 + Math.abs(p.top - here.top);
    }
    if (score !== null && score < bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** Installs the arrow keys on a calendar's root element; returns the function that removes them. */
export function installLessonKeys(root: HTMLElement): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (!CALENDAR_KEYS.includes(event.key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('.ec-event[tabindex]') : null;
    if (!target) return;
    const lessons = [...root.querySelectorAll<HTMLElement>('.ec-event[tabindex]')].filter((el) => el.getClientRects().length > 0);
    const placed = lessons.map((el) => {
      const box = el.getBoundingClientRect();
      return { left: box.left, right: box.right, top: box.top };
    });
    const next = nextLesson(placed, lessons.indexOf(target), event.key as CalendarKey);
    event.preventDefault();
    const lesson = next === null ? undefined : lessons[next];
    lesson?.focus();
    lesson?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  root.addEventListener('keydown', onKeyDown);
  return () => root.removeEventListener('keydown', onKeyDown);
}
