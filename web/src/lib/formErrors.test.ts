import { formErrors, isStale, optional, toFormPath } from './formErrors.ts';
import { ApiError } from '../api/problem.ts';

describe('server field errors on forms', () => {
  it('turns indexed API fields into form paths', () => {
    expect(toFormPath('rooms[0].capacity')).toBe('rooms.0.capacity');
    expect(toFormPath('closures[12].end_date')).toBe('closures.12.end_date');
    expect(toFormPath('plate')).toBe('plate');
  });

  it('keys the messages by form path, renamed where the form differs, first message only', () => {
    const error = new ApiError({
      status: 400,
      errors: [
        { field: 'rooms[0].capacity', message: 'La capacité doit être comprise entre 1 et 500 places.' },
        { field: 'weekly_contract_minutes', message: 'Trop.' },
        { field: 'plate', message: 'Immatriculation invalide.' },
        { field: 'plate', message: 'Second message.' },
      ],
    });
    expect(formErrors(error, { weekly_contract_minutes: 'weekly_contract_hours' })).toEqual({
      'rooms.0.capacity': 'La capacité doit être comprise entre 1 et 500 places.',
      weekly_contract_hours: 'Trop.',
      plate: 'Immatriculation invalide.',
    });
    expect(formErrors(new Error('x'))).toEqual({});
  });

  it('recognises a stale version and empties optional text', () => {
    expect(isStale(new ApiError({ status: 412 }))).toBe(true);
    expect(isStale(new ApiError({ status: 409 }))).toBe(false);
    expect(optional('  ')).toBeNull();
    expect(optional(' Tours ')).toBe('Tours');
  });
});
