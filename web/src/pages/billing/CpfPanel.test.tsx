import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { CpfPanel } from './CpfPanel.tsx';

const STUDENT = 's-1';
const PATH = `/api/v1/students/${STUDENT}/cpf`;

const dossier = {
  student_id: STUDENT,
  edof_number: '202611000421',
  status: 'accepted',
  status_since: '2026-10-27',
  amount_cents: 120_000,
  co_financing_cents: 0,
  job_seeker: false,
  note: null,
  version: 3,
  stuck_days: 40,
  next_statuses: ['in_training', 'cancelled'],
  warnings: [{ code: 'cpf_co_financing', message: 'Depuis la loi de finances 2026, le CPF ne finance le permis B que pour un demandeur d’emploi…' }],
  updated_at: '2026-10-27T09:00:00Z',
};

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('CpfPanel', () => {
  afterEach(() => setCsrfToken(null));

  it('says there is no dossier, and opens one with amounts in euros and the status EDOF shows', async () => {
    let created: object | null = null;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => (created ? jsonResponse(200, created) : problemResponse(404, {})),
      [`PATCH ${PATH}`]: async (request) => {
        const body = (await request.clone().json()) as { status: string };
        created = { ...dossier, ...body, stuck_days: null, warnings: [], version: 1, next_statuses: ['in_training', 'cancelled'] };
        return jsonResponse(200, created);
      },
      'GET /api/v1/alerts': () => jsonResponse(200, { items: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<CpfPanel studentId={STUDENT} />, { session: demoSession });
    expect(await screen.findByText('Pas de dossier CPF.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Ouvrir un dossier CPF' }));
    const dialog = await screen.findByRole('dialog', { name: 'Ouvrir le dossier CPF' });
    expect(within(dialog).getByRole('combobox', { name: /Statut sur EDOF/ })).toHaveValue('En attente de validation');
    // Nothing typed: the required fields say so, nothing is sent.
    await user.click(within(dialog).getByRole('button', { name: 'Ouvrir le dossier' }));
    expect(await within(dialog).findByText('Ce champ est obligatoire.')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /N° de dossier EDOF/ }), '202612000907');
    await user.type(within(dialog).getByRole('textbox', { name: /Montant financé par le CPF/ }), '1 190,50');
    await user.type(within(dialog).getByRole('textbox', { name: /Cofinancement/ }), '150');
    await user.click(within(dialog).getByRole('checkbox', { name: 'L’élève est demandeur d’emploi' }));
    await user.click(within(dialog).getByRole('combobox', { name: /Statut sur EDOF/ }));
    await user.click(await within(dialog).findByRole('option', { name: 'Accepté', hidden: true }));
    await user.click(within(dialog).getByRole('button', { name: 'Ouvrir le dossier' }));

    expect(await screen.findByText('Dossier CPF ouvert.')).toBeInTheDocument();
    const patch = calls.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({
      edof_number: '202612000907',
      amount_cents: 119_050,
      co_financing_cents: 15_000,
      job_seeker: true,
      note: null,
      status: 'accepted',
    });
    expect(await screen.findByTestId('cpf-status')).toHaveTextContent('Accepté depuis le 27/10/2026');
  });

  it('shows the stuck dossier, its warnings and steps, and moves it to the next status with its version', async () => {
    let current: object = dossier;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, current),
      [`PATCH ${PATH}`]: () => {
        current = { ...dossier, status: 'in_training', status_since: '2026-12-06', stuck_days: null, version: 4, next_statuses: ['service_done', 'cancelled'] };
        return jsonResponse(200, current);
      },
      'GET /api/v1/alerts': () => jsonResponse(200, { items: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<CpfPanel studentId={STUDENT} />, { session: demoSession });
    expect(await screen.findByTestId('cpf-stuck')).toHaveTextContent('Dossier bloqué depuis 40 jours : à relancer sur EDOF.');
    expect(screen.getByTestId('cpf-warning')).toHaveTextContent(/loi de finances 2026/);
    const steps = within(screen.getByRole('list', { name: 'Étapes du dossier sur EDOF' })).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual([
      '✓En attente de validation (étape passée)',
      'Accepté (statut actuel)',
      'En formation (étape à venir)',
      'Service fait (étape à venir)',
      'Facturé (étape à venir)',
      'Payé (étape à venir)',
    ]);
    expect(steps[1]).toHaveAttribute('aria-current', 'step');
    expect(screen.getByText('202611000421')).toBeInTheDocument();
    expect(screen.getByText(/^1\s200,00\s€$/)).toBeInTheDocument();

    const actions = screen.getByRole('group', { name: 'Changer le statut du dossier' });
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual(['Passer à « En formation »', 'Annuler le dossier']);
    await user.click(within(actions).getByRole('button', { name: 'Passer à « En formation »' }));
    expect(await screen.findByText('Dossier CPF : statut « En formation » enregistré.')).toBeInTheDocument();
    expect(await calls.find((r) => r.method === 'PATCH')?.json()).toEqual({ edof_number: '202611000421', amount_cents: 120_000, status: 'in_training', version: 3 });
    expect(screen.getByTestId('cpf-status')).toHaveTextContent('En formation depuis le 06/12/2026');
    expect(screen.queryByTestId('cpf-stuck')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Passer à « Service fait »' })).toBeInTheDocument();
  });

  it('asks before cancelling, and says when someone else changed the dossier meanwhile', async () => {
    let gets = 0;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => {
        gets += 1;
        return jsonResponse(200, gets === 1 ? dossier : { ...dossier, version: 5, status: 'in_training', stuck_days: null, next_statuses: ['service_done', 'cancelled'] });
      },
      [`PATCH ${PATH}`]: () => problemResponse(412, { detail: 'Modifié entre-temps.', current: {} }),
    });
    const user = userEvent.setup();
    renderWithProviders(<CpfPanel studentId={STUDENT} />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: 'Annuler le dossier' }));
    const dialog = await screen.findByRole('dialog', { name: 'Annuler le dossier CPF ?' });
    expect(dialog).toHaveTextContent('Le dossier 202611000421 passera au statut « Annulé »');
    expect(calls.some((r) => r.method === 'PATCH')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Annuler le dossier' }));
    expect(await screen.findByText(/Ce dossier CPF a été modifié entre-temps/)).toBeInTheDocument();
    expect(await calls.find((r) => r.method === 'PATCH')?.json()).toEqual({ edof_number: '202611000421', amount_cents: 120_000, status: 'cancelled', version: 3 });
    // Reloaded: the dossier as it is now.
    expect(await screen.findByText('En formation', { selector: '[data-testid="cpf-status"] *' })).toBeInTheDocument();
  });
});
