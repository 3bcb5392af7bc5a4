import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { SECOND_FACTOR_DUE_KEY } from '../api/keys.ts';
import { Authenticated } from './Authenticated.tsx';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';

function renderApp(route = '/') {
  return renderWithProviders(
    <Routes>
      <Route path="/connexion" element={<p>formulaire de connexion</p>} />
      <Route path="/*" element={<Authenticated />} />
    </Routes>,
    { route },
  );
}

describe('the authenticated shell', () => {
  it('sends a person whose school requires 2FA to Mon compte, with the reason', async () => {
    mockFetch({
      'GET /api/v1/me': () => jsonResponse(200, demoSession),
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count: 0 }),
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [] }),
      'GET /api/v1/demo/mails': () => problemResponse(404, {}),
    });
    const { queryClient } = renderApp('/eleves');
    await screen.findByRole('navigation', { name: 'Navigation principale' });
    queryClient.setQueryData(SECOND_FACTOR_DUE_KEY, true);
    expect(await screen.findByRole('heading', { name: 'Mon compte', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Votre école exige la double authentification');
  });

  it('sends a visitor without session to /connexion', async () => {
    mockFetch({ 'GET /api/v1/me': () => problemResponse(401, {}) });
    renderApp('/journal');
    expect(await screen.findByText('formulaire de connexion')).toBeInTheDocument();
  });

  it('shows the school, the ADMIN menu, and the demo mails only when the server has them', async () => {
    mockFetch({
      'GET /api/v1/me': () => jsonResponse(200, demoSession),
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count: 0 }),
      'GET /api/v1/demo/mails': () => problemResponse(404, {}),
    });
    renderApp();
    const nav = await screen.findByRole('navigation', { name: 'Navigation principale' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual([
      'Accueil',
      'Planning',
      "Liste d'attente",
      'Élèves',
      'Inscriptions en ligne',
      'Examens',
      'Catalogue',
      'Demandes',
      'Livret numérique',
      'Moniteurs',
      'Véhicules',
      'Notifications',
      'Statistiques',
      'Agences',
      'Utilisateurs',
      'Réglages',
      'Connecteurs',
      'Import et export',
      "Journal d'audit",
      'Conformité',
      'Journal des envois',
    ]);
    expect(await screen.findByText('Bonjour Claire Martin')).toBeInTheDocument();
    expect(screen.getByTestId('school-name')).toHaveTextContent('Auto-École du Centre');
    expect(screen.queryByLabelText("Changer d'école")).not.toBeInTheDocument();
  });

  it('offers the tenant switcher with two schools, and the demo mails when available', async () => {
    const session = {
      ...demoSession,
      role: 'SECRETARY',
      memberships: [
        ...demoSession.memberships,
        { tenant_id: '00000000-0000-4000-8000-0000000000bb', tenant_name: 'Auto-École des Quais', role: 'INSTRUCTOR' },
      ],
    };
    const { fetchMock } = mockFetch({
      'GET /api/v1/me': () => jsonResponse(200, session),
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count: 2 }),
      'GET /api/v1/demo/mails': () => jsonResponse(200, { items: [] }),
    });
    renderApp('/utilisateurs');
    const nav = await screen.findByRole('navigation', { name: 'Navigation principale' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(['Accueil', 'Planning', "Liste d'attente", 'Élèves', 'Inscriptions en ligne', 'Examens', 'Catalogue', 'Demandes', 'Livret numérique', 'Moniteurs', 'Véhicules', 'Notifications']);
    // A SECRETARY typing an ADMIN address gets the 404 page, and the demo mails are not even probed.
    expect(await screen.findByRole('heading', { name: 'Page introuvable' })).toBeInTheDocument();
    expect(screen.getAllByLabelText("Changer d'école").length).toBeGreaterThan(0);
    expect(fetchMock.mock.calls.map(([r]) => new URL((r as Request).url).pathname)).not.toContain('/api/v1/demo/mails');
  });
});
