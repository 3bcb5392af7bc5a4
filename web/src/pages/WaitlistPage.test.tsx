import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import WaitlistPage from './WaitlistPage.tsx';
import type { WaitlistEntry, WaitlistOffer } from './waitlist/api.ts';

const JULIEN = '00000000-0000-4000-8000-00000000000a';
const SOPHIE = '00000000-0000-4000-8000-00000000000b';
const LEA = '00000000-0000-4000-8000-000000000201';
const HOUR = 3_600_000;
const inHours = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();

const instructor = (id: string, first: string, last: string) => ({
  id,
  first_name: first,
  last_name: last,
  active: true,
  agency_id: '00000000-0000-4000-8000-0000000000c1',
  colour: '#1971c2',
});

const ENTRY: WaitlistEntry = {
  id: '00000000-0000-4000-8000-000000000401',
  student_id: LEA,
  student_name: 'Léa Martin',
  windows: [
    { weekday: 3, start: '08:00', end: '12:00' },
    { weekday: 6, start: '09:00', end: '13:00' },
  ],
  instructor_ids: [JULIEN, SOPHIE],
  note: 'Pas le mercredi après 12 h',
  exam_at: '2026-12-18T08:00:00Z',
  created_at: '2026-11-20T09:00:00Z',
  version: 2,
};

const OFFER: WaitlistOffer = {
  id: '00000000-0000-4000-8000-000000000301',
  student_id: LEA,
  student_name: 'Léa Martin',
  freed_lesson_id: '00000000-0000-4000-8000-000000000901',
  rank: 2,
  starts_at: inHours(50),
  ends_at: inHours(51),
  instructor_id: JULIEN,
  instructor_name: 'Julien Moreau',
  vehicle_id: null,
  meeting_point: 'Gare de Tours',
  status: 'offered',
  expires_at: inHours(12),
  booked_lesson_id: null,
  created_at: inHours(-1),
};

function routes(extra: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  return mockFetch({
    'GET /api/v1/waitlist': () => jsonResponse(200, [ENTRY]),
    'GET /api/v1/waitlist/offers': () => jsonResponse(200, [OFFER, { ...OFFER, id: 'autre', status: 'declined', rank: 1, student_name: 'Paul Durand' }]),
    'GET /api/v1/instructors': () => jsonResponse(200, { items: [instructor(JULIEN, 'Julien', 'Moreau'), instructor(SOPHIE, 'Sophie', 'Lambert')], next_cursor: null }),
    ...extra,
  });
}

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('WaitlistPage (office)', () => {
  afterEach(() => setCsrfToken(null));

  it('lists the waiting students with their windows in French, instructors, next exam and since when', async () => {
    routes();
    renderWithProviders(<WaitlistPage />, { session: { ...demoSession, role: 'SECRETARY' } });
    expect(screen.getByRole('heading', { level: 1, name: "Liste d'attente" })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: "Élèves inscrits sur la liste d'attente" });
    const row = within(table).getByTestId('waitlist-entry');
    expect(within(row).getByRole('link', { name: 'Léa Martin' })).toHaveAttribute('href', `/eleves/${LEA}`);
    expect(row).toHaveTextContent('mer. 08:00–12:00');
    expect(row).toHaveTextContent('sam. 09:00–13:00');
    expect(row).toHaveTextContent('Pas le mercredi après 12 h');
    expect(await within(row).findByText('Julien Moreau, Sophie Lambert')).toBeInTheDocument();
    expect(row).toHaveTextContent('18 décembre 2026');
    expect(row).toHaveTextContent('20 novembre 2026');

    const offers = screen.getByRole('table', { name: 'Propositions des 30 derniers jours, les plus proches d’abord' });
    const [open, declined] = within(offers).getAllByTestId('waitlist-offer') as [HTMLElement, HTMLElement];
    expect(within(open).getByText('Proposé')).toBeInTheDocument();
    expect(open).toHaveTextContent('Julien Moreau · Gare de Tours');
    expect(open).toHaveTextContent('2ᵉ');
    expect(within(declined).getByText('Refusé')).toBeInTheDocument();
    // Only an open offer can be accepted for the student.
    expect(within(open).getByRole('button', { name: /^Accepter pour l'élève : Léa Martin/ })).toBeInTheDocument();
    expect(within(declined).queryByRole('button')).not.toBeInTheDocument();
  });

  it('accepts an offer for the student, and says "Déjà pris" when someone was faster', async () => {
    let tries = 0;
    routes({
      [`POST /api/v1/waitlist/offers/${OFFER.id}/accept`]: () => {
        tries += 1;
        return tries === 1
          ? problemResponse(409, { detail: 'Déjà pris : un autre élève a accepté ce créneau avant vous.', conflicts: [{ resource: 'waitlist_offer' }] })
          : jsonResponse(201, { lesson: { id: 'l1', starts_at: OFFER.starts_at, ends_at: OFFER.ends_at }, warnings: [] });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<WaitlistPage />, { session: demoSession });
    const button = await screen.findByRole('button', { name: /^Accepter pour l'élève : Léa Martin/ });
    await user.click(button);
    expect(await screen.findByRole('alert')).toHaveTextContent('Léa Martin — ');
    expect(screen.getByRole('alert')).toHaveTextContent('Déjà pris : un autre élève a accepté ce créneau avant vous.');
    await user.click(screen.getByRole('button', { name: /^Accepter pour l'élève : Léa Martin/ }));
    expect(await screen.findByText(/^Créneau du .* réservé pour Léa Martin\.$/)).toBeInTheDocument();
  });

  it('changes a student’s windows in the dialog and sends the whole entry', async () => {
    const { calls } = routes({
      'POST /api/v1/waitlist': async (request) => jsonResponse(200, { ...ENTRY, ...((await request.clone().json()) as object), version: 3 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<WaitlistPage />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: 'Modifier les disponibilités de Léa Martin' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disponibilités de Léa Martin' });
    expect(within(dialog).getByTestId('student-picker')).toBeDisabled();
    expect(within(dialog).getAllByTestId('window-row')).toHaveLength(2);
    await user.click(within(dialog).getByRole('button', { name: 'Supprimer le créneau 2' }));
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Disponibilités de Léa Martin enregistrées.')).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'POST')?.json()) as Record<string, unknown>;
    expect(body).toEqual({
      student_id: LEA,
      windows: [{ weekday: 3, start: '08:00', end: '12:00' }],
      instructor_ids: [JULIEN, SOPHIE],
      note: 'Pas le mercredi après 12 h',
    });
  });

  it('shows the server’s refusal of a window under its row', async () => {
    routes({
      'POST /api/v1/waitlist': () =>
        problemResponse(400, { detail: 'Certaines informations sont invalides.', errors: [{ field: 'windows[1]', message: 'Ce créneau chevauche le précédent.' }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<WaitlistPage />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: 'Modifier les disponibilités de Léa Martin' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disponibilités de Léa Martin' });
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    const rows = within(dialog).getAllByTestId('window-row');
    expect(await within(rows[1] as HTMLElement).findByText('Ce créneau chevauche le précédent.')).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByLabelText('Créneau 2, début')).toHaveAttribute('aria-invalid', 'true');
  });

  it('removes a student after confirmation', async () => {
    const { calls } = routes({ [`DELETE /api/v1/waitlist/${ENTRY.id}`]: () => new Response(null, { status: 204 }) });
    const user = userEvent.setup();
    renderWithProviders(<WaitlistPage />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: "Retirer Léa Martin de la liste d'attente" }));
    const dialog = await screen.findByRole('dialog', { name: "Retirer de la liste d'attente" });
    await user.click(within(dialog).getByRole('button', { name: 'Retirer' }));
    expect(await screen.findByText("Léa Martin n'est plus sur la liste d'attente.")).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'DELETE')).toBe(true);
  });
});
