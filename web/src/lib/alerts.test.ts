import { alertTargets, groupAlerts } from './alerts.ts';

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
    expect(alertTargets({ code: 'cpf_stuck', student_id: 's1' })).toEqual([{ kind: 'student', to: '/eleves/s1?onglet=facturation' }]);
    expect(alertTargets({ code: 'authorisation_expiring', instructor_id: 'i1' })).toEqual([{ kind: 'instructor', to: '/moniteurs/i1' }]);
    expect(alertTargets({ code: 'vehicle_insurance', vehicle_id: 'v1' })).toEqual([{ kind: 'vehicles', to: '/vehicules' }]);
    expect(alertTargets({ code: 'lessons_to_mark', instructor_id: null })).toEqual([]);
  });

  it('links an ANTS dossier stopped to the file, and a failing connector to the connectors for an ADMIN only', () => {
    expect(alertTargets({ code: 'ants_incomplete', student_id: 's1' })).toEqual([{ kind: 'student', to: '/eleves/s1' }]);
    expect(alertTargets({ code: 'ants_rejected', student_id: 's1' }, { admin: true })).toEqual([{ kind: 'student', to: '/eleves/s1' }]);
    expect(alertTargets({ code: 'connector_failing', student_id: null }, { admin: true })).toEqual([{ kind: 'connectors', to: '/connecteurs' }]);
    expect(alertTargets({ code: 'connector_failing', student_id: null })).toEqual([]);
    expect(alertTargets({ code: 'livret_at_risk', student_id: null })).toEqual([{ kind: 'livret', to: '/livret-numerique' }]);
  });
});
