import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { formatEtp, notTransmittedMinutes, type EtpPreview, type LivretTransmission, type LivretTransmissions } from './api.ts';
import LivretPage from './LivretPage.tsx';

const STUDENT = '00000000-0000-4000-8000-000000000201';
const OTHER = '00000000-0000-4000-8000-000000000202';

const PREVIEW: EtpPreview = {
  month: '2026-12',
  cutoff_on: '2026-12-24',
  window_from: '2026-09-24',
  window_to: '2026-12-24',
  kinds: [
    { kind: 'practical', label: 'Leçons de conduite', weight: 1, done_minutes: 6000, transmitted_minutes: 5700, weighted_hours: 95 },
    { kind: 'aac_practice', label: 'Conduite en AAC (× 1,2)', weight: 1.2, done_minutes: 600, transmitted_minutes: 600, weighted_hours: 12 },
    { kind: 'theory', label: 'Cours de code', weight: 1, done_minutes: 1200, transmitted_minutes: 1110, weighted_hours: 18.5 },
  ],
  weighted_hours: 125.5,
  etp: 0.28,
  full_time_hours: 455,
  not_transmitted_hours: 6.5,
  etp_lost: 0.01,
  days_to_cutoff: 2,
  at_risk: true,
};
const CLOSED: EtpPreview = { ...PREVIEW, month: '2026-11', cutoff_on: '2026-11-24', window_from: '2026-08-24', window_to: '2026-11-24', days_to_cutoff: null, at_risk: false };

const transmission = (lesson: string, change: Partial<LivretTransmission> = {}): LivretTransmission => ({
  lesson_id: lesson,
  student_id: STUDENT,
  student_name: 'Lucas Bernard',
  kind: 'practical',
  starts_at: '2026-12-04T09:00:00Z',
  ends_at: '2026-12-04T10:00:00Z',
  minutes: 60,
  status: 'accepted',
  reason: null,
  attempts: 1,
  updated_at: '2026-12-04T10:05:00Z',
  ...change,
});
const REJECTED = transmission('00000000-0000-4000-8000-000000000301', {
  status: 'rejected',
  reason: "Le NEPH de l'élève manque : ajoutez-le à son dossier puis renvoyez.",
  starts_at: '2026-12-05T13:30:00Z',
  minutes: 90,
});
const RETRYING = transmission('00000000-0000-4000-8000-000000000302', {
  student_id: OTHER,
  student_name: 'Inès Petit',
  kind: 'aac_practice',
  status: 'retrying',
  reason: 'RdvPermis ne répond pas (délai dépassé).',
  attempts: 3,
});
const ACCEPTED = transmission('00000000-0000-4000-8000-000000000303');
const LIST: LivretTransmissions = { items: [REJECTED, RETRYING, ACCEPTED], counts: { pending: 0, sent: 0, accepted: 1, rejected: 1, retrying: 1 } };

const rdvpermis = (authorized: boolean) => ({
  items: [
    { name: 'ants', label: 'ANTS', status: 'connected', client_secret_set: true, authorized: null },
    { name: 'rdvpermis', label: 'RdvPermis', status: 'connected', client_secret_set: true, authorized },
  ],
});

/** jsdom lays nothing out: the charts have no size there, which recharts says on every render. */
function quietCharts() {
  const warn = console.warn.bind(console);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('The width(0) and height(0) of chart')) return;
    warn(...args);
  });
}

function routes(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  return mockFetch({
    'GET /api/v1/etp-preview': (request) => jsonResponse(200, new URL(request.url).searchParams.get('month') === '2026-11' ? CLOSED : PREVIEW),
    'GET /api/v1/livret/transmissions': () => jsonResponse(200, LIST),
    'GET /api/v1/connectors': () => jsonResponse(200, rdvpermis(true)),
    ...overrides,
  });
}

const etpCard = () => screen.getByRole('region', { name: 'Prévision ETP' });
const transmissionsCard = () => screen.getByRole('region', { name: 'Transmissions au livret' });

describe('LivretPage', () => {
  beforeEach(quietCharts);
  afterEach(() => {
    setCsrfToken(null);
    vi.restoreAllMocks();
  });

  it('shows the ETP preview of the current month: the kinds, the ETP, what is missing and the days left', async () => {
    const { calls } = routes();
    renderWithProviders(<LivretPage />, { session: demoSession, route: '/livret-numerique' });
    expect(await screen.findByRole('heading', { name: 'Livret numérique', level: 1 })).toBeInTheDocument();
    const card = etpCard();
    // The ETP card comes first.
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['Prévision ETP', 'Transmissions au livret']);

    const month = todayIn(demoSession.tenant.timezone).slice(0, 7);
    expect(within(card).getByLabelText(/^Mois/)).toHaveValue(month);
    await within(card).findByTestId('etp-figures');
    expect(calls.filter((r) => r.url.includes('/etp-preview')).map((r) => new URL(r.url).searchParams.get('month'))).toEqual([month]);

    const table = within(card).getByRole('table', { name: 'Heures par type de séance' });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Type',
      'Réalisées',
      'Transmises',
      'Non transmises',
      'Coefficient',
      'Heures pondérées',
    ]);
    const rows = within(table).getAllByTestId('etp-kind');
    expect(rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent))).toEqual([
      ['Leçons de conduite', '100 h', '95 h', '5 h', '× 1', '95 h'],
      ['Conduite en AAC (× 1,2)', '10 h', '10 h', '0 h', '× 1,2', '12 h'],
      ['Cours de code', '20 h', '18 h 30', '1 h 30', '× 1', '18,5 h'],
    ]);
    expect(within(table).getByRole('rowheader', { name: 'Total' }).closest('tr')).toHaveTextContent('Total130 h123 h 306 h 30125,5 h');

    expect(within(card).getByTestId('etp-value')).toHaveTextContent('ETP0,28125,5 h pondérées sur 455 h de temps plein');
    expect(within(card).getByTestId('etp-lost')).toHaveTextContent('Heures non transmises6,5 hsoit 0,01 ETP en moins');
    expect(within(card).getByTestId('etp-cutoff')).toHaveTextContent('J-2 avant le 24');
    expect(within(card).getByText('Heures prises en compte du 24/09/2026 au 24/12/2026 (exclu).')).toBeInTheDocument();
    const alert = within(card).getByTestId('etp-at-risk');
    expect(alert).toHaveTextContent('Heures en danger avant le 24');
    expect(alert).toHaveAttribute('role', 'alert');
    // The chart is drawn only: the table has its numbers.
    expect(within(card).getByTestId('etp-chart')).toHaveAttribute('aria-hidden', 'true');
  });

  it('previews another month, closed after its 24th, without the danger', async () => {
    const { calls } = routes();
    const user = userEvent.setup();
    renderWithProviders(<LivretPage />, { session: demoSession });
    const card = etpCard();
    await within(card).findByTestId('etp-figures');
    const input = within(card).getByLabelText(/^Mois/);
    await user.clear(input);
    await user.type(input, '2026-1');
    expect(within(card).getByText('Indiquez un mois au format AAAA-MM.')).toBeInTheDocument();
    await user.type(input, '1');
    await waitFor(() => expect(within(card).getByTestId('etp-figures')).toHaveAttribute('data-month', '2026-11'));
    expect(within(card).getByTestId('etp-cutoff')).toHaveTextContent('Clôturé le 24');
    expect(within(card).queryByTestId('etp-at-risk')).toBeNull();
    // Nothing is asked for a month half typed.
    expect(calls.filter((r) => r.url.includes('/etp-preview')).map((r) => new URL(r.url).searchParams.get('month'))).not.toContain('2026-1');
  });

  it('lists the transmissions with their status and reason, and filters them by status', async () => {
    const { calls } = routes({
      'GET /api/v1/livret/transmissions': (request) =>
        new URL(request.url).searchParams.get('status') === 'rejected'
          ? jsonResponse(200, { ...LIST, items: [REJECTED] })
          : jsonResponse(200, LIST),
    });
    const user = userEvent.setup();
    renderWithProviders(<LivretPage />, { session: demoSession });
    const card = transmissionsCard();
    const table = await within(card).findByRole('table', { name: 'Transmissions au livret numérique' });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Élève', 'Séance', 'Type', 'Durée', 'Statut', 'Motif', 'Actions']);
    const rows = within(table).getAllByTestId('livret-transmission');
    expect(rows.map((row) => row.getAttribute('data-status'))).toEqual(['rejected', 'retrying', 'accepted']);
    const first = within(rows[0] as HTMLElement).getAllByRole('cell').map((td) => td.textContent);
    expect(first).toEqual(['Lucas Bernard', '05/12/2026 14:30', 'Leçons de conduite', '1 h 30', 'Refusée', "Le NEPH de l'élève manque : ajoutez-le à son dossier puis renvoyez.", 'Renvoyer']);
    expect(within(rows[0] as HTMLElement).getByRole('link', { name: 'Lucas Bernard' })).toHaveAttribute('href', `/eleves/${STUDENT}`);
    expect(within(rows[1] as HTMLElement).getAllByRole('cell').map((td) => td.textContent)).toEqual([
      'Inès Petit',
      '04/12/2026 10:00',
      'Conduite en AAC (× 1,2)',
      '1 h',
      'Nouvel essai3 essais',
      'RdvPermis ne répond pas (délai dépassé).',
      '',
    ]);
    // "Renvoyer" only on the rejected one.
    expect(within(table).getAllByRole('button', { name: /^Renvoyer/ })).toHaveLength(1);

    const group = within(card).getByRole('radiogroup', { name: 'Statut' });
    expect(within(group).getAllByRole('radio')).toHaveLength(6);
    expect(within(group).getByRole('radio', { name: 'Toutes (3)' })).toBeChecked();
    expect(within(group).getByRole('radio', { name: 'En attente (0)' })).not.toBeChecked();
    await user.click(within(group).getByRole('radio', { name: 'Refusées (1)' }));
    await waitFor(() => expect(within(table).getAllByTestId('livret-transmission')).toHaveLength(1));
    expect(within(group).getByRole('radio', { name: 'Refusées (1)' })).toBeChecked();
    expect(calls.filter((r) => r.url.includes('/transmissions')).map((r) => new URL(r.url).searchParams.toString())).toEqual(['', 'status=rejected']);
  });

  it('opens on the status of the address (French words), as an alert’s link would', async () => {
    const { calls } = routes({
      'GET /api/v1/livret/transmissions': () => jsonResponse(200, { ...LIST, items: [REJECTED] }),
    });
    renderWithProviders(<LivretPage />, { session: demoSession, route: '/livret-numerique?statut=refusees' });
    const card = transmissionsCard();
    await within(card).findByRole('table', { name: 'Transmissions au livret numérique' });
    expect(within(card).getByRole('radio', { name: 'Refusées (1)' })).toBeChecked();
    expect(calls.filter((r) => r.url.includes('/transmissions')).map((r) => new URL(r.url).searchParams.get('status'))).toEqual(['rejected']);
  });

  it('sends a rejected transmission again, then refreshes the list and the preview', async () => {
    let retried = false;
    const { calls } = routes({
      'GET /api/v1/livret/transmissions': () =>
        jsonResponse(200, retried ? { items: [{ ...REJECTED, status: 'pending', reason: null }, RETRYING, ACCEPTED], counts: { ...LIST.counts, rejected: 0, pending: 1 } } : LIST),
      [`POST /api/v1/livret/transmissions/${REJECTED.lesson_id}/${STUDENT}/retry`]: () => {
        retried = true;
        return jsonResponse(202, { ...REJECTED, status: 'pending', reason: null, attempts: 2 });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<LivretPage />, { session: demoSession });
    const card = transmissionsCard();
    await user.click(await within(card).findByRole('button', { name: 'Renvoyer la séance de Lucas Bernard du 05/12/2026' }));
    expect(await screen.findByText('La séance de Lucas Bernard sera transmise de nouveau.')).toBeInTheDocument();
    await waitFor(() => expect(within(card).getAllByTestId('livret-transmission')[0]).toHaveAttribute('data-status', 'pending'));
    expect(within(card).getByRole('radio', { name: 'En attente (1)' })).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: /^Renvoyer/ })).toBeNull();
    const post = calls.find((r) => r.method === 'POST');
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    // The preview is refreshed too.
    await waitFor(() => expect(calls.filter((r) => r.url.includes('/etp-preview'))).toHaveLength(2));
  });

  it('says why a retry was refused', async () => {
    routes({
      [`POST /api/v1/livret/transmissions/${REJECTED.lesson_id}/${STUDENT}/retry`]: () =>
        problemResponse(422, { code: 'livret_status', detail: "Cette transmission n'est pas refusée : rien à renvoyer." }),
    });
    const user = userEvent.setup();
    renderWithProviders(<LivretPage />, { session: demoSession });
    await user.click(await within(transmissionsCard()).findByRole('button', { name: /^Renvoyer la séance de Lucas Bernard/ }));
    expect(await screen.findByText("Cette transmission n'est pas refusée : rien à renvoyer.")).toBeInTheDocument();
  });

  it('asks to connect RdvPermis while it is not authorised (the link for the admin only)', async () => {
    routes({ 'GET /api/v1/connectors': () => jsonResponse(200, rdvpermis(false)) });
    const { unmount } = renderWithProviders(<LivretPage />, { session: demoSession });
    const note = await within(transmissionsCard()).findByTestId('livret-no-rdvpermis');
    expect(note).toHaveTextContent('Connectez RdvPermis (page Connecteurs) pour transmettre les heures au livret numérique.');
    expect(within(note).getByRole('link', { name: 'Ouvrir les connecteurs' })).toHaveAttribute('href', '/connecteurs');
    unmount();

    renderWithProviders(<LivretPage />, { session: { ...demoSession, role: 'SECRETARY' } });
    const again = await within(transmissionsCard()).findByTestId('livret-no-rdvpermis');
    expect(within(again).queryByRole('link')).toBeNull();
  });

  it('says nothing about RdvPermis once it is authorised', async () => {
    routes();
    renderWithProviders(<LivretPage />, { session: demoSession });
    await within(transmissionsCard()).findByRole('table', { name: 'Transmissions au livret numérique' });
    await waitFor(() => expect(screen.queryByText('Chargement…')).toBeNull());
    expect(screen.queryByTestId('livret-no-rdvpermis')).toBeNull();
  });

  it('shows one card per transmission on a phone', async () => {
    const matchMedia = window.matchMedia.bind(window);
    vi.spyOn(window, 'matchMedia').mockImplementation((query) => Object.assign(matchMedia(query), { matches: true }));
    routes();
    renderWithProviders(<LivretPage />, { session: demoSession });
    const list = await within(transmissionsCard()).findByRole('list', { name: 'Transmissions au livret numérique' });
    expect(list).toHaveAttribute('data-layout', 'cards');
    const cards = within(list).getAllByTestId('livret-transmission');
    expect(cards).toHaveLength(3);
    expect(within(cards[0] as HTMLElement).getByRole('link', { name: 'Lucas Bernard' })).toBeInTheDocument();
    expect(within(cards[0] as HTMLElement).getByRole('button', { name: /^Renvoyer/ })).toBeInTheDocument();

    // The kinds too: one card each, and one for the total.
    const kinds = within(etpCard()).getByRole('list', { name: 'Heures par type de séance' });
    expect(within(kinds).getAllByTestId('etp-kind')).toHaveLength(3);
    expect(within(kinds).getByTestId('etp-total')).toHaveTextContent('TotalRéalisées130 hTransmises123 h 30Non transmises6 h 30Coefficient—Heures pondérées125,5 h');
  });
});

describe('livret helpers', () => {
  it('counts the minutes not transmitted, never below zero', () => {
    expect(notTransmittedMinutes({ done_minutes: 120, transmitted_minutes: 90 })).toBe(30);
    expect(notTransmittedMinutes({ done_minutes: 60, transmitted_minutes: 90 })).toBe(0);
  });

  it('writes an ETP with two decimals, the French way', () => {
    expect(formatEtp(0.1)).toBe('0,10');
    expect(formatEtp(2.345)).toBe('2,35');
  });
});
