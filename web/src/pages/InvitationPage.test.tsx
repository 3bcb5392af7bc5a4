import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import InvitationPage from './InvitationPage.tsx';
import { getCsrfToken, setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';

function renderInvitation() {
  return renderWithProviders(
    <Routes>
      <Route path="/invitation" element={<InvitationPage />} />
      <Route path="/" element={<p>page d’accueil</p>} />
    </Routes>,
    { route: '/invitation?token=jeton' },
  );
}

describe('InvitationPage', () => {
  afterEach(() => setCsrfToken(null));

  it('asks an existing account with 2FA on for a code, then joins the school', async () => {
    const sent: unknown[] = [];
    mockFetch({
      'GET /api/v1/invitations/lookup': () =>
        jsonResponse(200, { account_exists: true, email: 'admin@demo.volant.test', role: 'SECRETARY', tenant_name: 'Auto-École du Lac' }),
      'POST /api/v1/invitations/accept': () => jsonResponse(200, { two_factor_required: true }),
      'POST /api/v1/auth/login/2fa': async (request) => {
        sent.push(await request.json());
        return jsonResponse(200, demoSession);
      },
    });
    const user = userEvent.setup();
    renderInvitation();
    await user.type(await screen.findByLabelText(/Mot de passe actuel/), 'volant-demo');
    await user.click(screen.getByRole('button', { name: 'Accepter l’invitation' }));

    expect(await screen.findByText(/saisissez un code pour rejoindre Auto-École du Lac/)).toBeInTheDocument();
    const code = screen.getByLabelText(/Code de votre application/);
    expect(code).toHaveFocus();
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Valider' }));

    expect(await screen.findByText('page d’accueil')).toBeInTheDocument();
    expect(getCsrfToken()).toBe('csrf-123');
    expect(sent).toEqual([{ code: '123456' }]);
  });

  it('goes back to the password with "Recommencer"', async () => {
    mockFetch({
      'GET /api/v1/invitations/lookup': () =>
        jsonResponse(200, { account_exists: true, email: 'admin@demo.volant.test', role: 'SECRETARY', tenant_name: 'Auto-École du Lac' }),
      'POST /api/v1/invitations/accept': () => jsonResponse(200, { two_factor_required: true }),
      'POST /api/v1/auth/login/2fa': () => problemResponse(401, { detail: 'La connexion a expiré : recommencez.' }),
    });
    const user = userEvent.setup();
    renderInvitation();
    await user.type(await screen.findByLabelText(/Mot de passe actuel/), 'volant-demo');
    await user.click(screen.getByRole('button', { name: 'Accepter l’invitation' }));
    await user.type(await screen.findByLabelText(/Code de votre application/), '123456');
    await user.click(screen.getByRole('button', { name: 'Valider' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('La connexion a expiré : recommencez.');

    await user.click(screen.getByRole('button', { name: 'Recommencer' }));
    const password = await screen.findByLabelText(/Mot de passe actuel/);
    expect(password).toHaveValue('');
    expect(password).toHaveFocus();
  });
});
