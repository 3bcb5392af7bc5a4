import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import SettingsPage, { type SchoolSettings } from './SettingsPage.tsx';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';

const settings: SchoolSettings = {
  alerts: { low_hours_minutes: 120 },
  ants_rule: 'block',
  billing: { legal_form: '', vat_number: '', payment_terms: 'Paiement à réception de la facture, sans escompte.', block_sale_beyond_contract: false },
  booklet_labels: { non_aborde: 'Non abordé', aborde: 'Abordé', traite: 'Traité', assimile: 'Assimilé' },
  booklet_rule: 'warn',
  charge_late_cancellations: true,
  cpf: { submitted_days: 3, accepted_days: 30, in_training_days: 180, service_done_days: 15, invoiced_days: 45, min_co_financing_cents: 10_000 },
  site: { published: false, template: 'classique', headline: '', intro: '', email: '' },
  external_calendar_rule: 'warn',
  exams: {
    aac_min_km: 3000,
    aac_min_meetings: 2,
    aac_min_months_after_affi: 12,
    absence_days: 45,
    ants_registration_blocks: true,
    booklet_blocks: false,
    late_cancellation_days: 45,
    late_cancellation_notice_days: 7,
    min_age_years: 17,
    min_driving_minutes: 1200,
    min_driving_minutes_automatic: 780,
    theory_min_days_before_booking: 0,
    theory_validity_years: 5,
    unknown_score_days: 30,
    waiting_bands: [],
  },
  late_cancel_hours: 48,
  notifications: { reminder_hours: 24, colour: '#1971c2', quiet_hours: { start: '21:00', end: '08:00' } },
  opening_hours: [],
  planning: {
    travel_rule: 'warn',
    detour_percent: 130,
    speed_kmh: 25,
    measured_legs: [],
    offer_hours: 12,
    max_offers: 20,
    student_self_booking: false,
    lesson_minutes: 60,
  },
  two_factor: 'optional',
  version: 3,
};

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('SettingsPage, notifications', () => {
  afterEach(() => setCsrfToken(null));

  it('edits the reminder delay, the e-mails’ colour and the quiet hours, and sends them with the version', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'PUT /api/v1/settings': async (request) => jsonResponse(200, { ...((await request.clone().json()) as object), version: 4 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Notifications' });
    const reminder = within(section).getByRole('textbox', { name: /Rappel avant une séance/ });
    expect(reminder).toHaveValue('24');
    await user.clear(reminder);
    await user.type(reminder, '48');
    const colour = within(section).getByRole('textbox', { name: /Couleur des e-mails/ });
    await user.clear(colour);
    await user.type(colour, '#ffe066');
    // Too light for the white school name of the e-mails: said.
    expect(await within(section).findByText(/Couleur trop claire/)).toBeInTheDocument();
    await user.clear(colour);
    await user.type(colour, '#862e9c');
    expect(within(section).queryByText(/Couleur trop claire/)).not.toBeInTheDocument();
    const start = within(section).getByLabelText('Début des heures calmes');
    expect(start).toHaveValue('21:00');
    await user.clear(start);
    await user.type(start, '22:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));

    expect(await screen.findByText('Réglages enregistrés.')).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'PUT')?.json()) as SchoolSettings;
    expect(body.version).toBe(3);
    expect(body.notifications).toEqual({ reminder_hours: 48, colour: '#862e9c', quiet_hours: { start: '22:00', end: '08:00' } });
  });

  it('shows the server’s refusal of the quiet hours under them', async () => {
    mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'PUT /api/v1/settings': () =>
        problemResponse(400, {
          detail: 'Certaines informations sont invalides.',
          errors: [{ field: 'notifications.quiet_hours', message: "Les heures calmes s'écrivent HH:MM (par exemple 21:00 et 08:00)." }],
        }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Notifications' });
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));
    expect(await within(section).findByText("Les heures calmes s'écrivent HH:MM (par exemple 21:00 et 08:00).")).toBeInTheDocument();
  });
});

describe('SettingsPage, billing', () => {
  afterEach(() => setCsrfToken(null));

  it('edits the legal mentions of the invoices and shows the server’s refusal under the VAT number', async () => {
    let puts = 0;
    const { calls } = mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'PUT /api/v1/settings': async (request) => {
        puts += 1;
        return puts === 1
          ? problemResponse(400, {
              detail: 'Certaines informations sont invalides.',
              errors: [{ field: 'billing.vat_number', message: "Le numéro de TVA s'écrit FR suivi de 11 caractères (par exemple FR40123456789)." }],
            })
          : jsonResponse(200, { ...((await request.clone().json()) as object), version: 4 });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Facturation' });
    expect(within(section).getByRole('textbox', { name: /Conditions de paiement/ })).toHaveValue('Paiement à réception de la facture, sans escompte.');
    await user.type(within(section).getByRole('textbox', { name: /Forme juridique/ }), 'SARL au capital de 8 000 €');
    const vat = within(section).getByRole('textbox', { name: /Numéro de TVA/ });
    await user.type(vat, 'FR123');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));
    expect(await within(section).findByText(/Le numéro de TVA s'écrit FR suivi de 11 caractères/)).toBeInTheDocument();

    await user.clear(vat);
    await user.type(vat, 'FR40123456789');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));
    expect(await screen.findByText('Réglages enregistrés.')).toBeInTheDocument();
    const body = (await calls.filter((r) => r.method === 'PUT')[1]?.json()) as SchoolSettings;
    expect(body.billing).toEqual({
      legal_form: 'SARL au capital de 8 000 €',
      vat_number: 'FR40123456789',
      payment_terms: 'Paiement à réception de la facture, sans escompte.',
      block_sale_beyond_contract: false,
    });
  });
});

describe('SettingsPage, CPF', () => {
  afterEach(() => setCsrfToken(null));

  it('edits the days before a dossier is stuck and the minimum co-financing, typed in euros and sent in cents', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'PUT /api/v1/settings': async (request) => jsonResponse(200, { ...((await request.clone().json()) as object), version: 4 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'CPF' });
    expect(within(section).getByText(/loi de finances 2026/)).toBeInTheDocument();
    const accepted = within(section).getByRole('textbox', { name: 'Accepté, formation non commencée' });
    expect(accepted).toHaveValue('30');
    await user.clear(accepted);
    await user.type(accepted, '21');
    const minimum = within(section).getByRole('textbox', { name: /Cofinancement minimum/ });
    expect(minimum).toHaveValue('100');
    await user.clear(minimum);
    await user.type(minimum, '150,5');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));

    expect(await screen.findByText('Réglages enregistrés.')).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'PUT')?.json()) as SchoolSettings;
    expect(body.cpf).toEqual({ submitted_days: 3, accepted_days: 21, in_training_days: 180, service_done_days: 15, invoiced_days: 45, min_co_financing_cents: 15_050 });
  });
});

describe('SettingsPage, public site', () => {
  afterEach(() => setCsrfToken(null));

  const published = { ...settings, site: { published: true, template: 'classique', headline: 'Le permis sans stress', intro: 'Depuis 1998.', email: 'contact@centre.test' } };
  /** A session whose school has a slug (when the server names it). */
  const withSlug = { ...demoSession, tenant: { ...demoSession.tenant, slug: 'auto-ecole-du-centre' } };

  it('publishes the site with a template, a headline, an introduction (counted) and a contact address', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'PUT /api/v1/settings': async (request) => jsonResponse(200, { ...((await request.clone().json()) as object), version: 4 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Site internet' });
    const publish = within(section).getByRole('switch', { name: /Publier le site/ });
    expect(publish).not.toBeChecked();
    await user.click(publish);
    await user.selectOptions(within(section).getByRole('combobox', { name: /Modèle/ }), 'Moderne');
    await user.type(within(section).getByRole('textbox', { name: /Titre de la page d’accueil/ }), 'Le permis sans stress');
    const intro = within(section).getByRole('textbox', { name: /Présentation de l’école/ });
    expect(intro).toHaveAccessibleDescription(/^0 \/ 600 caractères/);
    await user.type(intro, 'Depuis 1998.');
    expect(within(section).getByText(/^12 \/ 600 caractères/)).toBeInTheDocument();
    expect(intro).toHaveAttribute('maxlength', '600');
    await user.type(within(section).getByRole('textbox', { name: /E-mail de contact/ }), 'contact@centre.test');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));

    expect(await screen.findByText('Réglages enregistrés.')).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'PUT')?.json()) as SchoolSettings;
    expect(body.site).toEqual({ published: true, template: 'moderne', headline: 'Le permis sans stress', intro: 'Depuis 1998.', email: 'contact@centre.test' });
  });

  it('shows the server’s refusals under the site’s fields', async () => {
    mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, published),
      'PUT /api/v1/settings': () =>
        problemResponse(400, {
          detail: 'Certaines informations sont invalides.',
          errors: [
            { field: 'site.template', message: 'Le modèle est classique, moderne ou sobre.' },
            { field: 'site.headline', message: 'Le titre fait 120 caractères au plus.' },
            { field: 'site.intro', message: 'La présentation fait 600 caractères au plus.' },
            { field: 'site.email', message: "L'adresse e-mail n'est pas valide." },
          ],
        }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Site internet' });
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));
    expect(await within(section).findByText('Le modèle est classique, moderne ou sobre.')).toBeInTheDocument();
    expect(within(section).getByRole('combobox', { name: /Modèle/ })).toHaveAccessibleDescription(/Le modèle est classique, moderne ou sobre\./);
    expect(within(section).getByRole('textbox', { name: /Titre de la page d’accueil/ })).toHaveAccessibleDescription(/Le titre fait 120 caractères au plus\./);
    expect(within(section).getByRole('textbox', { name: /Présentation de l’école/ })).toHaveAccessibleDescription(/La présentation fait 600 caractères au plus\./);
    expect(within(section).getByRole('textbox', { name: /E-mail de contact/ })).toHaveAccessibleDescription(/L'adresse e-mail n'est pas valide\./);
  });

  it('links to the published site in a new tab when the school’s address is known', async () => {
    mockFetch({ 'GET /api/v1/settings': () => jsonResponse(200, published) });
    const { unmount } = renderWithProviders(<SettingsPage />, { session: withSlug });
    const section = await screen.findByRole('region', { name: 'Site internet' });
    const link = within(section).getByRole('link', { name: 'Voir le site (nouvel onglet)' });
    expect(link).toHaveAttribute('href', '/sites/auto-ecole-du-centre/');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    unmount();

    // Not published: no link, the address would answer "page introuvable".
    mockFetch({ 'GET /api/v1/settings': () => jsonResponse(200, settings) });
    const second = renderWithProviders(<SettingsPage />, { session: withSlug });
    expect(await screen.findByRole('region', { name: 'Site internet' })).toBeInTheDocument();
    expect(screen.getByTitle(/Aperçu de la page d’accueil/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Voir le site/ })).not.toBeInTheDocument();
    second.unmount();

    // A slug that is not one: no address to build, no link.
    mockFetch({ 'GET /api/v1/settings': () => jsonResponse(200, published) });
    renderWithProviders(<SettingsPage />, { session: { ...demoSession, tenant: { ...demoSession.tenant, slug: '' } } });
    expect(await screen.findByRole('region', { name: 'Site internet' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Voir le site/ })).not.toBeInTheDocument();
  });
});

describe('SettingsPage, smart planning', () => {
  afterEach(() => setCsrfToken(null));

  const agency = {
    id: '00000000-0000-4000-8000-0000000000c1',
    name: 'Tours Centre',
    meeting_points: [
      { id: '00000000-0000-4000-8000-0000000000d1', label: 'Agence', address: '12 rue Nationale', latitude: 47.393, longitude: 0.6877 },
      { id: '00000000-0000-4000-8000-0000000000d2', label: 'Gare de Tours', address: null, latitude: null, longitude: null },
    ],
    rooms: [],
    closures: [],
    opening_hours: [],
  };

  it('edits the travel rule, the estimate, the offers, the students’ booking and a measured trip', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/settings': () => jsonResponse(200, settings),
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency] }),
      'PUT /api/v1/settings': async (request) => jsonResponse(200, { ...((await request.clone().json()) as object), version: 4 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />, { session: demoSession });
    const section = await screen.findByRole('region', { name: 'Planning intelligent' });
    expect(within(section).getByRole('radio', { name: 'Avertir seulement' })).toBeChecked();
    await user.click(within(section).getByRole('radio', { name: 'Refuser la séance' }));
    const speed = within(section).getByRole('textbox', { name: /Vitesse moyenne en ville/ });
    expect(speed).toHaveValue('25');
    await user.clear(speed);
    await user.type(speed, '30');
    await user.click(within(section).getByRole('switch', { name: /Les élèves réservent eux-mêmes/ }));
    expect(within(section).getByText('Aucun trajet mesuré.')).toBeInTheDocument();

    await user.click(within(section).getByRole('button', { name: '+ Ajouter un trajet mesuré' }));
    // Saving with a point missing is refused here, under the point.
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));
    expect(calls.some((r) => r.method === 'PUT')).toBe(false);
    /** Picks an option in the dropdown of that Select (each keeps its own list in the page). */
    const pick = async (name: string, option: string) => {
      const input = within(section).getByRole('combobox', { name });
      await user.click(input);
      const list = await waitFor(() => {
        const el = document.getElementById(input.getAttribute('aria-controls') ?? '');
        if (!el) throw new Error('no list');
        return el;
      });
      await user.click(await within(list).findByRole('option', { name: option, hidden: true }));
    };
    await pick('Trajet mesuré 1, départ', 'Tours Centre — Agence');
    await pick('Trajet mesuré 1, arrivée', 'Tours Centre — Gare de Tours');
    const minutes = within(section).getByRole('textbox', { name: 'Trajet mesuré 1, durée en minutes' });
    await user.clear(minutes);
    await user.type(minutes, '7');
    await user.click(screen.getByRole('button', { name: 'Enregistrer les réglages' }));

    expect(await screen.findByText('Réglages enregistrés.')).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'PUT')?.json()) as SchoolSettings;
    expect(body.planning).toEqual({
      ...settings.planning,
      travel_rule: 'block',
      speed_kmh: 30,
      student_self_booking: true,
      measured_legs: [{ from: agency.meeting_points[0]?.id, to: agency.meeting_points[1]?.id, minutes: 7 }],
    });
  });
});
