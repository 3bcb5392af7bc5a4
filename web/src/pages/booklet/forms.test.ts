import i18n from '../../i18n/index.ts';
import { ApiError } from '../../api/problem.ts';
import {
  assessmentBody,
  emptyAssessment,
  emptyEvaluation,
  errorLines,
  evaluationBody,
  validateAssessment,
  validateEvaluation,
} from './forms.ts';

const t = i18n.t.bind(i18n);
const TODAY = '2026-11-24';

describe('an evaluation on its own', () => {
  it('requires an item, a level and a date not in the future', () => {
    expect(validateEvaluation(emptyEvaluation(TODAY), TODAY, t)).toEqual({
      item_code: 'Choisissez un item.',
      level: 'Choisissez un niveau.',
    });
    const ok = { ...emptyEvaluation(TODAY, 'C1.1'), level: 'traite' as const };
    expect(validateEvaluation(ok, TODAY, t)).toEqual({});
    expect(validateEvaluation({ ...ok, evaluated_on: '2026-11-25' }, TODAY, t)).toEqual({
      evaluated_on: "La date ne peut pas être dans l'avenir.",
    });
    expect(validateEvaluation({ ...ok, evaluated_on: '' }, TODAY, t).evaluated_on).toBe('Ce champ est obligatoire.');
  });

  it('posts a `lesson` evaluation for an instructor and a `transfer_in` level for the office', () => {
    const values = { item_code: 'C2.3', level: 'aborde' as const, evaluated_on: '2026-11-20', comment: '  Bien  ' };
    expect(evaluationBody(values, false)).toEqual({
      item_code: 'C2.3',
      level: 'aborde',
      evaluated_on: '2026-11-20',
      comment: 'Bien',
      source: 'lesson',
    });
    expect(evaluationBody({ ...values, comment: ' ' }, true)).toEqual({
      item_code: 'C2.3',
      level: 'aborde',
      evaluated_on: '2026-11-20',
      comment: null,
      source: 'transfer_in',
    });
    expect(evaluationBody(emptyEvaluation(TODAY, 'C1.1'), false)).toBeNull();
  });
});

describe('an assessment', () => {
  it('starts as a bilan of today with the referent, and refuses a future date', () => {
    const values = emptyAssessment(TODAY, 'i-1');
    expect(values).toEqual({ kind: 'bilan', date: TODAY, instructor_id: 'i-1', result: '', comment: '' });
    expect(validateAssessment(values, TODAY, t)).toEqual({});
    expect(validateAssessment({ ...values, date: '2027-01-01' }, TODAY, t).date).toMatch(/avenir/);
    expect(emptyAssessment(TODAY, null).instructor_id).toBe('');
  });

  it('lets the office name the instructor; an instructor is recorded by the server', () => {
    const values = { kind: 'affi' as const, date: '2026-11-02', instructor_id: 'i-1', result: ' Favorable ', comment: '' };
    expect(assessmentBody(values, true)).toEqual({ kind: 'affi', date: '2026-11-02', instructor_id: 'i-1', result: 'Favorable', comment: null });
    expect(assessmentBody(values, false).instructor_id).toBeNull();
    expect(assessmentBody({ ...values, instructor_id: '' }, true).instructor_id).toBeNull();
  });
});

describe('refusals', () => {
  it("gives the server's detail, then each field message, naming the item of `evaluations[i]`", () => {
    const error = new ApiError({
      status: 400,
      detail: 'Certaines informations sont invalides.',
      errors: [
        { field: 'evaluations[1].item_code', message: "Cet item n'existe pas dans le référentiel (C1.1 à C4.7)." },
        { field: 'comment', message: 'Trop long.' },
      ],
    });
    const posted = [{ item_code: 'C1.1' }, { item_code: 'C9.9' }];
    expect(errorLines(error, t, posted)).toEqual([
      'Certaines informations sont invalides.',
      "C9.9 : Cet item n'existe pas dans le référentiel (C1.1 à C4.7).",
      'Trop long.',
    ]);
    expect(errorLines(error, t)[1]).toBe("Cet item n'existe pas dans le référentiel (C1.1 à C4.7).");
  });

  it('falls back on a French message by status', () => {
    expect(errorLines(new ApiError({ status: 422 }), t)).toEqual(['Cette opération est refusée par une règle de gestion.']);
    expect(errorLines(new Error('x'), t)).toEqual(['Une erreur inattendue est survenue. Réessayez dans un instant.']);
  });
});
