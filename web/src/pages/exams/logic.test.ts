import i18n from '../../i18n/index.ts';
import type { Exam } from './api.ts';
import {
  RULE_CODES,
  RULE_STATUS_COLOR,
  blockingRules,
  checkResult,
  checkRow,
  emptyExamForm,
  examBody,
  formatDay,
  groupByDay,
  isFree,
  parseScore,
  placeBody,
  resultPatch,
  rowOf,
  ruleLabel,
  ruleNames,
  ruleStatusLabel,
  scoreText,
  validateExamForm,
} from './logic.ts';

const t = i18n.t.bind(i18n);
const PARIS = 'Europe/Paris';

function exam(overrides: Partial<Exam> = {}): Exam {
  return {
    id: 'e1',
    student_id: 's1',
    student_name: 'Léa Martin',
    kind: 'practical',
    scheduled_at: '2026-11-20T08:00:00Z',
    centre: 'Tours-Nord',
    result: 'pending',
    score: null,
    eliminatory: false,
    excused: false,
    cancelled_at: null,
    instructor_id: null,
    vehicle_id: null,
    lesson_id: null,
    place_id: null,
    override_reason: null,
    comment: null,
    version: 3,
    created_at: '2026-11-01T08:00:00Z',
    ...overrides,
  };
}

describe('exam days', () => {
  it('groups by the school’s calendar day, in time order, whatever the order received', () => {
    const items = [
      exam({ id: 'c', scheduled_at: '2026-12-02T09:30:00Z', student_name: 'Chloé' }),
      // 23:30 UTC on 1 December is 00:30 on 2 December in Paris.
      exam({ id: 'b', scheduled_at: '2026-12-01T23:30:00Z', student_name: 'Bruno' }),
      exam({ id: 'a', scheduled_at: '2026-12-01T08:00:00Z', student_name: 'Anna' }),
      exam({ id: 'd', scheduled_at: '2026-12-02T09:30:00Z', student_name: 'Alice' }),
    ];
    const days = groupByDay(items, PARIS);
    expect(days.map((d) => d.day)).toEqual(['2026-12-01', '2026-12-02']);
    expect(days[0]?.items.map((e) => e.id)).toEqual(['a']);
    // Same time: by name.
    expect(days[1]?.items.map((e) => e.id)).toEqual(['b', 'd', 'c']);
  });

  it('keeps summer time in mind', () => {
    // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2).
    expect(groupByDay([exam({ scheduled_at: '2026-06-30T22:30:00Z' })], PARIS)[0]?.day).toBe('2026-07-01');
  });

  it('has no day without exams', () => {
    expect(groupByDay([], PARIS)).toEqual([]);
  });

  it('writes a day out in French', () => {
    expect(formatDay('2026-12-01')).toBe('Mardi 1 décembre 2026');
    expect(formatDay('nonsense')).toBe('nonsense');
  });
});

describe('eligibility rules', () => {
  it('names the eleven rules in French, in the server’s order', () => {
    expect(RULE_CODES).toHaveLength(11);
    expect(RULE_CODES.map((code) => ruleLabel(code, t))).toEqual([
      'Âge',
      'NEPH',
      'Inscription ANTS',
      'Code (ETG)',
      'Heures de conduite',
      'Évaluation de départ',
      'Contrat',
      "Livret d'apprentissage",
      "Délai d'attente",
      'Conduite accompagnée',
      'Solde du compte',
    ]);
    // An unknown code (a newer server) is shown as it is rather than as a missing key.
    expect(ruleLabel('new_rule', t)).toBe('new_rule');
  });

  it('writes each status out and gives it a dark colour', () => {
    expect(ruleStatusLabel('ok', t)).toBe('OK');
    expect(ruleStatusLabel('warn', t)).toBe('Attention');
    expect(ruleStatusLabel('block', t)).toBe('Bloquant');
    expect(RULE_STATUS_COLOR).toEqual({ ok: 'green.9', warn: 'orange.9', block: 'red.8' });
  });

  it('keeps the blocking rules, and names a candidate’s codes in report order', () => {
    const rules = [
      { code: 'age' as const, status: 'ok' as const, message: '' },
      { code: 'theory_test' as const, status: 'block' as const, message: 'Code non obtenu.' },
      { code: 'contract' as const, status: 'warn' as const, message: '' },
      { code: 'driving_hours' as const, status: 'block' as const, message: '0 h sur 20 h.' },
    ];
    expect(blockingRules(rules).map((r) => r.code)).toEqual(['theory_test', 'driving_hours']);
    expect(ruleNames(['driving_hours', 'neph'], t)).toEqual(['NEPH', 'Heures de conduite']);
  });
});

describe('results', () => {
  it('follows the pass marks: 35/40 for the theory test, 20/31 without an eliminatory fault for the practical one', () => {
    expect(checkResult('theory', 'passed', 35, false, t)).toBeNull();
    expect(checkResult('theory', 'passed', 34, false, t)?.message).toBe("Avec 34 points sur 40, l'épreuve n'est pas réussie (il en faut 35).");
    expect(checkResult('practical', 'passed', 20, false, t)).toBeNull();
    expect(checkResult('practical', 'failed', 20, false, t)?.message).toBe(
      "Avec 20 points sur 31 et sans faute éliminatoire, l'épreuve est réussie.",
    );
    expect(checkResult('practical', 'failed', 28, true, t)).toBeNull();
    expect(checkResult('practical', 'passed', 28, true, t)?.field).toBe('eliminatory');
    expect(checkResult('practical', 'failed', 32, false, t)?.message).toBe('La note est comprise entre 0 et 31.');
    expect(checkResult('practical', 'passed', null, false, t)).toBeNull();
    expect(checkResult('practical', 'passed', Number.NaN, false, t)?.field).toBe('score');
  });

  it('reads a typed score', () => {
    expect(parseScore('')).toBeNull();
    expect(parseScore(' 23 ')).toBe(23);
    expect(parseScore(12)).toBe(12);
    expect(parseScore('12,5')).toBeNaN();
    expect(parseScore(12.5)).toBeNaN();
  });

  it('shows a score out of the test’s maximum', () => {
    expect(scoreText(exam({ score: 24 }), t)).toBe('24 / 31');
    expect(scoreText(exam({ kind: 'theory', score: 38 }), t)).toBe('38 / 40');
    expect(scoreText(exam(), t)).toBeNull();
  });
});

describe('the results entry of a day', () => {
  const NOW = Date.parse('2026-11-24T12:00:00Z');

  it('patches only the rows that changed, with the version read', () => {
    const e = exam();
    expect(resultPatch(rowOf(e), e)).toBeNull();
    expect(resultPatch({ ...rowOf(e), result: 'failed', score: 17, eliminatory: true }, e)).toEqual({
      version: 3,
      result: 'failed',
      score: 17,
      eliminatory: true,
      excused: false,
    });
  });

  it('drops what does not apply to the result', () => {
    const e = exam({ result: 'failed', score: 17, eliminatory: true });
    // Absent: no score, no eliminatory fault, but maybe excused.
    expect(resultPatch({ result: 'absent', score: 17, eliminatory: true, excused: true }, e)).toEqual({
      version: 3,
      result: 'absent',
      score: null,
      eliminatory: false,
      excused: true,
    });
    // A theory test has no eliminatory fault; a pass is never excused.
    const theory = exam({ kind: 'theory' });
    expect(resultPatch({ result: 'passed', score: '38', eliminatory: true, excused: true }, theory)).toEqual({
      version: 3,
      result: 'passed',
      score: 38,
      eliminatory: false,
      excused: false,
    });
  });

  it('refuses a result before the exam’s time, but not a cancellation', () => {
    const future = exam({ scheduled_at: '2026-12-01T08:00:00Z' });
    expect(checkRow({ ...rowOf(future), result: 'passed' }, future, NOW, t)?.message).toBe(
      "Un résultat ne s'enregistre qu'après la date de l'examen.",
    );
    expect(checkRow({ ...rowOf(future), result: 'cancelled', excused: true }, future, NOW, t)).toBeNull();
    const past = exam();
    expect(checkRow({ ...rowOf(past), result: 'passed', score: 19 }, past, NOW, t)?.field).toBe('score');
    expect(checkRow({ ...rowOf(past), result: 'passed', score: 26 }, past, NOW, t)).toBeNull();
  });
});

describe('"Enregistrer un examen"', () => {
  const NOW = Date.parse('2026-11-24T12:00:00Z');

  it('sends a past theory test with its result and score', () => {
    const values = { ...emptyExamForm('s1'), scheduled_at: '2026-11-14T09:00', centre: ' La Poste ', result: 'passed' as const, score: 38 };
    expect(validateExamForm(values, PARIS, NOW, t)).toEqual({});
    expect(examBody(values, PARIS)).toEqual({
      student_id: 's1',
      kind: 'theory',
      scheduled_at: '2026-11-14T08:00:00Z',
      centre: 'La Poste',
      result: 'passed',
      score: 38,
      eliminatory: false,
      excused: false,
      instructor_id: null,
      vehicle_id: null,
      comment: null,
    });
  });

  it('books a practical test with its accompaniment, and an admin’s override reason', () => {
    const values = {
      ...emptyExamForm('s1', 'practical'),
      scheduled_at: '2026-12-03T08:30',
      instructor_id: 'i1',
      vehicle_id: 'v1',
      score: 12,
      override_reason: '  Dossier complet en préfecture  ',
    };
    expect(examBody(values, PARIS)).toMatchObject({
      kind: 'practical',
      scheduled_at: '2026-12-03T07:30:00Z',
      result: 'pending',
      score: null,
      instructor_id: 'i1',
      vehicle_id: 'v1',
      override_reason: 'Dossier complet en préfecture',
    });
    // Without an override reason, none is sent.
    expect(examBody({ ...values, override_reason: ' ' }, PARIS)).not.toHaveProperty('override_reason');
    // A past result is not an accompaniment to book.
    expect(examBody({ ...values, result: 'failed', scheduled_at: '2026-11-03T08:30' }, PARIS)).toMatchObject({
      instructor_id: null,
      vehicle_id: null,
      score: 12,
    });
  });

  it('says what is missing or inconsistent', () => {
    expect(validateExamForm(emptyExamForm(null), PARIS, NOW, t)).toEqual({
      student_id: 'Choisissez un élève.',
      scheduled_at: 'Indiquez la date et l’heure.',
    });
    const future = { ...emptyExamForm('s1'), scheduled_at: '2026-12-03T08:30', result: 'passed' as const };
    expect(validateExamForm(future, PARIS, NOW, t)).toEqual({ result: "Un résultat ne s'enregistre qu'après la date de l'examen." });
    const low = { ...emptyExamForm('s1'), scheduled_at: '2026-11-03T08:30', result: 'passed' as const, score: '30' };
    expect(validateExamForm(low, PARIS, NOW, t)).toEqual({ score: "Avec 30 points sur 40, l'épreuve n'est pas réussie (il en faut 35)." });
    expect(validateExamForm({ ...emptyExamForm('s1'), scheduled_at: '2026-12-03T08:30' }, PARIS, NOW, t, true)).toEqual({
      override_reason: 'Indiquez le motif de la dérogation.',
    });
    expect(examBody(emptyExamForm(null), PARIS)).toBeNull();
  });
});

describe('exam places', () => {
  it('sends a place with its wall-clock time in the school’s zone', () => {
    expect(placeBody({ starts_at: '2026-12-02T08:00', centre: ' Tours-Nord ', category: 'B78', instructor_id: null, vehicle_id: 'v1' }, PARIS)).toEqual({
      starts_at: '2026-12-02T07:00:00Z',
      centre: 'Tours-Nord',
      category: 'B78',
      instructor_id: null,
      vehicle_id: 'v1',
    });
    expect(placeBody({ starts_at: '', centre: 'x', category: 'B', instructor_id: null, vehicle_id: null }, PARIS)).toBeNull();
    expect(placeBody({ starts_at: '2026-12-02T08:00', centre: ' ', category: 'B', instructor_id: null, vehicle_id: null }, PARIS)).toBeNull();
  });

  it('tells a free place', () => {
    expect(isFree({ exam_id: null })).toBe(true);
    expect(isFree({})).toBe(true);
    expect(isFree({ exam_id: 'e1' })).toBe(false);
  });
});
