import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import LoginPage from './LoginPage.tsx';
import { getCsrfToken, setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';

function renderLogin(route = '/connexion') {
  return renderWithProviders(
    <Routes>
      <Route path="/connexion" element={<LoginPage />} />
      <Route path="/" element={<p>page d’accueil</p>} />
      <Route path="/journal" element={<p>journal</p>} />
    </Routes>,
    { route },
  );
}

describe('LoginPage', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the French form', async () => {
    mockFetch({ 'GET /api/v1/me': () => problemResponse(401, { detail: 'Non connecté.' }) });
    renderLogin();
    expect(await screen.findByRole('heading', { name: 'Connexion' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Adresse e-mail/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Mot de passe/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Se connecter' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Mot de passe oublié ?' })).toHaveAttribute('href', '/mot-de-passe-oublie');
  });

  it('shows the French error of a 401', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/me': () => problemResponse(401, { detail: 'Non connecté.' }),
      'POST /api/v1/auth/login': () =>
        problemResponse(401, { title: 'Non autorisé', detail: 'Adresse e-mail ou mot de passe incorrect.' }),
    });
    const user = userEvent.setup();
    renderLogin();
    await user.type(screen.getByLabelText(/Adresse e-mail/), 'admin@demo.volant.test');
    await user.type(screen.getByLabelText(/Mot de passe/), 'mauvais');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Adresse e-mail ou mot de passe incorrect.');
    const login = calls.find((r) => r.method === 'POST');
    expect(await login?.json()).toEqual({ email: 'admin@demo.volant.test', password: 'mauvais' });
  });

  it('validates the e-mail before calling the server', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/me': () => problemResponse(401, {}) });
    const user = userEvent.setup();
    renderLogin();
    await user.type(screen.getByLabelText(/Adresse e-mail/), 'pas-une-adresse');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByText('Adresse e-mail invalide.')).toBeInTheDocument();
    expect(screen.getByText('Ce champ est obligatoire.')).toBeInTheDocument();
    expect(calls.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('maps field errors of a 400 onto the form', async () => {
    mockFetch({
      'GET /api/v1/me': () => problemResponse(401, {}),
      'POST /api/v1/auth/login': () =>
        problemResponse(400, { detail: 'Saisie invalide.', errors: [{ field: 'email', message: 'Adresse refusée par le serveur.' }] }),
    });
    const user = userEvent.setup();
    renderLogin();
    await user.type(screen.getByLabelText(/Adresse e-mail/), 'x@y.fr');
    await user.type(screen.getByLabelText(/Mot de passe/), 'secret');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByText('Adresse refusée par le serveur.')).toBeInTheDocument();
    expect(screen.getByLabelText(/Adresse e-mail/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('logs in, keeps the CSRF token and goes back where the user was', async () => {
    mockFetch({
      'GET /api/v1/me': () => problemResponse(401, {}),
      'POST /api/v1/auth/login': () => jsonResponse(200, demoSession),
    });
    const user = userEvent.setup();
    renderLogin('/connexion?retour=%2Fjournal');
    await user.type(screen.getByLabelText(/Adresse e-mail/), 'admin@demo.volant.test');
    await user.type(screen.getByLabelText(/Mot de passe/), 'volant-demo');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByText('journal')).toBeInTheDocument();
    expect(getCsrfToken()).toBe('csrf-123');
  });
});
