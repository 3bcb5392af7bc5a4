import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { PreferencesPage } from './PreferencesPage.tsx';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';

const choice = (email: boolean, sms: boolean) => ({ email, sms, in_app: true });
const preferences = (overrides: Record<string, unknown> = {}) => ({
  channels: {
    lesson_created: choice(true, false),
    lesson_moved: choice(true, true),
    lesson_cancelled: choice(false, false),
    exam_result: choice(true, false),
  },
  quiet_hours: { start: '21:00', end: '08:00' },
  events: ['lesson_created', 'lesson_moved', 'lesson_cancelled'],
  sms_available: false,
  version: 4,
  ...overrides,
});

function renderPreferences() {
  return renderWithProviders(<PreferencesPage />, { session: { ...demoSession, role: 'STUDENT' } });
}

describe('PreferencesPage', () => {
  afterEach(() => setCsrfToken(null));

  it('shows one row per event of `events`, in-app always on, SMS disabled with the reason without a phone', async () => {
    mockFetch({ 'GET /api/v1/me/notification-preferences': () => jsonResponse(200, preferences()) });
    renderPreferences();
    const table = await screen.findByRole('table', { name: 'Canaux par événement' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['Nouvelle séance', 'Séance déplacée', 'Séance annulée']);
    // exam_result is in `channels` but not in `events`: not shown.
    expect(screen.queryByText("Résultat d'examen")).not.toBeInTheDocument();

    const inApp = screen.getByRole('checkbox', { name: "Séance déplacée : Dans l'application" });
    expect(inApp).toBeChecked();
    expect(inApp).toBeDisabled();
    expect(inApp).toHaveAccessibleDescription(/toujours conservées/);

    const sms = screen.getByRole('checkbox', { name: 'Séance déplacée : SMS' });
    expect(sms).toBeDisabled();
    expect(sms).not.toBeChecked();
    expect(sms).toHaveAccessibleDescription(/SMS indisponible : aucun numéro de téléphone/);
    expect(screen.getByTestId('sms-unavailable')).toBeInTheDocument();

    expect(screen.getByRole('checkbox', { name: 'Nouvelle séance : E-mail' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Séance annulée : E-mail' })).not.toBeChecked();
    expect(screen.getByLabelText(/Début des heures calmes/)).toHaveValue('21:00');
    expect(screen.getByLabelText(/Fin des heures calmes/)).toHaveValue('08:00');
    expect(screen.getByText("Pas de SMS ni d'e-mail pendant ces heures (heure de l'école) : ils partent à la fin de la plage.")).toBeInTheDocument();
  });

  it('lets a person with a phone choose SMS, and saves with the version read', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/me/notification-preferences': () => jsonResponse(200, preferences({ sms_available: true })),
      'PUT /api/v1/me/notification-preferences': async (request) => {
        const body = (await request.clone().json()) as Record<string, unknown>;
        return jsonResponse(200, { ...preferences({ sms_available: true }), ...body, version: 5 });
      },
    });
    const user = userEvent.setup();
    renderPreferences();
    const sms = await screen.findByRole('checkbox', { name: 'Séance annulée : SMS' });
    expect(sms).toBeEnabled();
    expect(screen.queryByTestId('sms-unavailable')).not.toBeInTheDocument();
    await user.click(sms);
    await user.click(screen.getByRole('checkbox', { name: 'Nouvelle séance : E-mail' }));
    const start = screen.getByLabelText(/Début des heures calmes/);
    await user.clear(start);
    await user.type(start, '22:30');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les préférences' }));

    expect(await screen.findByText('Vos préférences de notification ont été enregistrées.')).toBeInTheDocument();
    const put = calls.find((r) => r.method === 'PUT');
    expect(put?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    const body = (await put?.json()) as Record<string, unknown>;
    expect(body).toEqual({
      version: 4,
      quiet_hours: { start: '22:30', end: '08:00' },
      channels: {
        lesson_created: { email: false, sms: false, in_app: true },
        lesson_moved: { email: true, sms: true, in_app: true },
        lesson_cancelled: { email: false, sms: true, in_app: true },
      },
    });
  });

  it('says a stale version (412) with the usual message and reloads the preferences', async () => {
    let version = 4;
    mockFetch({
      'GET /api/v1/me/notification-preferences': () => jsonResponse(200, preferences({ version })),
      'PUT /api/v1/me/notification-preferences': () => {
        version = 6;
        return problemResponse(412, { detail: 'Ces données ont été modifiées entre-temps.' });
      },
    });
    const user = userEvent.setup();
    const { queryClient } = renderPreferences();
    await user.click(await screen.findByRole('checkbox', { name: 'Séance annulée : E-mail' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer les préférences' }));
    expect(await screen.findByText(/Vos préférences ont été modifiées entre-temps/)).toBeInTheDocument();
    await waitFor(() => expect(queryClient.getQueryData<{ version: number }>(['notification-preferences'])?.version).toBe(6));
    // The form starts again from the server's state.
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Séance annulée : E-mail' })).not.toBeChecked());
  });

  it('refuses a malformed quiet hour before sending', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/me/notification-preferences': () => jsonResponse(200, preferences()) });
    const user = userEvent.setup();
    renderPreferences();
    const end = await screen.findByLabelText(/Fin des heures calmes/);
    await user.clear(end);
    await user.click(screen.getByRole('button', { name: 'Enregistrer les préférences' }));
    expect(await screen.findByText('Heure invalide : format attendu HH:MM.')).toBeInTheDocument();
    expect(calls.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
});
