import i18n from '../../i18n/index.ts';
import type { Student } from './api.ts';
import { ageOn, isMinor, showGuardian, toBody, toValues, validateStudent } from './studentForm.ts';

const t = i18n.t.bind(i18n);
const TODAY = '2026-11-24';

function values(overrides: Partial<ReturnType<typeof toValues>> = {}) {
  return { ...toValues(undefined), first_name: 'Léa', last_name: 'Martin', ...overrides };
}

describe('the minor → guardian rule', () => {
  it('computes the age on the school’s today, turning on the birthday', () => {
    expect(ageOn('2008-11-24', TODAY)).toBe(18);
    expect(ageOn('2008-11-25', TODAY)).toBe(17);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('', TODAY)).toBeNull();
  });

  it('makes a minor of anyone under 18, and nobody while the date is unreadable', () => {
    expect(isMinor('2008-11-25', TODAY)).toBe(true);
    expect(isMinor('2008-11-24', TODAY)).toBe(false);
    expect(isMinor('', TODAY)).toBe(false);
  });

  it('shows the guardian section for a minor, or when a guardian is recorded', () => {
    const adult = values({ birth_date: '1990-01-01' });
    expect(showGuardian(adult, TODAY)).toBe(false);
    expect(showGuardian(values({ birth_date: '2010-05-01' }), TODAY)).toBe(true);
    expect(showGuardian({ ...adult, guardian: { ...adult.guardian, last_name: 'Martin' } }, TODAY)).toBe(true);
  });

  it('requires the guardian’s name and a phone or an e-mail for a minor', () => {
    const minor = values({ birth_date: '2010-05-01' });
    expect(validateStudent(minor, TODAY, t)).toEqual({
      'guardian.last_name': 'Ce champ est obligatoire.',
      'guardian.phone': 'Indiquez un téléphone ou une adresse e-mail du représentant légal.',
    });
    const withGuardian = { ...minor, guardian: { ...minor.guardian, last_name: 'Martin', email: 'parent@example.fr' } };
    expect(validateStudent(withGuardian, TODAY, t)).toEqual({});
    expect(validateStudent(values({ birth_date: '1990-01-01' }), TODAY, t)).toEqual({});
  });

  it('sends the guardian of a minor, and null for an adult without one', () => {
    const minor = values({ birth_date: '2010-05-01' });
    const body = toBody(
      { ...minor, guardian: { first_name: '', last_name: ' Martin ', relationship: 'Mère', phone: '06 12 34 56 78', email: '' } },
      TODAY,
      { creating: true },
    );
    expect(body.guardian).toEqual({ first_name: null, last_name: 'Martin', relationship: 'Mère', phone: '06 12 34 56 78', email: null });
    expect(body.status).toBe('active');
    expect(toBody(values({ birth_date: '1990-01-01' }), TODAY, { creating: false }).guardian).toBeNull();
    expect('status' in toBody(values({ birth_date: '1990-01-01' }), TODAY, { creating: false })).toBe(false);
  });
});

describe('the student form values', () => {
  it('requires names and birth date', () => {
    expect(validateStudent(values({ first_name: ' ', last_name: '', birth_date: '' }), TODAY, t)).toEqual({
      first_name: 'Ce champ est obligatoire.',
      last_name: 'Ce champ est obligatoire.',
      birth_date: 'Ce champ est obligatoire.',
    });
  });

  it('converts the start evaluation estimate to minutes and back', () => {
    const body = toBody(
      values({ birth_date: '1990-01-01', start_evaluation_date: '2026-09-01', start_evaluation_hours: 22, start_evaluation_minutes: 30 }),
      TODAY,
      { creating: true },
    );
    expect(body.start_evaluation).toEqual({ date: '2026-09-01', estimated_minutes: 1350 });
    expect(body.neph).toBeNull();
    expect(toBody(values({ neph: '1234 5678 9012' }), TODAY, { creating: true }).neph).toBe('123456789012');
    const recorded = { first_name: 'A', last_name: 'B', birth_date: '1990-01-01', start_evaluation: { date: '2026-09-01', estimated_minutes: 1350 } };
    const back = toValues(recorded as unknown as Student);
    expect([back.start_evaluation_hours, back.start_evaluation_minutes]).toEqual([22, 30]);
  });

  it('asks for the evaluation date when an estimate is typed', () => {
    expect(validateStudent(values({ birth_date: '1990-01-01', start_evaluation_hours: 20 }), TODAY, t)).toEqual({
      start_evaluation_date: "Indiquez la date de l'évaluation de départ.",
    });
    expect(validateStudent(values({ birth_date: '1990-01-01', start_evaluation_date: '2026-09-01', start_evaluation_minutes: 75 }), TODAY, t)).toEqual({
      start_evaluation_hours: 'Les minutes vont de 0 à 59.',
    });
  });
});
