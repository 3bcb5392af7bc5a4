import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import AccountPage from './AccountPage.tsx';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import { fakeCredential, notAllowed, stubWebAuthn } from '../test/webauthn.ts';

const here = {
  id: 's-1',
  tenant_name: 'Auto-École du Centre',
  created_at: '2026-03-10T08:00:00Z',
  last_seen_at: '2026-03-12T13:05:00Z',
  ip: '192.0.2.10',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
  device: 'Firefox sur Linux',
  current: true,
};
const phone = {
  id: 's-2',
  tenant_name: 'Auto-École du Centre',
  created_at: '2026-03-01T08:00:00Z',
  last_seen_at: '2026-03-11T17:30:00Z',
  ip: '198.51.100.7',
  user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1',
  device: 'Safari sur iPhone',
  current: false,
};
const laptop = { id: 'pk-1', name: 'Ordinateur du bureau', created_at: '2026-03-01T08:00:00Z', last_used_at: '2026-03-11T17:30:00Z' };
const phoneKey = { id: 'pk-2', name: 'Téléphone', created_at: '2026-03-05T08:00:00Z', last_used_at: null };
const NO_PASSKEYS = { 'GET /api/v1/me/passkeys': () => jsonResponse(200, { items: [] }) };
const creationOptions = {
  challenge: 'Y2hhbGxlbmdl',
  rp: { id: 'localhost', name: 'Volant' },
  user: { id: 'dXNlcg', name: 'admin@demo.volant.test', displayName: 'Claire Martin' },
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  authenticatorSelection: { residentKey: 'discouraged', requireResidentKey: false, userVerification: 'required' },
};
const attestation = {
  id: 'Y3JlZC0x',
  rawId: 'Y3JlZC0x',
  type: 'public-key',
  response: { clientDataJSON: 'e30', attestationObject: 'YXR0', transports: ['internal'] },
  clientExtensionResults: { credProps: { rk: true } },
};
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CODES = Array.from({ length: 10 }, (_, i) => `ABCD${i}-EFGH${i}`);

function renderAccount(session = demoSession) {
  renderWithProviders(<AccountPage />, { session });
}

describe('AccountPage', () => {
  afterEach(() => setCsrfToken(null));

  it('turns two-factor authentication on: QR code and secret, first code, recovery codes shown once', async () => {
    let enabled = false;
    const sent: unknown[] = [];
    const { calls } = mockFetch({
      'GET /api/v1/me': () => jsonResponse(200, { ...demoSession, two_factor_enabled: enabled }),
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [here] }),
      ...NO_PASSKEYS,
      'POST /api/v1/me/2fa/totp': () =>
        jsonResponse(200, {
          secret: SECRET,
          otpauth_uri: `otpauth://totp/Volant:admin%40demo.volant.test?secret=${SECRET}&issuer=Volant`,
          qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200"/></svg>',
        }),
      'POST /api/v1/me/2fa/totp/confirm': async (request) => {
        const { code } = (await request.json()) as { code: string };
        sent.push({ code });
        if (code !== '654321') {
          return problemResponse(400, { detail: 'Saisie invalide.', errors: [{ field: 'code', message: 'Ce code ne correspond pas.' }] });
        }
        enabled = true;
        return jsonResponse(200, { codes: CODES });
      },
    });
    const user = userEvent.setup();
    renderAccount();

    const card = await screen.findByRole('region', { name: 'Double authentification' });
    expect(within(card).getByRole('status')).toHaveTextContent('Double authentification : désactivée');
    await user.click(within(card).getByRole('button', { name: 'Activer' }));

    // The QR code (the SVG as a data URL, never put in the page as markup) and the secret by groups of 4.
    const qr = await within(card).findByRole('img', { name: /QR code à scanner avec votre application d’authentification/ });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(within(card).getByTestId('totp-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(within(card).getByRole('heading', { name: 'Ajouter Volant à votre application' })).toHaveFocus();
    expect(card.querySelector('svg rect')).toBeNull();
    const setupCall = calls.find((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/me/2fa/totp');
    expect(setupCall?.headers.get('X-CSRF-Token')).toBe('csrf-123');

    // A wrong code: the server's message under the field.
    const code = within(card).getByLabelText(/Code à 6 chiffres/);
    expect(code).toHaveAttribute('inputmode', 'numeric');
    await user.type(code, '111111');
    await user.click(within(card).getByRole('button', { name: 'Confirmer' }));
    expect(await within(card).findByText('Ce code ne correspond pas.')).toBeInTheDocument();
    expect(code).toHaveAttribute('aria-invalid', 'true');

    await user.clear(code);
    await user.type(code, '654 321');
    await user.click(within(card).getByRole('button', { name: 'Confirmer' }));

    // The 10 codes, with the warning that they are shown this once.
    const list = await within(card).findByRole('list', { name: 'Les 10 codes de secours' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(CODES);
    expect(within(card).getByText('Notez ces codes maintenant : ils ne seront plus jamais affichés.')).toBeInTheDocument();
    expect(within(card).getByRole('heading', { name: 'Vos codes de secours' })).toHaveFocus();
    expect(within(card).getByRole('button', { name: 'Télécharger' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Copier' })).toBeInTheDocument();
    expect(sent).toEqual([{ code: '111111' }, { code: '654321' }]);

    await user.click(within(card).getByRole('button', { name: 'J’ai noté mes codes' }));
    await waitFor(() => expect(within(card).queryByRole('list', { name: 'Les 10 codes de secours' })).not.toBeInTheDocument());
    await waitFor(() => expect(within(card).getByRole('status')).toHaveTextContent('Double authentification : activée'));
    // Now on: the form that turns it off.
    expect(within(card).getByRole('button', { name: 'Désactiver la double authentification' })).toBeInTheDocument();
    expect(within(card).getByRole('heading', { name: 'Double authentification' })).toHaveFocus();
  });

  it('turns two-factor authentication off with the password and a code, field errors under the fields', async () => {
    let enabled = true;
    const sent: unknown[] = [];
    const { calls } = mockFetch({
      'GET /api/v1/me': () => jsonResponse(200, { ...demoSession, two_factor_enabled: enabled }),
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [here] }),
      ...NO_PASSKEYS,
      'DELETE /api/v1/me/2fa': async (request) => {
        const body = (await request.json()) as { password: string; code: string };
        sent.push(body);
        if (body.password !== 'volant-demo') {
          return problemResponse(400, { detail: 'Saisie invalide.', errors: [{ field: 'password', message: 'Le mot de passe est incorrect.' }] });
        }
        enabled = false;
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderAccount({ ...demoSession, two_factor_enabled: true });

    const card = await screen.findByRole('region', { name: 'Double authentification' });
    expect(within(card).getByRole('status')).toHaveTextContent('Double authentification : activée');
    await user.type(within(card).getByLabelText(/^Mot de passe/), 'mauvais');
    await user.type(within(card).getByLabelText(/Code de l’application ou code de secours/), 'ABCDE-FGHJK');
    await user.click(within(card).getByRole('button', { name: 'Désactiver la double authentification' }));
    expect(await within(card).findByText('Le mot de passe est incorrect.')).toBeInTheDocument();

    await user.clear(within(card).getByLabelText(/^Mot de passe/));
    await user.type(within(card).getByLabelText(/^Mot de passe/), 'volant-demo');
    await user.click(within(card).getByRole('button', { name: 'Désactiver la double authentification' }));
    await waitFor(() => expect(within(card).getByRole('status')).toHaveTextContent('Double authentification : désactivée'));
    expect(within(card).getByRole('button', { name: 'Activer' })).toBeInTheDocument();
    const last = calls.filter((r) => r.method === 'DELETE').at(-1);
    expect(last?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(sent.at(-1)).toEqual({ password: 'volant-demo', code: 'ABCDE-FGHJK' });
  });

  it('lists the sessions and closes another one, then reads the list again', async () => {
    let items = [here, phone];
    const { calls } = mockFetch({
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items }),
      ...NO_PASSKEYS,
      'DELETE /api/v1/me/sessions/s-2': () => {
        items = [here];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderAccount();

    const card = await screen.findByRole('region', { name: 'Mes sessions' });
    const rows = await within(card).findAllByTestId('session-row');
    expect(rows).toHaveLength(2);
    // This session: said in words, and it cannot be closed from here.
    expect(within(rows[0] as HTMLElement).getByText('Cette session')).toBeInTheDocument();
    expect(within(rows[0] as HTMLElement).queryByRole('button')).toBeNull();
    expect(within(rows[1] as HTMLElement).getByText('Safari sur iPhone')).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('198.51.100.7')).toBeInTheDocument();
    // The last activity in French, in the school's zone (17:30 UTC is 18 h 30 in Paris in March).
    expect(within(rows[1] as HTMLElement).getByText(/mercredi 11 mars( 2026)?, 18 h 30/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Déconnecter toutes les autres sessions' })).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: /^Déconnecter la session Safari sur iPhone/ }));

    await waitFor(() => expect(within(card).getAllByTestId('session-row')).toHaveLength(1));
    expect(within(card).getByRole('status')).toHaveTextContent('La session Safari sur iPhone a été déconnectée.');
    expect(within(card).getByRole('heading', { name: 'Mes sessions' })).toHaveFocus();
    expect(within(card).queryByRole('button', { name: 'Déconnecter toutes les autres sessions' })).toBeNull();
    const revoke = calls.find((r) => r.method === 'DELETE');
    expect(revoke?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/me/sessions')).toHaveLength(2);
  });

  it('closes all the other sessions at once', async () => {
    let items = [here, phone, { ...phone, id: 's-3', device: 'Chrome sur Android', tenant_name: 'Auto-École du Lac' }];
    const { calls } = mockFetch({
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items }),
      ...NO_PASSKEYS,
      'DELETE /api/v1/me/sessions': () => {
        items = [here];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderAccount();
    const card = await screen.findByRole('region', { name: 'Mes sessions' });
    expect(await within(card).findAllByTestId('session-row')).toHaveLength(3);
    expect(within(card).getByText('Auto-École du Lac')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Déconnecter toutes les autres sessions' }));
    await waitFor(() => expect(within(card).getAllByTestId('session-row')).toHaveLength(1));
    expect(within(card).getByRole('status')).toHaveTextContent('Vos autres sessions ont été déconnectées.');
    expect(calls.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('adds a passkey under the name given: the server’s options to the browser, its answer back, the list read again', async () => {
    const webauthn = stubWebAuthn();
    // The first time, the person closes the browser's dialog: nothing is sent, and the card says so calmly.
    webauthn.create.mockRejectedValueOnce(notAllowed()).mockResolvedValue(fakeCredential(attestation));
    let items: (typeof laptop | typeof phoneKey)[] = [];
    let ceremonies = 0;
    const sent: unknown[] = [];
    const { calls } = mockFetch({
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [here] }),
      'GET /api/v1/me/passkeys': () => jsonResponse(200, { items }),
      'POST /api/v1/me/passkeys/options': () => {
        ceremonies += 1;
        return jsonResponse(200, { ceremony: `ceremony-${ceremonies}`, options: { publicKey: creationOptions } });
      },
      'POST /api/v1/me/passkeys': async (request) => {
        const body = (await request.json()) as { name: string };
        sent.push(body);
        items = [{ ...laptop, name: body.name, last_used_at: null }];
        return jsonResponse(201, items[0]);
      },
    });
    const user = userEvent.setup();
    renderAccount();

    const card = await screen.findByRole('region', { name: "Clés d'accès" });
    expect(await within(card).findByText("Aucune clé d'accès pour l'instant.")).toBeInTheDocument();
    const name = within(card).getByLabelText(/Nom de la clé/);
    expect(name).toHaveValue('Cet appareil');
    const add = within(card).getByRole('button', { name: "Ajouter une clé d'accès" });

    await user.click(add);
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      "Aucune clé d'accès n'a été créée : la fenêtre a été fermée ou le délai est passé.",
    );
    expect(calls.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/me/passkeys')).toHaveLength(0);
    await waitFor(() => expect(add).toHaveFocus());

    await user.clear(name);
    await user.type(name, '  Ordinateur du bureau ');
    await user.click(add);

    const row = await within(card).findByTestId('passkey-row');
    expect(within(row).getByText('Ordinateur du bureau')).toBeInTheDocument();
    // Added on 1 March (the school's zone), never used yet.
    expect(within(row).getByText('1 mars 2026')).toBeInTheDocument();
    expect(within(row).getByText('jamais')).toBeInTheDocument();
    expect(within(card).getByRole('status')).toHaveTextContent("La clé d'accès Ordinateur du bureau a été ajoutée.");
    expect(within(card).getByRole('heading', { name: "Clés d'accès" })).toHaveFocus();
    expect(within(card).queryByRole('alert')).toBeNull();
    expect(name).toHaveValue('Cet appareil');

    // The options as the server sent them, but a key the login can find without an e-mail (discoverable).
    expect(webauthn.parseCreationOptionsFromJSON).toHaveBeenLastCalledWith({
      ...creationOptions,
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    });
    expect(webauthn.create).toHaveBeenLastCalledWith({ publicKey: expect.objectContaining({ parsed: 'creation' }) as unknown });
    expect(sent).toEqual([{ ceremony: 'ceremony-2', name: 'Ordinateur du bureau', credential: attestation }]);
    for (const request of calls.filter((r) => r.method === 'POST')) expect(request.headers.get('X-CSRF-Token')).toBe('csrf-123');
  });

  it('lists the passkeys and removes one, named on its button', async () => {
    stubWebAuthn();
    let items = [laptop, phoneKey];
    const { calls } = mockFetch({
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [here] }),
      'GET /api/v1/me/passkeys': () => jsonResponse(200, { items }),
      'DELETE /api/v1/me/passkeys/pk-2': () => {
        items = [laptop];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderAccount();

    const card = await screen.findByRole('region', { name: "Clés d'accès" });
    const rows = await within(card).findAllByTestId('passkey-row');
    expect(rows).toHaveLength(2);
    // The last use in French, in the school's zone (17:30 UTC is 18 h 30 in Paris in March).
    expect(within(rows[0] as HTMLElement).getByText(/mercredi 11 mars( 2026)?, 18 h 30/)).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('jamais')).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: "Supprimer la clé d'accès Téléphone" }));

    await waitFor(() => expect(within(card).getAllByTestId('passkey-row')).toHaveLength(1));
    expect(within(card).getByText('Ordinateur du bureau')).toBeInTheDocument();
    expect(within(card).getByRole('status')).toHaveTextContent("La clé d'accès Téléphone a été supprimée.");
    expect(within(card).getByRole('heading', { name: "Clés d'accès" })).toHaveFocus();
    const removed = calls.find((r) => r.method === 'DELETE');
    expect(removed?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/me/passkeys')).toHaveLength(2);
  });

  it('says so where the browser cannot use passkeys, and still lists and removes them', async () => {
    mockFetch({
      'GET /api/v1/me/sessions': () => jsonResponse(200, { items: [here] }),
      'GET /api/v1/me/passkeys': () => jsonResponse(200, { items: [laptop] }),
    });
    renderAccount();
    const card = await screen.findByRole('region', { name: "Clés d'accès" });
    expect(await within(card).findByTestId('passkey-row')).toBeInTheDocument();
    expect(within(card).getByText(/Ce navigateur ne sait pas créer de clé d'accès/)).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: "Ajouter une clé d'accès" })).toBeNull();
    expect(within(card).getByRole('button', { name: "Supprimer la clé d'accès Ordinateur du bureau" })).toBeInTheDocument();
  });
});
