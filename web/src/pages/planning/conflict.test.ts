import i18n from '../../i18n/index.ts';
import { ApiError } from '../../api/problem.ts';
import { conflictMessage, parseRules, refusalText } from './conflict.ts';

const t = i18n.t.bind(i18n);
const TZ = 'Europe/Paris';

const conflict = (conflicts: unknown[], detail = 'Le moniteur a déjà une séance ou une indisponibilité sur ce créneau.') =>
  new ApiError({ status: 409, detail, conflicts });

describe('refusal messages', () => {
  it('names the resource and the times of the lesson in the way, in school time', () => {
    const error = conflict([
      { lesson_id: 'x', kind: 'driving', resource: 'instructor', starts_at: '2026-12-02T09:00:00Z', ends_at: '2026-12-02T10:00:00Z' },
    ]);
    expect(conflictMessage(error, TZ, t)).toBe('Conflit : le moniteur a déjà une séance de 10:00 à 11:00.');
  });

  it('joins distinct clauses, says what the block is, and counts the rest', () => {
    const error = conflict([
      { lesson_id: 'a', kind: 'driving', resource: 'instructor', starts_at: '2026-12-02T09:00:00Z', ends_at: '2026-12-02T10:00:00Z' },
      { lesson_id: 'a', kind: 'driving', resource: 'instructor', starts_at: '2026-12-02T09:00:00Z', ends_at: '2026-12-02T10:00:00Z' },
      { lesson_id: 'b', kind: 'unavailability', resource: 'vehicle', starts_at: '2026-12-01T23:00:00Z', ends_at: '2026-12-03T23:00:00Z' },
      { lesson_id: 'c', kind: 'exam', resource: 'student', starts_at: '2026-12-02T07:00:00Z', ends_at: '2026-12-02T10:00:00Z' },
    ]);
    expect(conflictMessage(error, TZ, t)).toBe(
      'Conflit : le moniteur a déjà une séance de 10:00 à 11:00 ; ' +
        'le véhicule a déjà une indisponibilité du 02/12/2026 00:00 au 04/12/2026 00:00 et 1 autre conflit.',
    );
  });

  it('falls back to the server’s detail when the conflicts are not usable (capacity)', () => {
    const error = conflict([{ resource: 'capacity', capacity: 8, attendees: 9 }], 'La séance est complète (8 places).');
    expect(conflictMessage(error, TZ, t)).toBeNull();
    expect(refusalText(error, TZ, t)).toBe('La séance est complète (8 places).');
  });

  it('reads the rules of a 422', () => {
    const error = new ApiError({
      status: 422,
      detail: 'AB-123-CD est en maintenance.',
      rules: [{ code: 'vehicle_status', message: 'AB-123-CD est en maintenance.' }],
    });
    expect(parseRules(error)).toEqual([{ code: 'vehicle_status', message: 'AB-123-CD est en maintenance.' }]);
    expect(refusalText(error, TZ, t)).toBe('AB-123-CD est en maintenance.');
    expect(parseRules(conflict([]))).toEqual([]);
  });
});
