import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import { ClosuresCard } from './ClosuresCard.tsx';

const closure = (period: string, starts_on: string, ends_on: string, invoiced: number) => ({
  seq: 1,
  period,
  starts_on,
  ends_on,
  by_vat: [{ rate_bp: 2000, excl_cents: 100_000, vat_cents: 20_000, incl_cents: invoiced }],
  by_method: [{ method: 'cheque', amount_cents: 20_000 }],
  invoiced_cents: invoiced,
  collected_cents: 20_000,
  grand_total_cents: 240_000,
  last_seq: 4,
  hash: 'ab'.repeat(32),
  chain_intact: true,
  chain_first_broken: null,
  created_at: '2026-12-07T00:10:00Z',
});

describe('ClosuresCard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the daily closures, then the monthly ones', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/closures': (request) => {
        const period = new URL(request.url).searchParams.get('period');
        return jsonResponse(200, period === 'month' ? [closure('month', '2026-11-01', '2026-11-30', 240_000)] : [closure('day', '2026-12-06', '2026-12-06', 120_000)]);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ClosuresCard />, { session: demoSession });
    const day = await screen.findByTestId('closure');
    expect(day).toHaveTextContent('06/12/2026');
    expect(within(day).getByText(/^1\s200,00\s€$/)).toBeInTheDocument();
    expect(day).toHaveTextContent('abababababababab…');
    expect(day).toHaveTextContent('Chaîne intacte');
    await user.click(screen.getByText('Mois'));
    expect(await screen.findByText('01/11/2026 – 30/11/2026')).toBeInTheDocument();
    expect(calls.some((r) => new URL(r.url).searchParams.get('period') === 'month')).toBe(true);
  });

  it('says in words when the fiscal chain was broken at a closure', async () => {
    mockFetch({
      'GET /api/v1/closures': () =>
        jsonResponse(200, [
          { ...closure('day', '2026-12-06', '2026-12-06', 120_000), seq: 2, chain_intact: false, chain_first_broken: 7 },
          { ...closure('day', '2026-12-05', '2026-12-05', 100_000), chain_intact: false, chain_first_broken: null },
        ]),
    });
    renderWithProviders(<ClosuresCard />, { session: demoSession });
    const broken = await screen.findAllByTestId('closure-chain-broken');
    expect(broken.map((b) => b.textContent)).toEqual(['Chaîne rompue au n° 7', 'Chaîne rompue']);
  });
});
