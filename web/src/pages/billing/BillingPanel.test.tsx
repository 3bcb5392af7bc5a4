import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { browser } from './api.ts';
import { BillingPanel } from './BillingPanel.tsx';

const STUDENT = 's-1';
const forfait = { id: 'p-1', name: 'Forfait 20 heures', kind: 'hours_package', price_cents: 119_000, vat_rate_bp: 2000, minutes: 1200, active: true, version: 1 };
const code = { id: 'p-2', name: 'Forfait code', kind: 'code_pack', price_cents: 4_990, vat_rate_bp: 2000, minutes: null, active: true, version: 1 };
const invoice = {
  id: 'i-1',
  kind: 'invoice',
  number: 'F2026-000007',
  student_id: STUDENT,
  student_name: 'Inès Martin',
  credit_of: null,
  issued_at: '2026-12-07T10:00:00Z',
  service_date: '2026-12-07',
  customer: { kind: 'person', name: 'Inès Martin', siren: null, vat_number: null, address: null },
  seller: { name: 'Auto-École du Centre', legal_form: null, address: null, siret: null, vat_number: null, agrement: null },
  lines: [
    {
      position: 1,
      product_id: 'p-1',
      label: 'Forfait 20 heures',
      kind: 'hours_package',
      quantity: 1,
      unit_price_cents: 119_000,
      vat_rate_bp: 2000,
      minutes: 1200,
      excl_cents: 99_167,
      vat_cents: 19_833,
      incl_cents: 119_000,
    },
  ],
  vat_by_rate: [{ rate_bp: 2000, base_cents: 99_167, vat_cents: 19_833 }],
  excl_cents: 99_167,
  vat_cents: 19_833,
  incl_cents: 119_000,
  payment_terms: 'Paiement à réception de la facture, sans escompte.',
  reason: null,
  paid_cents: 0,
  credited_cents: 0,
  due_cents: 119_000,
  instalments: [],
  warnings: [],
};

function routes(state: { invoices: unknown[]; account: object }) {
  return {
    'GET /api/v1/students/s-1/account': () => jsonResponse(200, state.account),
    'GET /api/v1/invoices': () => jsonResponse(200, { items: state.invoices, next_cursor: null }),
    'GET /api/v1/payments': () => jsonResponse(200, { items: [], next_cursor: null }),
    'GET /api/v1/products': () => jsonResponse(200, [forfait, code]),
  };
}

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('BillingPanel', () => {
  afterEach(() => {
    setCsrfToken(null);
    vi.restoreAllMocks();
  });

  it('sells at the desk with a live total, issues the invoice, then takes the payment; an overpayment is refused', async () => {
    const state = { invoices: [] as unknown[], account: { invoiced_cents: 0, paid_cents: 0, balance_cents: 0, entries: [] } };
    let payments = 0;
    const { calls } = mockFetch({
      ...routes(state),
      'POST /api/v1/invoices': () => {
        state.invoices = [invoice];
        state.account = { invoiced_cents: 119_000, paid_cents: 0, balance_cents: -119_000, entries: [] };
        return jsonResponse(201, invoice);
      },
      'POST /api/v1/payments': async (request) => {
        payments += 1;
        if (payments === 1) {
          return problemResponse(422, {
            detail: 'Ce règlement dépasse le reste à payer de la facture.',
            rules: [{ code: 'overpayment', message: 'Ce règlement dépasse le reste à payer de la facture.' }],
          });
        }
        const body = (await request.clone().json()) as Record<string, unknown>;
        return jsonResponse(201, { id: 'pay-1', received_at: '2026-12-07T10:05:00Z', ...body });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<BillingPanel studentId={STUDENT} studentName="Inès Martin" />, { session: demoSession });
    expect(await screen.findByTestId('account-balance')).toHaveTextContent('0,00 € à jour');

    await user.click(screen.getByRole('button', { name: 'Vendre' }));
    const dialog = await screen.findByRole('dialog', { name: 'Vendre à Inès Martin' });
    // Nothing chosen: said, nothing sent.
    await user.click(within(dialog).getByRole('button', { name: 'Émettre la facture' }));
    expect(await within(dialog).findByText('Choisissez au moins un produit.')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: 'Quantité : Forfait 20 heures' }), '1');
    await user.type(within(dialog).getByRole('textbox', { name: 'Quantité : Forfait code' }), '2');
    expect(within(dialog).getByTestId('sale-total')).toHaveTextContent('1 289,80 €');
    expect(within(dialog).getByTestId('sale-hours')).toHaveTextContent('20 h');
    await user.click(within(dialog).getByRole('button', { name: 'Émettre la facture' }));

    // The same dialog goes on with the payment, prefilled with what is due.
    const payment = await screen.findByRole('dialog', { name: 'Facture F2026-000007 émise : règlement' });
    expect(within(payment).getByTestId('payment-due')).toHaveTextContent('Reste à payer : 1 190,00 €');
    expect(within(payment).getByTestId('payment-due')).toHaveFocus();
    expect(within(payment).getByRole('textbox', { name: /Montant/ })).toHaveValue('1190,00');
    const sale = (await calls.find((r) => r.method === 'POST' && r.url.endsWith('/api/v1/invoices'))?.json()) as unknown;
    expect(sale).toEqual({
      student_id: STUDENT,
      lines: [
        { product_id: 'p-1', quantity: 1 },
        { product_id: 'p-2', quantity: 2 },
      ],
    });
    expect(await screen.findByTestId('account-balance')).toHaveTextContent('1 190,00 € à régler');

    await user.click(within(payment).getByRole('button', { name: 'Enregistrer le règlement' }));
    expect(await within(payment).findByRole('alert')).toHaveTextContent('Ce règlement dépasse le reste à payer de la facture.');
    const reference = within(payment).getByRole('textbox', { name: /Référence/ });
    await user.type(reference, 'Chèque 0001234');
    await user.click(within(payment).getByRole('button', { name: 'Enregistrer le règlement' }));
    expect(await screen.findByText('Règlement de 1 190,00 € enregistré.')).toBeInTheDocument();
    const paid = (await calls.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v1/payments'))[1]?.json()) as unknown;
    expect(paid).toEqual({ student_id: STUDENT, invoice_id: 'i-1', method: 'cash', amount_cents: 119_000, reference: 'Chèque 0001234' });
  });

  it('pays by card online: the browser leaves for the provider’s page', async () => {
    const leave = vi.spyOn(browser, 'leaveFor').mockImplementation(() => undefined);
    mockFetch({
      ...routes({ invoices: [invoice], account: { invoiced_cents: 119_000, paid_cents: 0, balance_cents: -119_000, entries: [] } }),
      'POST /api/v1/invoices/i-1/checkout': () => jsonResponse(201, { redirect_url: 'http://127.0.0.1:9/pay/cs_test_1', amount_cents: 119_000 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<BillingPanel studentId={STUDENT} studentName="Inès Martin" />, { session: demoSession });
    const row = await screen.findByTestId('invoice');
    expect(row).toHaveTextContent('F2026-000007');
    expect(row).toHaveTextContent('1 190,00 €');
    expect(within(row).getByRole('link', { name: 'PDF de F2026-000007' })).toHaveAttribute('href', '/api/v1/invoices/i-1.pdf');
    await user.click(within(row).getByRole('button', { name: 'Payer par carte la facture F2026-000007' }));
    await vi.waitFor(() => expect(leave).toHaveBeenCalledWith('http://127.0.0.1:9/pay/cs_test_1'));
  });

  it('says the payment was received when back from the provider’s page', async () => {
    mockFetch(routes({ invoices: [{ ...invoice, paid_cents: 119_000, due_cents: 0 }], account: { invoiced_cents: 119_000, paid_cents: 119_000, balance_cents: 0, entries: [] } }));
    const user = userEvent.setup();
    renderWithProviders(<BillingPanel studentId={STUDENT} studentName="Inès Martin" />, {
      session: demoSession,
      route: `/eleves/${STUDENT}?onglet=facturation&paiement=ok`,
    });
    expect(await screen.findByText('Paiement reçu, merci ! Il apparaîtra dans quelques secondes.')).toBeInTheDocument();
    expect(await screen.findByTestId('invoice')).toHaveTextContent('Réglée');
    // Paid: nothing left to take.
    expect(screen.queryByRole('button', { name: /^Encaisser/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Fermer le message' }));
    expect(screen.queryByText(/Paiement reçu/)).not.toBeInTheDocument();
  });

  it('refunds part of a payment with its reason: a new negative record, the payment row kept', async () => {
    const cheque = { id: 'pay-1', student_id: STUDENT, invoice_id: 'i-1', method: 'cheque', amount_cents: 50_000, received_at: '2026-12-07T10:05:00Z', reference: 'Chèque 0001234', refund_of: null, reason: null };
    const state = { payments: [cheque] as unknown[] };
    const { calls } = mockFetch({
      ...routes({ invoices: [invoice], account: { invoiced_cents: 119_000, paid_cents: 50_000, balance_cents: -69_000, entries: [] } }),
      'GET /api/v1/payments': () => jsonResponse(200, { items: state.payments, next_cursor: null }),
      'POST /api/v1/payments/pay-1/refunds': async (request) => {
        const body = (await request.clone().json()) as { amount_cents: number; reason: string };
        const refund = { ...cheque, id: 'pay-2', amount_cents: -body.amount_cents, reference: null, refund_of: 'pay-1', reason: body.reason };
        state.payments = [refund, cheque];
        return jsonResponse(201, refund);
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<BillingPanel studentId={STUDENT} studentName="Inès Martin" />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: /^Rembourser le paiement de 500,00\s€$/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Rembourser un paiement de 500,00\s€$/ });
    const amount = within(dialog).getByRole('textbox', { name: /Montant remboursé/ });
    await user.clear(amount);
    await user.type(amount, '600');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer le remboursement' }));
    expect(await within(dialog).findByText(/^Au plus 500,00\s€, le montant du paiement\.$/)).toBeInTheDocument();
    expect(within(dialog).getByText('Ce champ est obligatoire.')).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '200');
    await user.type(within(dialog).getByRole('textbox', { name: /Motif/ }), 'Leçons annulées');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer le remboursement' }));
    expect(await screen.findByText(/^Remboursement de 200,00\s€ enregistré\.$/)).toBeInTheDocument();
    const sent = (await calls.find((r) => r.url.endsWith('/refunds'))?.json()) as unknown;
    expect(sent).toEqual({ amount_cents: 20_000, reason: 'Leçons annulées' });
    const rows = await screen.findAllByTestId('payment');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Remboursement (Chèque)');
    expect(rows[0]).toHaveTextContent('Leçons annulées');
    // A refund is not refunded.
    expect(within(rows[0] as HTMLElement).queryByRole('button', { name: /Rembourser/ })).not.toBeInTheDocument();
  });

  it('takes a deposit on the account, with no invoice', async () => {
    const { calls } = mockFetch({
      ...routes({ invoices: [], account: { invoiced_cents: 0, paid_cents: 0, balance_cents: 0, entries: [] } }),
      'POST /api/v1/payments': async (request) => jsonResponse(201, { id: 'pay-9', received_at: '2026-12-07T10:05:00Z', refund_of: null, reason: null, ...((await request.clone().json()) as object) }),
    });
    const user = userEvent.setup();
    renderWithProviders(<BillingPanel studentId={STUDENT} studentName="Inès Martin" />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: 'Acompte' }));
    const dialog = await screen.findByRole('dialog', { name: 'Acompte — Inès Martin' });
    await user.type(within(dialog).getByRole('textbox', { name: /Montant/ }), '150');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer le règlement' }));
    expect(await screen.findByText(/^Règlement de 150,00\s€ enregistré\.$/)).toBeInTheDocument();
    const sent = (await calls.find((r) => r.method === 'POST' && r.url.endsWith('/api/v1/payments'))?.json()) as unknown;
    expect(sent).toEqual({ student_id: STUDENT, method: 'cash', amount_cents: 15_000, reference: null });
  });
});
