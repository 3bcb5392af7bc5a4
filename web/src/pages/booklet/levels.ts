/**
 * Pure logic of the booklet screens: level names and colours, progress figures, and the quick evaluations of a
 * lesson completion (the selections and the `evaluations` they post).
 */
import type { TFunction } from 'i18next';
import type { Booklet, Level, LevelLabel } from './api.ts';
import { LEVELS } from './api.ts';

export function levelIndex(level: Level): number {
  return LEVELS.indexOf(level);
}

/**
 * How a level badge looks. Filled colours are dark shades so that white text stays above 4.5:1 (WCAG AA);
 * "non abordé" is an outline with dark grey text.
 */
export const LEVEL_STYLE: Record<Level, { variant: 'filled' | 'outline'; color: string }> = {
  non_aborde: { variant: 'outline', color: 'gray.7' },
  aborde: { variant: 'filled', color: 'orange.9' },
  traite: { variant: 'filled', color: 'blue.8' },
  assimile: { variant: 'filled', color: 'teal.9' },
};

/** The school's name of a level (a school may rename them), else the default French one. */
export function levelLabel(level: Level, labels: readonly LevelLabel[] | undefined, t: TFunction): string {
  const custom = labels?.find((l) => l.level === level)?.label.trim();
  return custom !== undefined && custom !== '' ? custom : t(`booklet.levels.${level}`);
}

/** A percentage as shown and announced: an integer from 0 to 100 (a bad value shows as 0). */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, Math.round(value)));
}

/**
 * The progress the API computes, for a list of levels: the mean of the level indices (0 to 3) over 3, rounded
 * to an integer percentage (used to preview the effect of a completion; the server stays the source of truth).
 */
export function progressOf(levels: readonly Level[]): number {
  if (levels.length === 0) return 0;
  const sum = levels.reduce((acc, level) => acc + levelIndex(level), 0);
  return Math.floor((sum * 100 + Math.floor((3 * levels.length) / 2)) / (3 * levels.length));
}

/** The item codes of a booklet, in the reference's order (C1.1 … C4.7). */
export function itemCodes(booklet: Pick<Booklet, 'competencies'>): string[] {
  return booklet.competencies.flatMap((c) => c.items.map((i) => i.code));
}

/** The quick levels chosen in a completion panel: item code → level. */
export type Selections = Readonly<Record<string, Level>>;

/** Taps a level of an item: selects it, or clears it when it was already the selected one. */
export function toggleLevel(selections: Selections, code: string, level: Level): Selections {
  if (selections[code] === level) return Object.fromEntries(Object.entries(selections).filter(([key]) => key !== code));
  return { ...selections, [code]: level };
}

/** How many of these items have a level chosen. */
export function countSelected(selections: Selections, codes: readonly string[]): number {
  return codes.filter((code) => selections[code] !== undefined).length;
}

export interface CompletionEvaluation {
  item_code: string;
  level: Level;
  lesson_id: string;
}

/**
 * The `evaluations` of POST /lessons/{id}/complete: one per item with a level chosen, in the reference's order
 * (codes unknown to `order` last, sorted), each tied to the lesson.
 */
export function completionEvaluations(selections: Selections, lessonId: string, order: readonly string[] = []): CompletionEvaluation[] {
  const rank = new Map(order.map((code, i) => [code, i]));
  return Object.entries(selections)
    .sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || a.localeCompare(b, 'fr', { numeric: true }))
    .map(([item_code, level]) => ({ item_code, level, lesson_id: lessonId }));
}

/** The levels of a booklet after the chosen selections (to preview the progress). */
export function levelsAfter(booklet: Pick<Booklet, 'competencies'>, selections: Selections): Level[] {
  return booklet.competencies.flatMap((c) => c.items.map((i) => selections[i.code] ?? i.level));
}
