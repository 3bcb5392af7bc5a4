import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import MyWaitlistPage from './MyWaitlistPage.tsx';
import type { Suggestion, WaitlistEntry, WaitlistOffer } from './waitlist/api.ts';

const STUDENT_ID = '00000000-0000-4000-8000-000000000201';
const JULIEN = '00000000-0000-4000-8000-00000000000a';
const session = {
  ...demoSession,
  role: 'STUDENT' as const,
  user: { ...demoSession.user, email: 'eleve@demo.volant.test', display_name: 'Léa Martin' },
  student_id: STUDENT_ID,
};

const HOUR = 3_600_000;
/** An instant `hours` from now, on the hour (the offers are in the future whenever the test runs). */
const inHours = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString();

function offer(id: string, overrides: Partial<WaitlistOffer> = {}): WaitlistOffer {
  return {
    id,
    student_id: STUDENT_ID,
    student_name: 'Léa Martin',
    freed_lesson_id: `${id}-freed`,
    rank: 1,
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
    ...overrides,
  };
}

const OPEN = offer('00000000-0000-4000-8000-000000000301');
const TAKEN = offer('00000000-0000-4000-8000-000000000302', { status: 'taken', starts_at: inHours(-30), ends_at: inHours(-29), expires_at: inHours(-40) });
const EXPIRED = offer('00000000-0000-4000-8000-000000000303', { starts_at: inHours(5), ends_at: inHours(6), expires_at: inHours(-1) });

const ENTRY: WaitlistEntry = {
  id: '00000000-0000-4000-8000-000000000401',
  student_id: STUDENT_ID,
  student_name: 'Léa Martin',
  windows: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '20:00' })),
  instructor_ids: [],
  note: null,
  exam_at: null,
  created_at: '2026-11-20T09:00:00Z',
  version: 1,
};

const SUGGESTION: Suggestion = {
  starts_at: inHours(74),
  ends_at: inHours(75),
  instructor_id: JULIEN,
  instructor_name: 'Julien Moreau',
  vehicle_id: '00000000-0000-4000-8000-000000000501',
  vehicle_plate: 'AB-123-CD',
  meeting_point: 'Agence',
  referent: true,
  warnings: [],
};

const LESSON = {
  id: '00000000-0000-4000-8000-000000000601',
  kind: 'driving',
  status: 'planned',
  starts_at: OPEN.starts_at,
  ends_at: OPEN.ends_at,
  student_id: STUDENT_ID,
  instructor_id: JULIEN,
  attendee_ids: [],
  warnings: [],
  version: 1,
};

function routes(extra: Record<string, (request: Request) => Response | Promise<Response>> = {}, offers: WaitlistOffer[] = [OPEN, TAKEN, EXPIRED]) {
  return mockFetch({
    'GET /api/v1/waitlist': () => jsonResponse(200, [ENTRY]),
    'GET /api/v1/waitlist/offers': () => jsonResponse(200, offers),
    [`GET /api/v1/students/${STUDENT_ID}/suggestions`]: () => jsonResponse(200, [SUGGESTION]),
    'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
    ...extra,
  });
}

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('MyWaitlistPage', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the open offer with big buttons, the windows and the past offers with their state', async () => {
    routes();
    renderWithProviders(<MyWaitlistPage />, { session });
    expect(screen.getByRole('heading', { level: 1, name: "Liste d'attente" })).toBeInTheDocument();

    const open = await screen.findByRole('list', { name: 'Créneaux qui vous sont proposés' });
    const cards = within(open).getAllByTestId('open-offer');
    expect(cards).toHaveLength(1);
    const card = cards[0] as HTMLElement;
    expect(card).toHaveTextContent('Avec Julien Moreau');
    expect(card).toHaveTextContent('Rendez-vous : Gare de Tours');
    expect(card).toHaveTextContent(/Répondez avant le/);
    expect(within(card).getByRole('button', { name: /^Accepter le créneau du / })).toBeEnabled();
    expect(within(card).getByRole('button', { name: /^Refuser le créneau du / })).toBeEnabled();

    const entry = screen.getByTestId('my-entry');
    expect(await within(entry).findByText('lun.–sam. 08:00–20:00')).toBeInTheDocument();
    expect(within(entry).getByRole('button', { name: 'Modifier mes disponibilités' })).toBeInTheDocument();

    const past = screen.getByRole('list', { name: 'Propositions passées' });
    const states = within(past).getAllByTestId('past-offer').map((li) => li.getAttribute('data-status'));
    // The expired one (a later slot) first, then the one taken by someone else.
    expect(states).toEqual(['expired', 'taken']);
    expect(within(past).getByText('Expiré')).toBeInTheDocument();
    expect(within(past).getByText('Déjà pris')).toBeInTheDocument();
  });

  it('accepts an offer: "Leçon réservée" takes the focus and the lists are asked again', async () => {
    let accepted = false;
    const { calls } = routes({
      [`POST /api/v1/waitlist/offers/${OPEN.id}/accept`]: () => {
        accepted = true;
        return jsonResponse(201, { lesson: LESSON, warnings: [] });
      },
      'GET /api/v1/waitlist/offers': () =>
        jsonResponse(200, accepted ? [{ ...OPEN, status: 'accepted', booked_lesson_id: LESSON.id }, TAKEN] : [OPEN, TAKEN]),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    const card = await screen.findByTestId('open-offer');
    await user.click(within(card).getByRole('button', { name: /^Accepter le créneau du / }));

    const booked = await screen.findByTestId('booked');
    expect(booked).toHaveTextContent('Leçon réservée');
    expect(booked).toHaveTextContent(/Votre leçon du .* est dans votre planning\./);
    expect(within(booked).getByRole('link', { name: 'Voir mon planning' })).toHaveAttribute('href', '/mon-planning');
    await waitFor(() => expect(booked).toHaveFocus());
    expect(await screen.findByText("Aucun créneau proposé pour l'instant.")).toBeInTheDocument();
    const accept = calls.find((r) => r.method === 'POST');
    expect(accept?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(calls.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/waitlist/offers').length).toBeGreaterThanOrEqual(2);
  });

  it('says "Déjà pris" when another student was faster', async () => {
    routes({
      [`POST /api/v1/waitlist/offers/${OPEN.id}/accept`]: () =>
        problemResponse(409, { detail: 'Déjà pris : un autre élève a accepté ce créneau avant vous.', conflicts: [{ resource: 'waitlist_offer' }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    const card = await screen.findByTestId('open-offer');
    await user.click(within(card).getByRole('button', { name: /^Accepter le créneau du / }));
    const alert = await screen.findByTestId('offer-refusal');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Déjà pris : un autre élève a accepté ce créneau avant vous.');
    expect(screen.queryByTestId('booked')).not.toBeInTheDocument();
  });

  it('says why an expired offer cannot be accepted (422)', async () => {
    routes({
      [`POST /api/v1/waitlist/offers/${OPEN.id}/accept`]: () =>
        problemResponse(422, { detail: 'Règle non respectée.', rules: [{ code: 'waitlist_offer_expired', message: 'Cette proposition a expiré.' }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    await user.click(within(await screen.findByTestId('open-offer')).getByRole('button', { name: /^Accepter/ }));
    expect(await screen.findByTestId('offer-refusal')).toHaveTextContent('Cette proposition a expiré.');
  });

  it('declines an offer', async () => {
    const { calls } = routes({
      [`POST /api/v1/waitlist/offers/${OPEN.id}/decline`]: () => jsonResponse(200, { ...OPEN, status: 'declined' }),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    await user.click(within(await screen.findByTestId('open-offer')).getByRole('button', { name: /^Refuser/ }));
    expect(await screen.findByText('Créneau refusé : il est proposé aux autres élèves.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'POST' && r.url.endsWith('/decline'))).toBe(true);
  });

  it('offers the free slots with "Réserver", and says the school’s refusal instead of the buttons (403)', async () => {
    routes({
      [`POST /api/v1/students/${STUDENT_ID}/suggestions/book`]: () =>
        problemResponse(403, { detail: "L'école ne permet pas aux élèves de réserver eux-mêmes : contactez le secrétariat." }),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    const list = await screen.findByRole('list', { name: 'Créneaux disponibles' });
    const slot = within(list).getByTestId('suggestion');
    expect(slot).toHaveTextContent('Avec Julien Moreau');
    expect(within(slot).getByText('Votre moniteur référent')).toBeInTheDocument();
    await user.click(within(slot).getByRole('button', { name: /^Réserver le créneau du / }));
    const refused = await screen.findByTestId('booking-refused');
    expect(refused).toHaveTextContent("L'école ne permet pas aux élèves de réserver eux-mêmes : contactez le secrétariat.");
    expect(within(list).queryByRole('button', { name: /^Réserver/ })).not.toBeInTheDocument();
  });

  it('books a free slot when the school allows it', async () => {
    const { calls } = routes({
      [`POST /api/v1/students/${STUDENT_ID}/suggestions/book`]: () =>
        jsonResponse(201, { lesson: { ...LESSON, starts_at: SUGGESTION.starts_at, ends_at: SUGGESTION.ends_at }, warnings: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    const slot = await screen.findByTestId('suggestion');
    await user.click(within(slot).getByRole('button', { name: /^Réserver/ }));
    expect(await screen.findByTestId('booked')).toHaveTextContent('Leçon réservée');
    const body = (await calls.find((r) => r.method === 'POST')?.json()) as Record<string, unknown>;
    expect(body).toEqual({
      starts_at: SUGGESTION.starts_at,
      ends_at: SUGGESTION.ends_at,
      instructor_id: JULIEN,
      vehicle_id: SUGGESTION.vehicle_id,
      meeting_point: 'Agence',
    });
  });

  it('joins the waitlist with the windows typed', async () => {
    const { calls } = routes(
      {
        'GET /api/v1/waitlist': () => jsonResponse(200, []),
        'POST /api/v1/waitlist': async (request) =>
          jsonResponse(201, { ...ENTRY, ...((await request.clone().json()) as object), id: ENTRY.id, student_name: 'Léa Martin', version: 1 }),
      },
      [],
    );
    const user = userEvent.setup();
    renderWithProviders(<MyWaitlistPage />, { session });
    expect(await screen.findByText("Vous n'êtes pas sur la liste d'attente.")).toBeInTheDocument();
    expect(screen.getByText("Aucun créneau proposé pour l'instant.")).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: "M'inscrire" }));

    const dialog = await screen.findByRole('dialog', { name: "M'inscrire sur la liste d'attente" });
    // No student picker: a student states their own windows.
    expect(within(dialog).queryByTestId('student-picker')).not.toBeInTheDocument();
    await user.selectOptions(within(dialog).getByLabelText('Créneau 1, jour'), 'Mercredi');
    const end = within(dialog).getByLabelText('Créneau 1, fin');
    await user.clear(end);
    await user.type(end, '07:00');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    // 08:00 → 07:00: refused here, under the row.
    expect(await within(dialog).findByText("L'heure de fin doit être après l'heure de début.")).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'POST')).toBe(false);

    await user.clear(end);
    await user.type(end, '12:00');
    await user.click(within(dialog).getByRole('button', { name: '+ Ajouter un créneau' }));
    expect(within(dialog).getByLabelText('Créneau 2, jour')).toHaveValue('4');
    await user.click(within(dialog).getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText("Votre inscription sur la liste d'attente est enregistrée.")).toBeInTheDocument();
    const body = (await calls.find((r) => r.method === 'POST')?.json()) as Record<string, unknown>;
    expect(body).toEqual({
      student_id: STUDENT_ID,
      windows: [
        { weekday: 3, start: '08:00', end: '12:00' },
        { weekday: 4, start: '08:00', end: '12:00' },
      ],
      instructor_ids: [],
      note: null,
    });
  });
});
