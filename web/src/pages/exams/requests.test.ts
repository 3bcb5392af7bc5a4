import i18n from '../../i18n/index.ts';
import {
  cancelRequestBody,
  isLateCancellation,
  mayRequestChange,
  mayWaive,
  moveDefaults,
  moveRequestBody,
  pendingFor,
  validateMove,
  withStart,
} from './requests.ts';

const t = i18n.t.bind(i18n);
const PARIS = 'Europe/Paris';
const NOW = Date.parse('2026-11-24T12:00:00Z');

const lesson = {
  id: 'l1',
  kind: 'driving',
  status: 'planned',
  starts_at: '2026-11-26T09:00:00Z',
  ends_at: '2026-11-26T10:00:00Z',
};

describe('change requests from the lesson panel', () => {
  it('may be asked for a planned lesson that has not started, never for a block', () => {
    expect(mayRequestChange(lesson, NOW)).toBe(true);
    expect(mayRequestChange({ ...lesson, status: 'cancelled' }, NOW)).toBe(false);
    expect(mayRequestChange({ ...lesson, kind: 'unavailability' }, NOW)).toBe(false);
    expect(mayRequestChange(lesson, Date.parse('2026-11-26T09:00:00Z'))).toBe(false);
  });

  it('finds the pending request of the lesson', () => {
    const requests = [
      { lesson_id: 'l1', status: 'rejected' as const, id: 'a' },
      { lesson_id: 'l2', status: 'pending' as const, id: 'b' },
      { lesson_id: 'l1', status: 'pending' as const, id: 'c' },
    ];
    expect(pendingFor(requests, 'l1')?.id).toBe('c');
    expect(pendingFor(requests, 'l3')).toBeUndefined();
  });

  it('starts a move from the lesson’s own times and keeps its duration', () => {
    const values = moveDefaults(lesson, PARIS);
    expect(values).toEqual({ starts: '2026-11-26T10:00', ends: '2026-11-26T11:00' });
    expect(withStart(values, '2026-11-27T14:30', PARIS)).toEqual({ starts: '2026-11-27T14:30', ends: '2026-11-27T15:30' });
    // Unreadable: the end stays.
    expect(withStart(values, '', PARIS)).toEqual({ starts: '', ends: '2026-11-26T11:00' });
  });

  it('checks the new times', () => {
    expect(validateMove({ starts: '2026-11-27T14:30', ends: '2026-11-27T15:30' }, PARIS, NOW, t)).toEqual({});
    expect(validateMove({ starts: '2026-11-27T14:30', ends: '2026-11-27T14:00' }, PARIS, NOW, t)).toEqual({
      ends: 'La fin doit être après le début.',
    });
    expect(validateMove({ starts: '2026-11-20T14:30', ends: '2026-11-20T15:30' }, PARIS, NOW, t)).toEqual({
      starts: 'Le nouvel horaire doit être dans le futur.',
    });
    expect(validateMove({ starts: '', ends: '' }, PARIS, NOW, t)).toEqual({
      starts: 'Indiquez une date et une heure.',
      ends: 'Indiquez une date et une heure.',
    });
  });

  it('sends a cancellation or a move', () => {
    expect(cancelRequestBody('l1', '  Convocation au lycée ')).toEqual({ lesson_id: 'l1', kind: 'cancel', reason: 'Convocation au lycée' });
    expect(cancelRequestBody('l1', ' ')).toEqual({ lesson_id: 'l1', kind: 'cancel', reason: null });
    expect(moveRequestBody('l1', { starts: '2026-11-27T14:30', ends: '2026-11-27T15:30' }, '', PARIS)).toEqual({
      lesson_id: 'l1',
      kind: 'move',
      reason: null,
      starts_at: '2026-11-27T13:30:00Z',
      ends_at: '2026-11-27T14:30:00Z',
    });
    expect(moveRequestBody('l1', { starts: 'x', ends: '' }, '', PARIS)).toBeNull();
  });
});

describe('the office’s decision', () => {
  const request = {
    kind: 'cancel' as const,
    requester_role: 'STUDENT',
    created_at: '2026-11-24T12:00:00Z',
    lesson_starts_at: '2026-11-26T09:00:00Z',
  };

  it('offers "ne pas facturer" for a student’s cancellation only', () => {
    expect(mayWaive(request)).toBe(true);
    expect(mayWaive({ ...request, requester_role: 'INSTRUCTOR' })).toBe(false);
    expect(mayWaive({ ...request, kind: 'move' })).toBe(false);
  });

  it('tells a late cancellation (less than 48 h of notice when asked)', () => {
    expect(isLateCancellation(request)).toBe(true);
    expect(isLateCancellation({ ...request, lesson_starts_at: '2026-11-26T12:00:00Z' })).toBe(false);
    expect(isLateCancellation({ ...request, requester_role: 'INSTRUCTOR' })).toBe(false);
  });
});
