import { screen, within } from '@testing-library/react';
import { setCsrfToken, type Session } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';
import MyHoursPage from './MyHoursPage.tsx';

const LEA = { id: '00000000-0000-4000-8000-000000000201', first_name: 'Léa', last_name: 'Martin' };
const HOURS = {
  purchased_minutes: 1200,
  consumed_minutes: 60,
  remaining_minutes: 1140,
  scheduled_minutes: 120,
  bookable_minutes: 1020,
  confirmed_minutes: 0,
  pending_minutes: 60,
  disputed_minutes: 0,
  corrections_minutes: 0,
  entries: [
    {
      id: 'e-1',
      kind: 'consumption',
      minutes: -60,
      reason: null,
      lesson_id: 'l-1',
      lesson_starts_at: '2026-12-01T08:00:00Z',
      created_at: '2026-12-01T09:05:00Z',
      confirmation: 'pending',
    },
  ],
};

const as = (role: 'STUDENT' | 'GUARDIAN'): Session => ({
  ...demoSession,
  role,
  memberships: [{ tenant_id: demoSession.tenant.id, tenant_name: demoSession.tenant.name, role }],
  children: role === 'GUARDIAN' ? [LEA] : [],
  student_id: LEA.id,
});

describe('MyHoursPage', () => {
  afterEach(() => setCsrfToken(null));

  it('lets the student confirm or dispute a lesson done', async () => {
    mockFetch({ [`GET /api/v1/students/${LEA.id}/hours`]: () => jsonResponse(200, HOURS) });
    renderWithProviders(<MyHoursPage />, { session: as('STUDENT') });
    expect(screen.getByRole('heading', { level: 1, name: 'Mes heures' })).toBeInTheDocument();
    const ledger = await screen.findByTestId('hours-ledger');
    expect(within(ledger).getByRole('button', { name: /^Confirmer la leçon du / })).toBeInTheDocument();
    expect(within(ledger).getByRole('button', { name: /^Contester la leçon du / })).toBeInTheDocument();
  });

  it('shows a guardian the child’s hours, titled with the first name, without confirm nor dispute', async () => {
    mockFetch({ [`GET /api/v1/students/${LEA.id}/hours`]: () => jsonResponse(200, HOURS) });
    renderWithProviders(<MyHoursPage />, { session: as('GUARDIAN') });
    expect(screen.getByRole('heading', { level: 1, name: 'Heures de Léa' })).toBeInTheDocument();
    const ledger = await screen.findByTestId('hours-ledger');
    expect(within(ledger).getByText('À confirmer')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Confirmer/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Contester/ })).not.toBeInTheDocument();
    expect(screen.getByText(/seul l’élève confirme ses leçons/)).toBeInTheDocument();
  });
});
