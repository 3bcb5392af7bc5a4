import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import UsersPage from './UsersPage.tsx';
import { AppProviders } from '../AppProviders.tsx';
import { SESSION_KEY } from '../api/keys.ts';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../test/render.tsx';

const lea = { id: 'u-lea', email: 'eleve@demo.volant.test', display_name: 'Léa Martin', role: 'STUDENT', active: true, version: 3 };
const me = { ...lea, id: demoSession.user.id, email: demoSession.user.email, display_name: 'Claire Martin', role: 'ADMIN', version: 1 };

function renderUsers() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, demoSession);
  setCsrfToken(demoSession.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>
        <UsersPage />
      </MemoryRouter>
    </AppProviders>,
  );
}

describe('UsersPage', () => {
  afterEach(() => setCsrfToken(null));

  it('sends the version with a change, and reloads the list on 412', async () => {
    let listCalls = 0;
    const { calls } = mockFetch({
      'GET /api/v1/users': () => {
        listCalls += 1;
        const current = listCalls === 1 ? lea : { ...lea, active: false, version: 4 };
        return jsonResponse(200, { items: [me, current], next_cursor: null });
      },
      'GET /api/v1/invitations': () => jsonResponse(200, { items: [], next_cursor: null }),
      'PATCH /api/v1/users/u-lea': () =>
        problemResponse(412, { detail: 'Version périmée.', current: { ...lea, active: false, version: 4 } }),
    });
    const user = userEvent.setup();
    renderUsers();

    const toggle = await screen.findByRole('switch', { name: 'Compte actif : Léa Martin' });
    expect(screen.getByRole('switch', { name: 'Compte actif : Claire Martin' })).toBeDisabled();
    await user.click(toggle);

    expect(await screen.findByText(/Ce compte a été modifié entre-temps/)).toBeInTheDocument();
    const patch = calls.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(await patch?.json()).toEqual({ active: false, version: 3 });
    await waitFor(() => expect(listCalls).toBe(2));
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Compte actif : Léa Martin' })).not.toBeChecked());
  });

  it('maps the invitation field errors onto the form', async () => {
    mockFetch({
      'GET /api/v1/users': () => jsonResponse(200, { items: [me], next_cursor: null }),
      'GET /api/v1/invitations': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/invitations': () =>
        problemResponse(400, { detail: 'Saisie invalide.', errors: [{ field: 'email', message: 'Cette personne est déjà membre.' }] }),
    });
    const user = userEvent.setup();
    renderUsers();
    const form = await screen.findByRole('region', { name: 'Inviter une personne' });
    await user.type(within(form).getByLabelText(/Adresse e-mail/), 'eleve@demo.volant.test');
    await user.click(within(form).getByRole('button', { name: 'Envoyer l’invitation' }));
    expect(await screen.findByText('Cette personne est déjà membre.')).toBeInTheDocument();
    expect(screen.getAllByRole('alert').some((a) => a.textContent.includes('Saisie invalide.'))).toBe(true);
  });
});
