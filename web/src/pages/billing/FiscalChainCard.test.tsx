import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import { FiscalChainCard } from './FiscalChainCard.tsx';

describe('FiscalChainCard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says the records are intact, then names an altered one', async () => {
    const answers = [
      { ok: true, checked: 5, first_break: null, unchained: [] },
      { ok: false, checked: 5, first_break: { seq: 3, kind: 'payment', record_id: 'p-3', problem: 'altered' }, unchained: [] },
    ];
    mockFetch({ 'GET /api/v1/payments/verify': () => jsonResponse(200, answers.shift()) });
    const user = userEvent.setup();
    renderWithProviders(<FiscalChainCard />, { session: demoSession });
    const button = screen.getByRole('button', { name: 'Vérifier les enregistrements comptables' });
    await user.click(button);
    expect(await screen.findByTestId('fiscal-verify-result')).toHaveTextContent('Enregistrements comptables intacts : 5 contrôlés.');
    await user.click(button);
    expect(await screen.findByText('L’enregistrement n° 3 a été modifié après son écriture.')).toBeInTheDocument();
  });
});
