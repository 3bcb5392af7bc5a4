import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import LoginPage from './LoginPage.tsx';
import { getCsrfToken, setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import { fakeCredential, notAllowed, stubWebAuthn } from '../test/webauthn.ts';

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
    // jsdom has no WebAuthn: no passkey button where the browser cannot use one.
    expect(screen.queryByRole('button', { name: /clé d'accès/ })).toBeNull();
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

  describe('with a passkey', () => {
    const requestOptions = { challenge: 'Y2hhbGxlbmdl', rpId: 'localhost', timeout: 300000, userVerification: 'required', allowCredentials: [] };
    const assertion = {
      id: 'Y3JlZC0x',
      rawId: 'Y3JlZC0x',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'YXV0aA', signature: 'c2ln', userHandle: 'dXNlcg' },
      clientExtensionResults: {},
    };

    it('logs in: the server’s options to the browser, its answer back, and the session starts', async () => {
      const webauthn = stubWebAuthn();
      webauthn.get.mockResolvedValue(fakeCredential(assertion));
      const { calls } = mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/passkey/options': () => jsonResponse(200, { ceremony: 'ceremony-1', options: { publicKey: requestOptions } }),
        'POST /api/v1/auth/passkey': () => jsonResponse(200, demoSession),
      });
      const user = userEvent.setup();
      renderLogin('/connexion?retour=%2Fjournal');

      // No e-mail, no password: the browser finds the key.
      await user.click(await screen.findByRole('button', { name: "Se connecter avec une clé d'accès" }));

      expect(await screen.findByText('journal')).toBeInTheDocument();
      expect(getCsrfToken()).toBe('csrf-123');
      expect(webauthn.parseRequestOptionsFromJSON).toHaveBeenCalledWith(requestOptions);
      expect(webauthn.get).toHaveBeenCalledWith({ publicKey: { parsed: 'request', json: requestOptions } });
      const sent = calls.find((r) => new URL(r.url).pathname === '/api/v1/auth/passkey');
      expect(await sent?.json()).toEqual({ ceremony: 'ceremony-1', credential: assertion });
      expect(calls.filter((r) => new URL(r.url).pathname === '/api/v1/auth/login')).toHaveLength(0);
    });

    it('says calmly that the dialog was closed, and sends nothing', async () => {
      const webauthn = stubWebAuthn();
      webauthn.get.mockRejectedValue(notAllowed());
      const { calls } = mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/passkey/options': () => jsonResponse(200, { ceremony: 'ceremony-1', options: { publicKey: requestOptions } }),
      });
      const user = userEvent.setup();
      renderLogin();
      const button = await screen.findByRole('button', { name: "Se connecter avec une clé d'accès" });
      await user.click(button);

      expect(await screen.findByRole('alert')).toHaveTextContent(
        "Aucune clé d'accès n'a été utilisée : la fenêtre a été fermée ou le délai est passé. Vous pouvez réessayer, ou vous connecter avec votre mot de passe.",
      );
      expect(calls.filter((r) => new URL(r.url).pathname === '/api/v1/auth/passkey')).toHaveLength(0);
      expect(getCsrfToken()).toBeNull();
      // Still the login page; the button has the focus again, to try once more; the fields are not marked invalid.
      expect(screen.getByRole('heading', { name: 'Connexion' })).toBeInTheDocument();
      await waitFor(() => expect(button).toHaveFocus());
      expect(screen.getByLabelText(/Adresse e-mail/)).not.toHaveAttribute('aria-invalid', 'true');
    });

    it('shows the server’s French detail when it refuses the key, and the password still works after', async () => {
      const webauthn = stubWebAuthn();
      webauthn.get.mockResolvedValue(fakeCredential(assertion));
      mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/passkey/options': () => jsonResponse(200, { ceremony: 'ceremony-1', options: { publicKey: requestOptions } }),
        'POST /api/v1/auth/passkey': () =>
          problemResponse(422, { detail: "La clé d'accès n'a pas pu être vérifiée : recommencez, ou connectez-vous avec votre mot de passe." }),
        'POST /api/v1/auth/login': () => jsonResponse(200, demoSession),
      });
      const user = userEvent.setup();
      renderLogin('/connexion?retour=%2Fjournal');
      await user.click(await screen.findByRole('button', { name: "Se connecter avec une clé d'accès" }));
      expect(await screen.findByRole('alert')).toHaveTextContent("La clé d'accès n'a pas pu être vérifiée");
      expect(getCsrfToken()).toBeNull();

      await user.type(screen.getByLabelText(/Adresse e-mail/), 'admin@demo.volant.test');
      await user.type(screen.getByLabelText(/Mot de passe/), 'volant-demo');
      await user.click(screen.getByRole('button', { name: 'Se connecter' }));
      expect(await screen.findByText('journal')).toBeInTheDocument();
    });
  });

  describe('with two-factor authentication on', () => {
    async function passwordStep() {
      const user = userEvent.setup();
      renderLogin('/connexion?retour=%2Fjournal');
      await user.type(screen.getByLabelText(/Adresse e-mail/), 'admin@demo.volant.test');
      await user.type(screen.getByLabelText(/Mot de passe/), 'volant-demo');
      await user.click(screen.getByRole('button', { name: 'Se connecter' }));
      return user;
    }

    it('asks for a code after the password, then starts the session', async () => {
      const { calls } = mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/login': () => jsonResponse(200, { two_factor_required: true }),
        'POST /api/v1/auth/login/2fa': () => jsonResponse(200, demoSession),
      });
      const user = await passwordStep();

      expect(await screen.findByRole('heading', { name: 'Vérification en deux étapes' })).toBeInTheDocument();
      const code = screen.getByLabelText(/Code de votre application/);
      expect(code).toHaveFocus();
      expect(code).toHaveAttribute('inputmode', 'numeric');
      expect(code).toHaveAttribute('autocomplete', 'one-time-code');
      // No session yet: no CSRF token.
      expect(getCsrfToken()).toBeNull();

      await user.type(code, '123 456');
      await user.click(screen.getByRole('button', { name: 'Valider' }));

      expect(await screen.findByText('journal')).toBeInTheDocument();
      expect(getCsrfToken()).toBe('csrf-123');
      const second = calls.find((r) => new URL(r.url).pathname === '/api/v1/auth/login/2fa');
      expect(await second?.json()).toEqual({ code: '123456' });
    });

    it('shows the French detail of a refused code and keeps the form', async () => {
      mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/login': () => jsonResponse(200, { two_factor_required: true }),
        'POST /api/v1/auth/login/2fa': () =>
          problemResponse(401, { detail: 'Ce code est incorrect ou a déjà servi.' }),
      });
      const user = await passwordStep();
      const code = await screen.findByLabelText(/Code de votre application/);
      await user.type(code, '000000');
      await user.click(screen.getByRole('button', { name: 'Valider' }));

      expect(await screen.findByRole('alert')).toHaveTextContent('Ce code est incorrect ou a déjà servi.');
      // Still on the second step, with what was typed, marked invalid, ready for the next code.
      const field = screen.getByLabelText(/Code de votre application/);
      expect(field).toHaveValue('000000');
      expect(field).toHaveAttribute('aria-invalid', 'true');
      expect(field).toHaveFocus();
      expect(screen.getByRole('heading', { name: 'Vérification en deux étapes' })).toBeInTheDocument();
      expect(getCsrfToken()).toBeNull();
    });

    it('takes a recovery code instead, and starts again from the password', async () => {
      const { calls } = mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/login': () => jsonResponse(200, { two_factor_required: true }),
        'POST /api/v1/auth/login/2fa': () => problemResponse(429, { detail: 'Trop de tentatives.' }, { 'Retry-After': '60' }),
      });
      const user = await passwordStep();
      await user.click(await screen.findByRole('button', { name: 'Utiliser un code de secours' }));
      const recovery = screen.getByLabelText(/Code de secours/);
      expect(recovery).toHaveFocus();
      expect(recovery).not.toHaveAttribute('inputmode');
      await user.type(recovery, 'ABCDE-FGHJK');
      await user.click(screen.getByRole('button', { name: 'Valider' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('Trop de tentatives.');
      const second = calls.find((r) => new URL(r.url).pathname === '/api/v1/auth/login/2fa');
      expect(await second?.json()).toEqual({ code: 'ABCDE-FGHJK' });

      await user.click(screen.getByRole('button', { name: 'Recommencer' }));
      expect(await screen.findByRole('heading', { name: 'Connexion' })).toBeInTheDocument();
      expect(screen.getByLabelText(/Adresse e-mail/)).toHaveValue('admin@demo.volant.test');
      expect(screen.getByLabelText(/Mot de passe/)).toHaveValue('');
      expect(screen.getByLabelText(/Mot de passe/)).toHaveFocus();
    });

    it('checks the 6 digits before calling the server', async () => {
      const { calls } = mockFetch({
        'GET /api/v1/me': () => problemResponse(401, {}),
        'POST /api/v1/auth/login': () => jsonResponse(200, { two_factor_required: true }),
      });
      const user = await passwordStep();
      await user.type(await screen.findByLabelText(/Code de votre application/), '12345');
      await user.click(screen.getByRole('button', { name: 'Valider' }));
      expect(await screen.findByText('Saisissez les 6 chiffres affichés par votre application.')).toBeInTheDocument();
      expect(calls.filter((r) => new URL(r.url).pathname === '/api/v1/auth/login/2fa')).toHaveLength(0);
    });
  });
});
