import i18n from '../../i18n/index.ts';
import {
  alertTargets,
  cancelRequestBody,
  groupAlerts,
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

describe('alerts', () => {
  it('groups by severity, most urgent first, keeping the order within a group', () => {
    const alerts = [
      { severity: 'warning' as const, message: 'w1' },
      { severity: 'info' as const, message: 'i1' },
      { severity: 'danger' as const, message: 'd1' },
      { severity: 'warning' as const, message: 'w2' },
    ];
    expect(groupAlerts(alerts).map((g) => [g.severity, g.items.map((a) => a.message)])).toEqual([
      ['danger', ['d1']],
      ['warning', ['w1', 'w2']],
      ['info', ['i1']],
    ]);
    expect(groupAlerts([])).toEqual([]);
  });

  it('links to the student’s tab, the instructor, the vehicles or the places', () => {
    expect(alertTargets({ code: 'low_hours', student_id: 's1' })).toEqual([{ kind: 'student', to: '/eleves/s1?onglet=heures' }]);
    expect(alertTargets({ code: 'eligible_without_place', student_id: 's1' })).toEqual([
      { kind: 'student', to: '/eleves/s1?onglet=examens' },
      { kind: 'places', to: '/examens?onglet=places' },
    ]);
    expect(alertTargets({ code: 'authorisation_expiring', instructor_id: 'i1' })).toEqual([{ kind: 'instructor', to: '/moniteurs/i1' }]);
    expect(alertTargets({ code: 'vehicle_insurance', vehicle_id: 'v1' })).toEqual([{ kind: 'vehicles', to: '/vehicules' }]);
    expect(alertTargets({ code: 'lessons_to_mark', instructor_id: null })).toEqual([]);
  });
});
