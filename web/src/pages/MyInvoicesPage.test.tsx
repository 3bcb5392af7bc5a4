import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import MyInvoicesPage from './MyInvoicesPage.tsx';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import { browser } from './billing/api.ts';

const student = { ...demoSession, role: 'STUDENT' as const, student_id: 's-1' };
const base = {
  kind: 'invoice',
  student_id: 's-1',
  student_name: 'Inès Martin',
  credit_of: null,
  service_date: '2026-12-07',
  customer: { kind: 'person', name: 'Inès Martin', siren: null, vat_number: null, address: null },
  seller: { name: 'Auto-École du Centre', legal_form: null, address: null, siret: null, vat_number: null, agrement: null },
  lines: [],
  vat_by_rate: [],
  excl_cents: 0,
  vat_cents: 0,
  payment_terms: '',
  reason: null,
  credited_cents: 0,
  instalments: [],
};
const due = { ...base, id: 'i-2', number: 'F2026-000008', issued_at: '2026-12-08T10:00:00Z', incl_cents: 4_990, paid_cents: 0, due_cents: 4_990 };
const CPF_DOSSIER = {
  student_id: 's-1',
  edof_number: '202610000188',
  status: 'in_training',
  status_since: '2026-11-02',
  amount_cents: 120_000,
  co_financing_cents: 15_000,
  job_seeker: false,
  note: 'Relancé par téléphone',
  version: 2,
  stuck_days: 40,
  next_statuses: ['service_done', 'cancelled'],
  warnings: [{ code: 'cpf_co_financing', message: 'Avertissement pour le secrétariat' }],
  updated_at: '2026-11-02T09:00:00Z',
};
const paid = { ...base, id: 'i-1', number: 'F2026-000007', issued_at: '2026-12-07T10:00:00Z', incl_cents: 119_000, paid_cents: 119_000, due_cents: 0 };

describe('MyInvoicesPage', () => {
  afterEach(() => {
    setCsrfToken(null);
    vi.restoreAllMocks();
  });

  it('lists the student’s invoices with the balance, and pays the one due online', async () => {
    const leave = vi.spyOn(browser, 'leaveFor').mockImplementation(() => undefined);
    const { calls } = mockFetch({
      'GET /api/v1/students/s-1/account': () => jsonResponse(200, { invoiced_cents: 123_990, paid_cents: 119_000, balance_cents: -4_990, entries: [] }),
      'GET /api/v1/invoices': () => jsonResponse(200, { items: [due, paid], next_cursor: null }),
      'POST /api/v1/invoices/i-2/checkout': () => jsonResponse(201, { redirect_url: 'http://127.0.0.1:9/pay/cs_test_2', amount_cents: 4_990 }),
      'GET /api/v1/students/s-1/contracts': () => jsonResponse(200, []),
      'GET /api/v1/students/s-1/cpf': () => jsonResponse(200, CPF_DOSSIER),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyInvoicesPage />, { session: student });
    expect(await screen.findByTestId('account-balance')).toHaveTextContent('49,90 € à régler');
    const list = await screen.findByRole('list', { name: 'Vos factures' });
    const cards = within(list).getAllByTestId('my-invoice');
    expect(cards).toHaveLength(2);
    const [first, second] = cards as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent('Facture F2026-000008');
    expect(first).toHaveTextContent('Reste à payer49,90 €');
    expect(second).toHaveTextContent('Réglée');
    expect(within(second).queryByRole('button', { name: /Payer en ligne/ })).not.toBeInTheDocument();
    expect(within(second).getByRole('link', { name: 'Télécharger (PDF) : F2026-000007' })).toHaveAttribute('href', '/api/v1/invoices/i-1.pdf');
    // Only the student's own: the server forces the filter, the page asks for it anyway.
    expect(new URL(calls.find((r) => r.url.includes('/api/v1/invoices'))?.url ?? '').searchParams.get('student_id')).toBe('s-1');

    // Their CPF dossier, read-only: no buttons, nor the office's alerts and note.
    const cpf = await screen.findByRole('region', { name: 'Mon dossier CPF' });
    expect(within(cpf).getByTestId('cpf-status')).toHaveTextContent('En formation depuis le 02/11/2026');
    expect(cpf).toHaveTextContent('202610000188');
    expect(within(cpf).queryByRole('button')).not.toBeInTheDocument();
    expect(cpf).not.toHaveTextContent('bloqué');
    expect(cpf).not.toHaveTextContent('Avertissement');
    expect(cpf).not.toHaveTextContent('Relancé');

    await user.click(within(first).getByRole('button', { name: /^Payer en ligne la facture F2026-000008 \(49,90\s€\)$/ }));
    await vi.waitFor(() => expect(leave).toHaveBeenCalledWith('http://127.0.0.1:9/pay/cs_test_2'));
  });

  it('signs the amendment waiting for the student with the code they received', async () => {
    const amendment = {
      id: 'c-2',
      student_id: 's-1',
      kind: 'amendment',
      amends: 'c-1',
      rank: 1,
      minutes: 600,
      lines: [],
      total_cents: 59_000,
      reason: 'Heures supplémentaires avant l’examen',
      signer: { role: 'student', name: 'Inès Martin', email: 'ines@exemple.fr', phone: null },
      status: 'awaiting_signature',
      document_sha256: 'ab'.repeat(32),
      signed_at: null,
      evidence: null,
      signed_sha256: null,
      pending_code: null,
      created_at: '2026-12-07T10:00:00Z',
      version: 1,
    };
    const state = { contract: amendment as Record<string, unknown> };
    const { calls } = mockFetch({
      'GET /api/v1/students/s-1/account': () => jsonResponse(200, { invoiced_cents: 0, paid_cents: 0, balance_cents: 0, entries: [] }),
      'GET /api/v1/invoices': () => jsonResponse(200, { items: [], next_cursor: null }),
      'GET /api/v1/students/s-1/contracts': () => jsonResponse(200, [state.contract]),
      'GET /api/v1/students/s-1/cpf': () => problemResponse(404, {}),
      'POST /api/v1/contracts/c-2/signature-code': () => {
        const sent = { channel: 'email', sent_to: 'i***@exemple.fr', expires_at: '2026-12-07T10:15:00Z' };
        state.contract = { ...amendment, pending_code: sent };
        return jsonResponse(201, sent);
      },
      'POST /api/v1/contracts/c-2/sign': () => {
        state.contract = { ...amendment, status: 'signed', signed_at: '2026-12-07T10:05:00Z' };
        return jsonResponse(200, state.contract);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<MyInvoicesPage />, { session: student });
    const card = await screen.findByTestId('contract');
    expect(card).toHaveTextContent('Avenant n° 1');
    expect(card).toHaveTextContent('À signer');
    expect(screen.queryByRole('button', { name: 'Ajouter un avenant' })).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Envoyer le code par e-mail' }));
    await user.type(await within(card).findByLabelText(/Code reçu/), '12345');
    await user.click(within(card).getByRole('button', { name: 'Signer' }));
    expect(await within(card).findByText('Le code compte 6 chiffres.')).toBeInTheDocument();
    await user.type(within(card).getByLabelText(/Code reçu/), '6');
    await user.click(within(card).getByRole('button', { name: 'Signer' }));
    expect(await screen.findByText(/Signé le/)).toBeInTheDocument();
    const sign = calls.find((r) => r.url.endsWith('/sign'));
    expect(await sign?.clone().json()).toEqual({ code: '123456' });
  });
});
