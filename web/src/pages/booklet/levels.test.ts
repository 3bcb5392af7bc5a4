import i18n from '../../i18n/index.ts';
import type { Booklet, Level } from './api.ts';
import {
  clampPercent,
  completionEvaluations,
  countSelected,
  itemCodes,
  levelIndex,
  levelLabel,
  levelsAfter,
  progressOf,
  toggleLevel,
  type Selections,
} from './levels.ts';

const t = i18n.t.bind(i18n);

const item = (code: string, level: Level = 'non_aborde') => ({ code, title: `Item ${code}`, level, evaluated_at: null, history: [] });
const booklet: Pick<Booklet, 'competencies'> = {
  competencies: [
    { code: 'C1', title: 'Maîtriser', progress: 0, acquired: 0, items: [item('C1.1', 'assimile'), item('C1.2'), item('C1.10')] },
    { code: 'C2', title: 'Appréhender', progress: 0, acquired: 0, items: [item('C2.1', 'aborde')] },
  ],
};

describe('levels', () => {
  it('orders the four levels from 0 to 3', () => {
    expect(['non_aborde', 'aborde', 'traite', 'assimile'].map((l) => levelIndex(l as Level))).toEqual([0, 1, 2, 3]);
  });

  it("names a level with the school's label, else the French default", () => {
    expect(levelLabel('traite', undefined, t)).toBe('traité');
    expect(levelLabel('non_aborde', [], t)).toBe('non abordé');
    expect(levelLabel('assimile', [{ level: 'assimile', label: 'acquis' }], t)).toBe('acquis');
    expect(levelLabel('aborde', [{ level: 'aborde', label: '  ' }], t)).toBe('abordé');
  });
});

describe('progress', () => {
  it('is the rounded mean of the level indices over 3, like the server', () => {
    expect(progressOf([])).toBe(0);
    expect(progressOf(['non_aborde', 'non_aborde'])).toBe(0);
    expect(progressOf(['assimile', 'assimile'])).toBe(100);
    expect(progressOf(['aborde'])).toBe(33);
    expect(progressOf(['traite'])).toBe(67);
    // 32 items, one "abordé": 100 / 96 = 1.04 → 1; two "traité": 400 / 96 = 4.17 → 4.
    expect(progressOf(['aborde', ...Array<Level>(31).fill('non_aborde')])).toBe(1);
    expect(progressOf(['traite', 'traite', ...Array<Level>(30).fill('non_aborde')])).toBe(4);
    // Halves round up: 1 of 2 at "abordé" … 50 / 3 = 16.67 → 17.
    expect(progressOf(['aborde', 'non_aborde'])).toBe(17);
  });

  it('shows an integer between 0 and 100', () => {
    expect(clampPercent(42.6)).toBe(43);
    expect(clampPercent(-3)).toBe(0);
    expect(clampPercent(140)).toBe(100);
    expect(clampPercent(Number.NaN)).toBe(0);
  });

  it('previews the levels after a completion', () => {
    expect(levelsAfter(booklet, { 'C1.2': 'traite' })).toEqual(['assimile', 'traite', 'non_aborde', 'aborde']);
    expect(itemCodes(booklet)).toEqual(['C1.1', 'C1.2', 'C1.10', 'C2.1']);
  });
});

describe('quick evaluations of a completion', () => {
  it('selects a level, changes it, and clears it when tapped again', () => {
    let s: Selections = {};
    s = toggleLevel(s, 'C1.2', 'aborde');
    expect(s).toEqual({ 'C1.2': 'aborde' });
    s = toggleLevel(s, 'C1.2', 'traite');
    expect(s).toEqual({ 'C1.2': 'traite' });
    s = toggleLevel(s, 'C2.1', 'assimile');
    const before = s;
    s = toggleLevel(s, 'C1.2', 'traite');
    expect(s).toEqual({ 'C2.1': 'assimile' });
    expect(before).toEqual({ 'C1.2': 'traite', 'C2.1': 'assimile' }); // never mutated
  });

  it('counts the items of a competency with a level chosen', () => {
    expect(countSelected({ 'C1.1': 'aborde', 'C2.1': 'traite' }, ['C1.1', 'C1.2'])).toBe(1);
    expect(countSelected({}, ['C1.1'])).toBe(0);
  });

  it('builds the `evaluations` of the complete request, in the reference order, tied to the lesson', () => {
    const selections: Selections = { 'C2.1': 'assimile', 'C1.10': 'aborde', 'C1.2': 'traite' };
    expect(completionEvaluations(selections, 'lesson-1', itemCodes(booklet))).toEqual([
      { item_code: 'C1.2', level: 'traite', lesson_id: 'lesson-1' },
      { item_code: 'C1.10', level: 'aborde', lesson_id: 'lesson-1' },
      { item_code: 'C2.1', level: 'assimile', lesson_id: 'lesson-1' },
    ]);
    // Without the reference, by natural code order (C1.2 before C1.10).
    expect(completionEvaluations(selections, 'l').map((e) => e.item_code)).toEqual(['C1.2', 'C1.10', 'C2.1']);
    expect(completionEvaluations({}, 'l')).toEqual([]);
  });
});
