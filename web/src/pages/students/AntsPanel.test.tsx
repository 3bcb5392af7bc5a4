import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { ALERTS_KEY, studentKey } from '../../api/keys.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { AntsPanel } from './AntsPanel.tsx';
import type { AntsDossier } from './antsApi.ts';

const ID = '00000000-0000-4000-8000-000000000201';
const PATH = `/api/v1/students/${ID}/ants`;
const secretary = { ...demoSession, role: 'SECRETARY' as const };

const DRAFT: AntsDossier = {
  student_id: ID,
  status: 'draft',
  reasons: [],
  neph: null,
  remote_id: null,
  documents: [],
  missing_documents: [],
  pending: null,
  last_error: null,
  may_submit: true,
  connector: 'connected',
  synced_at: null,
  history: [],
};

const INCOMPLETE: AntsDossier = {
  ...DRAFT,
  status: 'incomplete',
  reasons: [
    { document: 'proof_of_address', message: 'pièce manquante' },
    { document: 'id_card', message: 'illisible' },
    { document: null, message: 'signature absente' },
  ],
  remote_id: 'ANTS-2026-000042',
  documents: [{ kind: 'id_card', file_name: 'cni.pdf' }],
  missing_documents: ['proof_of_address'],
  synced_at: '2026-12-07T09:30:00Z',
  history: [
    { status: 'submitted', reasons: [], source: 'office', note: 'Dépôt (1 pièce)', at: '2026-12-07T09:00:00Z' },
    { status: 'in_review', reasons: [], source: 'remote', note: null, at: '2026-12-07T09:15:00Z' },
    { status: 'incomplete', reasons: [{ document: 'proof_of_address', message: 'pièce manquante' }], source: 'remote', note: null, at: '2026-12-07T09:30:00Z' },
  ],
};

const card = () => screen.getByRole('region', { name: 'Inscription ANTS' });
const actions = () => within(card()).queryByRole('group', { name: 'Actions sur le dossier ANTS' });
const buttonNames = () => (actions() ? within(actions() as HTMLElement).getAllByRole('button').map((b) => b.textContent) : []);

describe('AntsPanel', () => {
  afterEach(() => setCsrfToken(null));

  it('shows an incomplete dossier: the reasons naming their documents, what is missing, the history, and "Renvoyer le dossier complété"', async () => {
    mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, INCOMPLETE) });
    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    expect(await within(card()).findByTestId('ants-status')).toHaveTextContent('Incomplet');
    const reasons = within(card()).getByRole('list', { name: "Motifs indiqués par l'ANTS" });
    expect(within(reasons).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Justificatif de domicile : pièce manquante',
      "Pièce d'identité : illisible",
      'signature absente',
    ]);
    expect(within(card()).getByTestId('ants-to-complete')).toHaveTextContent('À compléter avant le dépôt : Justificatif de domicile.');
    expect(within(card()).getByText('N° de dossier ANTS : ANTS-2026-000042')).toBeInTheDocument();
    expect(within(card()).getByText('Dernière synchronisation : 07/12/2026 10:30')).toBeInTheDocument();
    expect(within(card()).queryByTestId('ants-neph')).not.toBeInTheDocument();
    expect(buttonNames()).toEqual(['Renvoyer le dossier complété', 'Synchroniser']);

    const history = within(card()).getByRole('list', { name: 'Historique ANTS' });
    const entries = within(history).getAllByRole('listitem').map((li) => li.textContent);
    expect(entries[0]).toBe('07/12/2026 10:00 · Déposé · SecrétariatDépôt (1 pièce)');
    expect(entries[1]).toBe("07/12/2026 10:15 · En cours d'instruction · ANTS");
    expect(entries[2]).toBe('07/12/2026 10:30 · Incomplet · ANTSJustificatif de domicile : pièce manquante');
    expect(within(card()).getByRole('list', { name: 'Pièces envoyées avec le dernier dépôt' })).toHaveTextContent("Pièce d'identité (cni.pdf)");
    // Nothing pending: the live region is there, empty.
    expect(within(card()).getByRole('status')).toBeEmptyDOMElement();
  });

  it.each<[string, Partial<AntsDossier>, string[]]>([
    ['a draft: file it', {}, ["Déposer le dossier à l'ANTS"]],
    ['a filed dossier: sync only', { status: 'submitted', may_submit: false, remote_id: 'R-1' }, ['Synchroniser']],
    ['an incomplete one: send it completed', { status: 'incomplete', remote_id: 'R-1' }, ['Renvoyer le dossier complété', 'Synchroniser']],
    ['a refused one: file anew', { status: 'rejected', remote_id: 'R-1' }, ['Déposer un nouveau dossier', 'Synchroniser']],
    ['a validated one: the NEPH, sync only', { status: 'validated', may_submit: false, remote_id: 'R-1', neph: '260000000001' }, ['Synchroniser']],
    ['a dossier filed by hand on the portal: nothing to file', { may_submit: false }, []],
  ])('offers the right buttons for %s', async (_case, change, expected) => {
    const dossier = { ...DRAFT, ...change };
    mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, dossier) });
    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    await within(card()).findByTestId('ants-status');
    expect(buttonNames()).toEqual(expected);
    if (dossier.neph) expect(within(card()).getByTestId('ants-neph')).toHaveTextContent('NEPH : 260000000001');
    if (dossier.status === 'draft' && !dossier.may_submit) expect(within(card()).getByTestId('ants-by-hand')).toHaveTextContent(/directement sur le portail/);
    else expect(within(card()).queryByTestId('ants-by-hand')).not.toBeInTheDocument();
  });

  it('says the connector is not configured, without buttons, and leads an ADMIN to "Connecteurs"', async () => {
    mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, { ...DRAFT, connector: 'not_configured' }) });
    const { unmount } = renderWithProviders(<AntsPanel studentId={ID} />, { session: demoSession });
    expect(await within(card()).findByText(/Le connecteur ANTS n'est pas configuré/)).toBeInTheDocument();
    expect(within(card()).getByRole('link', { name: 'Connecteurs' })).toHaveAttribute('href', '/connecteurs');
    expect(within(card()).queryAllByRole('button')).toEqual([]);
    unmount();

    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    expect(await within(card()).findByText(/Le connecteur ANTS n'est pas configuré/)).toBeInTheDocument();
    expect(within(card()).queryByRole('link')).not.toBeInTheDocument();
  });

  it('shows the last fault in a red alert', async () => {
    mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, { ...DRAFT, last_error: "L'ANTS ne répond pas (délai dépassé)." }) });
    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    expect(await within(card()).findByTestId('ants-error')).toHaveTextContent("La dernière demande a échouéL'ANTS ne répond pas (délai dépassé).");
  });

  it('asks before filing with missing documents, then polls while the filing is on its way and refreshes the file', async () => {
    let state: AntsDossier = { ...DRAFT, missing_documents: ['proof_of_address', 'photo_signature'] };
    let reads = 0;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => {
        reads += 1;
        // The job ends on the second read after the filing.
        if (state.pending && reads >= 4) {
          state = { ...state, pending: null, status: 'submitted', remote_id: 'R-9', may_submit: false, history: [{ status: 'submitted', reasons: [], source: 'office', note: null, at: '2026-12-07T09:00:00Z' }] };
        }
        return jsonResponse(200, state);
      },
      [`POST ${PATH}/submit`]: () => {
        // Nothing more to file while the filing is on its way.
        state = { ...state, pending: 'submit', may_submit: false };
        return jsonResponse(202, state);
      },
    });
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    queryClient.setQueryData(studentKey(ID), { id: ID });
    queryClient.setQueryData(ALERTS_KEY, []);

    await user.click(await within(card()).findByRole('button', { name: "Déposer le dossier à l'ANTS" }));
    let dialog = await screen.findByRole('dialog', { name: 'Pièces manquantes' });
    expect(within(dialog).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Justificatif de domicile', 'e-photo et signature']);
    await user.click(within(dialog).getByRole('button', { name: 'Annuler' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.some((r) => r.method === 'POST')).toBe(false);

    await user.click(within(card()).getByRole('button', { name: "Déposer le dossier à l'ANTS" }));
    dialog = await screen.findByRole('dialog', { name: 'Pièces manquantes' });
    await user.click(within(dialog).getByRole('button', { name: 'Déposer quand même' }));

    expect(await within(card()).findByText("Demande en cours auprès de l'ANTS…")).toBeInTheDocument();
    expect(within(card()).getByRole('status')).toHaveTextContent("Demande en cours auprès de l'ANTS…");
    expect(within(card()).getByRole('button', { name: "Déposer le dossier à l'ANTS" })).toBeDisabled();
    expect(calls.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(queryClient.getQueryState(studentKey(ID))?.isInvalidated).toBe(false);

    // Read again every 1.5 s until the job is done.
    await waitFor(() => expect(within(card()).getByTestId('ants-status')).toHaveTextContent('Déposé'), { timeout: 5000 });
    expect(within(card()).getByRole('status')).toBeEmptyDOMElement();
    expect(buttonNames()).toEqual(['Synchroniser']);
    expect(queryClient.getQueryState(studentKey(ID))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(ALERTS_KEY)?.isInvalidated).toBe(true);
  });

  it('files at once when nothing is missing, reading the dossier again first', async () => {
    // Shown with a missing document, uploaded since in the Documents tab: the click reads the dossier again.
    let reads = 0;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => {
        reads += 1;
        return jsonResponse(200, reads === 1 ? { ...INCOMPLETE, missing_documents: ['proof_of_address'] } : { ...INCOMPLETE, missing_documents: [] });
      },
      [`POST ${PATH}/submit`]: () => jsonResponse(202, { ...INCOMPLETE, missing_documents: [], pending: 'resubmit', may_submit: false }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    await user.click(await within(card()).findByRole('button', { name: 'Renvoyer le dossier complété' }));
    expect(await within(card()).findByText("Demande en cours auprès de l'ANTS…")).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // The buttons stay, disabled, while the request is on its way.
    expect(within(card()).getByRole('button', { name: 'Renvoyer le dossier complété' })).toBeDisabled();
    expect(within(card()).getByRole('button', { name: 'Synchroniser' })).toBeDisabled();
    expect(calls.map((r) => `${r.method} ${new URL(r.url).pathname}`).slice(0, 3)).toEqual([`GET ${PATH}`, `GET ${PATH}`, `POST ${PATH}/submit`]);
  });

  it('syncs, and says why when the server refuses', async () => {
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, { ...DRAFT, status: 'submitted', may_submit: false, remote_id: 'R-1' }),
      [`POST ${PATH}/sync`]: () =>
        problemResponse(422, { detail: 'Une demande est déjà en cours pour ce dossier.', rules: [{ code: 'ants_pending', message: 'Une demande est déjà en cours.' }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AntsPanel studentId={ID} />, { session: secretary });
    await user.click(await within(card()).findByRole('button', { name: 'Synchroniser' }));
    expect(await screen.findByText('Une demande est déjà en cours pour ce dossier.')).toBeInTheDocument();
    expect(calls.filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname)).toEqual([`${PATH}/sync`]);
  });
});
