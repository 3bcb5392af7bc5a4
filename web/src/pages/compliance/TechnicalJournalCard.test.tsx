import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import { TechnicalJournalCard } from './TechnicalJournalCard.tsx';

const event = (id: number, kind: string, detail: object, installation = false) => ({ id, kind, installation, detail, occurred_at: '2026-12-06T00:10:00Z' });

const FIRST_PAGE = [
  event(7, 'startup', { version: '0.9.0', address: '127.0.0.1:8080' }, true),
  event(6, 'closure', { seq: 12, period: 'day', starts_on: '2026-12-05', ends_on: '2026-12-05', chain_intact: true, chain_first_broken: null }),
  event(5, 'closure', { seq: 11, period: 'month', starts_on: '2026-11-01', ends_on: '2026-11-30', chain_intact: false, chain_first_broken: 3 }),
  event(4, 'archive', { archive_id: 'a-1', year: 2025, covers_from: '2025-01-01', covers_to: '2025-12-31', complete: true }),
  event(3, 'export', { archive_id: 'a-1', year: 2025 }),
  event(2, 'clock_jump', { drift_seconds: -3600 }, true),
];

describe('TechnicalJournalCard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names each kind of event in French with a readable summary, then pages back in time', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/technical-events': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'c-2'
          ? jsonResponse(200, { items: [event(1, 'shutdown', { version: '0.8.0' }, true), event(0, 'restore', {})], next_cursor: null })
          : jsonResponse(200, { items: FIRST_PAGE, next_cursor: 'c-2' }),
    });
    const user = userEvent.setup();
    renderWithProviders(<TechnicalJournalCard />, { session: demoSession });
    expect(await screen.findByRole('heading', { name: 'Journal des événements techniques', level: 2 })).toBeInTheDocument();
    const rows = await screen.findAllByTestId('technical-event');
    const text = rows.map((row) => row.textContent);
    expect(text[0]).toContain('Démarrage');
    expect(text[0]).toContain('installation');
    expect(text[0]).toContain('Version 0.9.0');
    expect(text[0]).toContain('06/12/2026 01:10:00');
    expect(text[1]).toContain('Journée du 05/12/2026 · chaîne intacte');
    expect(text[2]).toContain('Mois du 01/11/2026 au 30/11/2026 · chaîne rompue au n° 3');
    expect(text[3]).toContain('Archive de l’année 2025');
    expect(within(rows[3] as HTMLElement).queryByText('installation')).not.toBeInTheDocument();
    expect(text[4]).toContain('Téléchargement de l’archive 2025');
    expect(text[5]).toContain('Saut d’horloge');
    expect(text[5]).toMatch(/L’horloge a reculé de 3\s?600 secondes/);

    expect(screen.getByRole('button', { name: 'Page précédente' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Page suivante' }));
    expect(await screen.findByText('Arrêt')).toBeInTheDocument();
    expect(screen.getByText('Restauration')).toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Page suivante' })).toBeDisabled();
    expect(calls.map((r) => new URL(r.url).searchParams.get('cursor'))).toEqual([null, 'c-2']);
    await user.click(screen.getByRole('button', { name: 'Page précédente' }));
    expect(await screen.findByText('Démarrage')).toBeInTheDocument();
  });
});
