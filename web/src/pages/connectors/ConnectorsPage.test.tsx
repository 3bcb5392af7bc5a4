import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import type { ConnectorEvent, ConnectorView } from './api.ts';
import { connectorBody } from './api.ts';
import ConnectorsPage from './ConnectorsPage.tsx';

const CONNECTED: ConnectorView = {
  name: 'ants',
  label: 'ANTS',
  status: 'connected',
  base_url: 'https://ants.example.test',
  client_id: 'auto-ecole-du-centre',
  client_secret_set: true,
  last_error: null,
  last_success_at: '2026-12-07T09:00:00Z',
  circuit_open_until: null,
  version: 3,
};
const NOT_CONFIGURED: ConnectorView = {
  ...CONNECTED,
  status: 'not_configured',
  base_url: null,
  client_id: null,
  client_secret_set: false,
  last_success_at: null,
  version: null,
};

const event = (id: string, operation: string, change: Partial<ConnectorEvent> = {}): ConnectorEvent => ({
  id,
  operation,
  request: 'POST /v1/dossiers (3 pièces)',
  status_code: 201,
  duration_ms: 1234,
  ok: true,
  error: null,
  student_id: null,
  created_at: '2026-12-07T09:00:00Z',
  ...change,
});

const EVENTS = '/api/v1/connectors/ants/events';
const emptyEvents = () => jsonResponse(200, { items: [], next_cursor: null });

const card = () => screen.getByRole('region', { name: 'ANTS' });
/** Renders the page and waits for the connector's card. */
async function renderPage() {
  const result = renderWithProviders(<ConnectorsPage />, { session: demoSession });
  await screen.findByRole('region', { name: 'ANTS' });
  return result;
}

describe('ConnectorsPage', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the connector’s status, its fault and the suspended calls, and never a secret', async () => {
    mockFetch({
      'GET /api/v1/connectors': () =>
        jsonResponse(200, {
          items: [{ ...CONNECTED, status: 'failing', last_error: "L'ANTS a répondu 503 (service indisponible).", circuit_open_until: '2026-12-07T10:05:00Z' }],
        }),
      [`GET ${EVENTS}`]: emptyEvents,
    });
    await renderPage();
    expect(await screen.findByRole('heading', { name: 'Connecteurs', level: 1 })).toBeInTheDocument();
    expect(await within(card()).findByTestId('connector-status')).toHaveTextContent('En échec');
    expect(within(card()).getByTestId('connector-error')).toHaveTextContent("L'ANTS a répondu 503 (service indisponible).");
    expect(within(card()).getByTestId('connector-suspended')).toHaveTextContent("Appels suspendus jusqu'à 11:05");
    expect(within(card()).getByText('Dernier échange réussi : 07/12/2026 10:00')).toBeInTheDocument();

    expect(within(card()).getByRole('textbox', { name: /Adresse de la plateforme/ })).toHaveValue('https://ants.example.test');
    expect(within(card()).getByRole('textbox', { name: /Identifiant client/ })).toHaveValue('auto-ecole-du-centre');
    const secret = within(card()).getByLabelText(/Secret client/);
    expect(secret).toHaveValue('');
    expect(secret).toHaveAttribute('type', 'password');
    expect(secret).toHaveAttribute('autocomplete', 'new-password');
    expect(within(card()).getByText('Laissez vide pour garder le secret enregistré.')).toBeInTheDocument();
    expect(await within(card()).findByText('Aucun échange pour le moment.')).toBeInTheDocument();
  });

  it('saves the settings with the version read, the secret only when typed, and starts afresh with an empty secret', async () => {
    let current: ConnectorView = CONNECTED;
    const { calls } = mockFetch({
      'GET /api/v1/connectors': () => jsonResponse(200, { items: [current] }),
      'PUT /api/v1/connectors/ants': async (request) => {
        const body = (await request.clone().json()) as { base_url: string; client_id: string | null };
        current = { ...current, base_url: body.base_url, client_id: body.client_id, version: (current.version ?? 0) + 1 };
        return jsonResponse(200, current);
      },
      [`GET ${EVENTS}`]: emptyEvents,
    });
    const user = userEvent.setup();
    await renderPage();
    const address = await within(card()).findByRole('textbox', { name: /Adresse de la plateforme/ });
    await user.clear(address);
    await user.type(address, 'https://ants-simulateur.example.test');
    await user.click(within(card()).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Réglages du connecteur ANTS enregistrés.')).toBeInTheDocument();
    const puts = () => calls.filter((r) => r.method === 'PUT');
    expect(await puts()[0]?.json()).toEqual({ base_url: 'https://ants-simulateur.example.test', client_id: 'auto-ecole-du-centre', version: 3 });
    expect(puts()[0]?.headers.get('X-CSRF-Token')).toBe('csrf-123');

    // A new secret: sent once, with the new version; the field is empty again after the save.
    await user.type(within(card()).getByLabelText(/Secret client/), 'nouveau-secret');
    await user.click(within(card()).getByRole('button', { name: 'Enregistrer' }));
    await waitFor(() => expect(puts()).toHaveLength(2));
    expect(await puts()[1]?.json()).toEqual({
      base_url: 'https://ants-simulateur.example.test',
      client_id: 'auto-ecole-du-centre',
      client_secret: 'nouveau-secret',
      version: 4,
    });
    await waitFor(() => expect(within(card()).getByLabelText(/Secret client/)).toHaveValue(''));
    expect(document.body).not.toHaveTextContent('nouveau-secret');
  });

  it('configures a new connector without a version, and shows the server’s field errors', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/connectors': () => jsonResponse(200, { items: [NOT_CONFIGURED] }),
      'PUT /api/v1/connectors/ants': () =>
        problemResponse(400, { detail: 'Certaines informations sont invalides.', errors: [{ field: 'base_url', message: "L'adresse doit commencer par https://." }] }),
      [`GET ${EVENTS}`]: emptyEvents,
    });
    const user = userEvent.setup();
    await renderPage();
    expect(await within(card()).findByTestId('connector-status')).toHaveTextContent('Non configuré');
    expect(within(card()).getByRole('button', { name: 'Tester la connexion' })).toBeDisabled();
    expect(within(card()).getByText('Aucun secret enregistré.')).toBeInTheDocument();
    expect(within(card()).queryByRole('checkbox', { name: 'Effacer le secret enregistré' })).not.toBeInTheDocument();

    // Nothing typed: the address is required, nothing is sent.
    await user.click(within(card()).getByRole('button', { name: 'Enregistrer' }));
    expect(await within(card()).findByText('Ce champ est obligatoire.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'PUT')).toBe(false);

    await user.type(within(card()).getByRole('textbox', { name: /Adresse de la plateforme/ }), 'http://ants.example.test');
    await user.type(within(card()).getByLabelText(/Secret client/), 's3cret');
    await user.click(within(card()).getByRole('button', { name: 'Enregistrer' }));
    expect(await within(card()).findByText("L'adresse doit commencer par https://.")).toBeInTheDocument();
    expect(await calls.find((r) => r.method === 'PUT')?.json()).toEqual({ base_url: 'http://ants.example.test', client_id: null, client_secret: 's3cret' });
  });

  it('tests the connection and says how it went, in green or in red', async () => {
    let ok = true;
    mockFetch({
      'GET /api/v1/connectors': () => jsonResponse(200, { items: [CONNECTED] }),
      'POST /api/v1/connectors/ants/test': () =>
        jsonResponse(
          200,
          ok
            ? { ok: true, message: 'Connexion réussie : la plateforme ANTS répond.', connector: CONNECTED }
            : { ok: false, message: "Échec : l'ANTS refuse l'identifiant client.", connector: { ...CONNECTED, status: 'failing', last_error: "L'ANTS refuse l'identifiant client." } },
        ),
      [`GET ${EVENTS}`]: emptyEvents,
    });
    const user = userEvent.setup();
    await renderPage();
    await user.click(await within(card()).findByRole('button', { name: 'Tester la connexion' }));
    const success = await within(card()).findByTestId('connector-test');
    expect(success).toHaveTextContent('Connexion réussie : la plateforme ANTS répond.');
    expect(success).toHaveAttribute('data-ok', 'true');
    expect(success).toHaveAttribute('role', 'status');

    ok = false;
    await user.click(within(card()).getByRole('button', { name: 'Tester la connexion' }));
    await waitFor(() => expect(within(card()).getByTestId('connector-test')).toHaveAttribute('data-ok', 'false'));
    expect(within(card()).getByTestId('connector-test')).toHaveAttribute('role', 'alert');
    expect(within(card()).getByTestId('connector-test')).toHaveTextContent("Échec : l'ANTS refuse l'identifiant client.");
    // The card follows the connector as answered.
    expect(within(card()).getByTestId('connector-status')).toHaveTextContent('En échec');
    expect(within(card()).getByTestId('connector-error')).toHaveTextContent("L'ANTS refuse l'identifiant client.");
  });

  it('lists the exchanges, newest first, and loads older ones with "Afficher plus"', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/connectors': () => jsonResponse(200, { items: [CONNECTED] }),
      [`GET ${EVENTS}`]: (request) =>
        new URL(request.url).searchParams.get('cursor') === 'c-2'
          ? jsonResponse(200, { items: [event('e-3', 'token', { request: 'POST /oauth/token', status_code: 200, duration_ms: 45 })], next_cursor: null })
          : jsonResponse(200, {
              items: [
                event('e-1', 'submit', { student_id: '00000000-0000-4000-8000-000000000201' }),
                event('e-2', 'sync', { request: 'GET /v1/dossiers/R-1', status_code: null, ok: false, duration_ms: 10_000, error: "L'ANTS ne répond pas (délai dépassé)." }),
              ],
              next_cursor: 'c-2',
            }),
    });
    const user = userEvent.setup();
    await renderPage();
    const table = await within(card()).findByRole('table', { name: 'Journal des échanges' });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Date', 'Opération', 'Requête', 'Statut', 'Durée', 'Erreur']);
    let rows = within(table).getAllByTestId('connector-event');
    expect(rows.map((row) => row.getAttribute('data-operation'))).toEqual(['submit', 'sync']);
    const first = within(rows[0] as HTMLElement).getAllByRole('cell').map((td) => td.textContent);
    expect(first).toEqual(['07/12/2026 10:00:00', 'Dépôt', "POST /v1/dossiers (3 pièces) Ouvrir le dossier de l'élève", 'Réussi201', expect.stringMatching(/^1\s234 ms$/), '—']);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: "Ouvrir le dossier de l'élève" })).toHaveAttribute('href', '/eleves/00000000-0000-4000-8000-000000000201');
    const second = within(rows[1] as HTMLElement).getAllByRole('cell').map((td) => td.textContent);
    expect(second.slice(1)).toEqual(['Synchronisation', 'GET /v1/dossiers/R-1', 'ÉchecSans réponse', expect.stringMatching(/^10\s000 ms$/), "L'ANTS ne répond pas (délai dépassé)."]);

    await user.click(within(card()).getByRole('button', { name: 'Afficher plus' }));
    await waitFor(() => expect(within(table).getAllByTestId('connector-event')).toHaveLength(3));
    rows = within(table).getAllByTestId('connector-event');
    expect(rows[2]).toHaveTextContent("Jeton d'accès");
    expect(within(card()).queryByRole('button', { name: 'Afficher plus' })).not.toBeInTheDocument();
    expect(calls.filter((r) => r.url.includes('/events')).map((r) => new URL(r.url).searchParams.toString())).toEqual(['limit=20', 'limit=20&cursor=c-2']);
  });

  it('reloads the settings when someone else changed them meanwhile', async () => {
    let gets = 0;
    mockFetch({
      'GET /api/v1/connectors': () => {
        gets += 1;
        return jsonResponse(200, { items: [gets === 1 ? CONNECTED : { ...CONNECTED, client_id: 'autre-identifiant', version: 5 }] });
      },
      'PUT /api/v1/connectors/ants': () => problemResponse(412, { detail: 'Modifié entre-temps.' }),
      [`GET ${EVENTS}`]: emptyEvents,
    });
    const user = userEvent.setup();
    await renderPage();
    await user.click(await within(card()).findByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText(/Ces réglages ont été modifiés entre-temps/)).toBeInTheDocument();
    await waitFor(() => expect(within(card()).getByRole('textbox', { name: /Identifiant client/ })).toHaveValue('autre-identifiant'));
  });
});

describe('connectorBody', () => {
  const values = { base_url: ' https://ants.example.test ', client_id: '', client_secret: '', remove_secret: false };
  it('keeps the stored secret unless one is typed or removal is asked', () => {
    expect(connectorBody(values, 2)).toEqual({ base_url: 'https://ants.example.test', client_id: null, version: 2 });
    expect(connectorBody({ ...values, client_secret: '   ' }, 2)).toEqual({ base_url: 'https://ants.example.test', client_id: null, version: 2 });
    expect(connectorBody({ ...values, remove_secret: true }, 2)).toEqual({ base_url: 'https://ants.example.test', client_id: null, client_secret: '', version: 2 });
    expect(connectorBody({ ...values, client_secret: ' a b ' }, null)).toEqual({ base_url: 'https://ants.example.test', client_id: null, client_secret: ' a b ' });
  });

  it('grants RdvPermis through its consent page and says how the grant went', async () => {
    const rdvpermis: ConnectorView = { ...CONNECTED, name: 'rdvpermis', label: 'RdvPermis', authorized: false, client_id: 'ecole', version: 1 };
    mockFetch({
      'GET /api/v1/connectors': () => jsonResponse(200, { items: [{ ...CONNECTED, authorized: null }, rdvpermis] }),
      [`GET ${EVENTS}`]: emptyEvents,
      'GET /api/v1/connectors/rdvpermis/events': emptyEvents,
    });
    renderWithProviders(<ConnectorsPage />, { session: demoSession, route: '/connecteurs?rdvpermis=connected' });
    const region = await screen.findByRole('region', { name: 'RdvPermis' });
    expect(await screen.findByTestId('oauth-outcome')).toHaveTextContent('RdvPermis est connecté');
    expect(within(region).getByText("L'école n'a pas encore autorisé l'accès (ou l'autorisation a été retirée).")).toBeInTheDocument();
    expect(within(region).getByRole('link', { name: 'Connecter RdvPermis' })).toHaveAttribute('href', '/api/v1/connectors/rdvpermis/authorize');
    // ANTS is not reached through OAuth: no such link on its card.
    expect(within(card()).queryByTestId('connector-oauth')).toBeNull();
  });
});
