import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { addDays } from '../../lib/holidays.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { RdvPermisPlaces } from './RdvPermisPlaces.tsx';
import { bookingBody, centreLabel, connectorMissing, defaultSearch, placesQuery, validSearch, type RdvBooking, type RdvPlace } from './rdvPermisApi.ts';

const ZONE = 'Europe/Paris';
const STUDENT = {
  id: 's-1',
  first_name: 'Inès',
  last_name: 'Candidate',
  civility: 'mme',
  birth_date: '2005-02-01',
  neph: '120000001234',
  status: 'active',
};
const CENTRES = [
  { id: 'c-1', name: 'Centre de Paris Nord', city: 'Paris' },
  { id: 'c-2', name: 'Centre de Créteil', city: 'Créteil' },
];
const PLACE: RdvPlace = { id: 'p-1', centre_id: 'c-1', centre_name: 'Centre de Paris Nord', starts_at: '2030-01-15T08:30:00Z', category: 'B' };
const OTHER: RdvPlace = { id: 'p-2', centre_id: 'c-2', centre_name: null, starts_at: '2030-01-16T13:00:00Z', category: 'B' };
const BOOKING: RdvBooking = {
  id: 'b-1',
  student_id: STUDENT.id,
  exam_id: 'e-1',
  place_id: PLACE.id,
  remote_id: 'R-1',
  centre: 'Centre de Paris Nord',
  starts_at: PLACE.starts_at,
  status: 'booked',
  created_at: '2029-12-01T10:00:00Z',
};
const CONNECTOR_DETAIL = "RdvPermis n'est pas connecté : un administrateur le connecte dans « Connecteurs ».";
const RULES = [
  { code: 'theory_test', message: 'Aucune réussite à l’épreuve théorique (code) enregistrée.' },
  { code: 'driving_hours', message: 'Encore 20 h de conduite à faire (0 h sur 20 h).' },
];

beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

afterEach(() => setCsrfToken(null));

const common = {
  'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
  'GET /api/v1/vehicles': () => jsonResponse(200, { items: [], next_cursor: null }),
  'GET /api/v1/students': () => jsonResponse(200, { items: [STUDENT], next_cursor: null }),
  [`GET /api/v1/students/${STUDENT.id}`]: () => jsonResponse(200, STUDENT),
  'GET /api/v1/rdvpermis/centres': () => jsonResponse(200, { items: CENTRES }),
};

function renderAs(role: 'ADMIN' | 'SECRETARY') {
  return renderWithProviders(<RdvPermisPlaces />, { session: { ...demoSession, role } });
}

async function pickStudent(user: ReturnType<typeof userEvent.setup>, dialog: HTMLElement) {
  const input = within(dialog).getByRole('combobox', { name: /Élève/ });
  await user.click(input);
  await user.type(input, 'ines');
  await user.click(await screen.findByRole('option', { name: /^Inès Candidate/, hidden: true }));
}

describe('RdvPermis: the pure part', () => {
  it('searches from today for four weeks, from midnight of the first day to midnight after the last, in the school zone', () => {
    expect(defaultSearch('2026-12-07')).toEqual({ centre: null, fromDay: '2026-12-07', toDay: '2027-01-04' });
    expect(placesQuery({ centre: 'c-1', fromDay: '2026-12-07', toDay: '2027-01-04' }, ZONE)).toEqual({
      centre: 'c-1',
      from: '2026-12-06T23:00:00Z',
      to: '2027-01-04T23:00:00Z',
    });
    // Across the spring change: midnight is at +02:00 after it.
    expect(placesQuery({ centre: null, fromDay: '2027-03-27', toDay: '2027-03-28' }, ZONE).to).toBe('2027-03-28T22:00:00Z');
    expect(validSearch({ centre: null, fromDay: '2026-12-07', toDay: '2026-12-07' })).toBe(true);
    expect(validSearch({ centre: null, fromDay: '2026-12-08', toDay: '2026-12-07' })).toBe(false);
    expect(validSearch({ centre: null, fromDay: '', toDay: '2026-12-07' })).toBe(false);
  });

  it('sends the instructor, the vehicle and the reason only when given', () => {
    expect(bookingBody('p-1', { student_id: null, instructor_id: null, vehicle_id: null }, null)).toBeNull();
    expect(bookingBody('p-1', { student_id: 's-1', instructor_id: null, vehicle_id: null }, '  ')).toEqual({ student_id: 's-1', place_id: 'p-1' });
    expect(bookingBody('p-1', { student_id: 's-1', instructor_id: 'i-1', vehicle_id: 'v-1' }, ' Vérifié ')).toEqual({
      student_id: 's-1',
      place_id: 'p-1',
      instructor_id: 'i-1',
      vehicle_id: 'v-1',
      override_reason: 'Vérifié',
    });
  });

  it('tells the missing connector from other refusals, and names a centre', () => {
    const missing = new ApiError({ status: 422, detail: CONNECTOR_DETAIL, rules: [{ code: 'rdvpermis_connector', message: 'x' }] });
    expect(connectorMissing(missing)).toBe(CONNECTOR_DETAIL);
    expect(connectorMissing(new ApiError({ status: 422, rules: RULES }))).toBeNull();
    expect(connectorMissing(new ApiError({ status: 503, detail: 'Indisponible' }))).toBeNull();
    expect(connectorMissing(new Error('boom'))).toBeNull();
    expect(centreLabel(PLACE, CENTRES)).toBe('Centre de Paris Nord');
    expect(centreLabel(OTHER, CENTRES)).toBe('Centre de Créteil');
    expect(centreLabel({ centre_id: 'c-9', centre_name: null }, CENTRES)).toBe('c-9');
  });
});

describe('RdvPermis places on the exams page', () => {
  it('says RdvPermis is not connected with the server’s sentence; an ADMIN gets the link to the connectors', async () => {
    mockFetch({
      ...common,
      'GET /api/v1/rdvpermis/centres': () =>
        problemResponse(422, { detail: CONNECTOR_DETAIL, rules: [{ code: 'rdvpermis_connector', message: 'RdvPermis n’est pas connecté.' }] }),
    });
    const { unmount } = renderAs('ADMIN');
    const box = await screen.findByTestId('rdvpermis-not-connected');
    expect(box).toHaveTextContent(CONNECTOR_DETAIL);
    expect(within(box).getByRole('link', { name: 'Ouvrir les connecteurs' })).toHaveAttribute('href', '/connecteurs');
    expect(screen.queryByRole('button', { name: 'Rechercher' })).not.toBeInTheDocument();
    unmount();

    renderAs('SECRETARY');
    expect(await screen.findByTestId('rdvpermis-not-connected')).toHaveTextContent(CONNECTOR_DETAIL);
    expect(screen.queryByRole('link', { name: 'Ouvrir les connecteurs' })).not.toBeInTheDocument();
  });

  it('lists the free places of the next four weeks, searches by centre, books one; an ADMIN passes the refusing rules with a reason', async () => {
    let booked = false;
    const posted: Record<string, unknown>[] = [];
    const { calls } = mockFetch({
      ...common,
      'GET /api/v1/rdvpermis/places': (request) => {
        const centre = new URL(request.url).searchParams.get('centre');
        const all = booked ? [OTHER] : [PLACE, OTHER];
        return jsonResponse(200, { items: centre ? all.filter((p) => p.centre_id === centre) : all });
      },
      'GET /api/v1/rdvpermis/bookings': () => jsonResponse(200, { items: booked ? [BOOKING] : [] }),
      'POST /api/v1/rdvpermis/bookings': async (request) => {
        const body = (await request.clone().json()) as Record<string, unknown>;
        posted.push(body);
        if (!body.override_reason) return problemResponse(422, { detail: "L'élève ne remplit pas les conditions.", rules: RULES });
        booked = true;
        return jsonResponse(201, BOOKING);
      },
    });
    const user = userEvent.setup();
    renderAs('ADMIN');

    const list = await screen.findByTestId('rdvpermis-place-list');
    expect(within(list).getAllByRole('row')).toHaveLength(3);
    expect(within(list).getByTestId('rdv-place-p-1')).toHaveTextContent('15/01/2030 09:30');
    expect(within(list).getByTestId('rdv-place-p-2')).toHaveTextContent('Centre de Créteil');
    expect(screen.getByText('2 places libres')).toBeInTheDocument();
    expect(screen.getByText('Aucune réservation.')).toBeInTheDocument();
    // The default span: today to four weeks on, in the school's zone.
    const first = new URL(calls.find((r) => r.url.includes('/rdvpermis/places'))?.url ?? '');
    const today = todayIn(ZONE);
    expect(first.searchParams.get('from')).toBe(placesQuery(defaultSearch(today), ZONE).from);
    expect(first.searchParams.get('to')).toBe(placesQuery({ centre: null, fromDay: today, toDay: addDays(today, 28) }, ZONE).to);
    expect(first.searchParams.has('centre')).toBe(false);

    // By centre.
    await user.click(screen.getByRole('combobox', { name: "Centre d'examen" }));
    await user.click(await screen.findByRole('option', { name: 'Centre de Créteil', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() => expect(within(screen.getByTestId('rdvpermis-place-list')).getAllByRole('row')).toHaveLength(2));
    expect(calls.some((r) => new URL(r.url).searchParams.get('centre') === 'c-2')).toBe(true);
    // Another centre.
    await user.click(screen.getByRole('combobox', { name: "Centre d'examen" }));
    await user.click(await screen.findByRole('option', { name: 'Centre de Paris Nord', hidden: true }));
    await user.click(screen.getByRole('button', { name: 'Rechercher' }));
    await waitFor(() => expect(screen.getByTestId('rdv-place-p-1')).toBeInTheDocument());
    expect(screen.queryByTestId('rdv-place-p-2')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: /^Réserver la place du .* à Centre de Paris Nord$/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Réserver la place du/ });
    expect(within(dialog).getByTestId('rdv-booking-place')).toHaveTextContent('15/01/2030 09:30 — Centre de Paris Nord (catégorie B)');
    // A student is required.
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    expect(await within(dialog).findByText('Choisissez un élève.')).toBeInTheDocument();
    expect(posted).toHaveLength(0);

    await pickStudent(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    const alert = await within(dialog).findByTestId('rdv-booking-rules');
    expect(alert).toHaveTextContent("L'élève ne remplit pas les conditions :");
    expect(within(alert).getAllByRole('listitem').map((li) => li.textContent)).toEqual(RULES.map((r) => r.message));
    expect(posted[0]).toEqual({ student_id: STUDENT.id, place_id: PLACE.id });

    await user.click(within(dialog).getByRole('button', { name: 'Passer outre' }));
    // The reason is required.
    await user.click(within(dialog).getByRole('button', { name: 'Réserver malgré tout' }));
    expect(await within(dialog).findByText('Indiquez le motif de la dérogation.')).toBeInTheDocument();
    expect(posted).toHaveLength(1);
    await user.type(within(dialog).getByLabelText(/Motif de la dérogation/), 'Code vérifié auprès de la préfecture');
    await user.click(within(dialog).getByRole('button', { name: 'Réserver malgré tout' }));

    await waitFor(() => expect(posted).toHaveLength(2));
    expect(posted[1]).toEqual({ student_id: STUDENT.id, place_id: PLACE.id, override_reason: 'Code vérifié auprès de la préfecture' });
    expect(await screen.findByText(/^Place réservée le .* à Centre de Paris Nord/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // The places and the bookings are read again.
    expect(await screen.findByText('Aucune place libre sur cette période.')).toBeInTheDocument();
    const bookings = await screen.findByTestId('rdvpermis-booking-list');
    expect(within(bookings).getByTestId('rdv-booking-b-1')).toHaveTextContent('Réservée');
    expect(await within(bookings).findByRole('link', { name: 'Inès Candidate' })).toHaveAttribute('href', `/eleves/${STUDENT.id}?onglet=examens`);
  }, 30_000);

  it('a secretary reads the refusing rules without "Passer outre"; a place just taken says so', async () => {
    let answer: 'rules' | 'taken' = 'rules';
    mockFetch({
      ...common,
      'GET /api/v1/rdvpermis/places': () => jsonResponse(200, { items: [PLACE] }),
      'GET /api/v1/rdvpermis/bookings': () => jsonResponse(200, { items: [] }),
      'POST /api/v1/rdvpermis/bookings': () =>
        answer === 'rules'
          ? problemResponse(422, { detail: "L'élève ne remplit pas les conditions.", rules: RULES })
          : problemResponse(409, { detail: "Cette place vient d'être réservée ailleurs : choisissez-en une autre.", conflicts: [] }),
    });
    const user = userEvent.setup();
    renderAs('SECRETARY');
    await user.click(await screen.findByRole('button', { name: /^Réserver la place du/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Réserver la place du/ });
    await pickStudent(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    expect(await within(dialog).findByTestId('rdv-booking-rules')).toHaveTextContent(RULES[1]?.message ?? '');
    expect(within(dialog).queryByRole('button', { name: 'Passer outre' })).not.toBeInTheDocument();

    answer = 'taken';
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    expect(await within(dialog).findByText("Cette place vient d'être réservée ailleurs : choisissez-en une autre.")).toBeInTheDocument();
    expect(within(dialog).queryByTestId('rdv-booking-rules')).not.toBeInTheDocument();
  }, 20_000);

  it('a refusal of the platform is said, not passed over; a vehicle that could not be found by default is named under its field', async () => {
    let answer: 'platform' | 'vehicle' = 'platform';
    mockFetch({
      ...common,
      'GET /api/v1/rdvpermis/places': () => jsonResponse(200, { items: [PLACE] }),
      'GET /api/v1/rdvpermis/bookings': () => jsonResponse(200, { items: [] }),
      'POST /api/v1/rdvpermis/bookings': () =>
        answer === 'platform'
          ? problemResponse(422, {
              detail: 'Action refusée.',
              rules: [{ code: 'rdvpermis_refused', message: 'RdvPermis refuse : NEPH inconnu.' }],
            })
          : problemResponse(400, {
              detail: 'Requête invalide.',
              errors: [{ field: 'vehicle_id', message: "Aucun véhicule par défaut : choisissez celui de l'examen." }],
            }),
    });
    const user = userEvent.setup();
    renderAs('ADMIN');
    await user.click(await screen.findByRole('button', { name: /^Réserver la place du/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Réserver la place du/ });
    await pickStudent(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    expect(await within(dialog).findByTestId('rdv-booking-error')).toHaveTextContent('RdvPermis refuse : NEPH inconnu.');
    expect(within(dialog).queryByRole('button', { name: 'Passer outre' })).not.toBeInTheDocument();

    answer = 'vehicle';
    await user.click(within(dialog).getByRole('button', { name: 'Réserver la place' }));
    expect(await within(dialog).findByText("Aucun véhicule par défaut : choisissez celui de l'examen.")).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Passer outre' })).not.toBeInTheDocument();
  }, 20_000);

  it('cancels a booking after a confirmation; the list is read again', async () => {
    let status = 'booked';
    const deleted: string[] = [];
    mockFetch({
      ...common,
      'GET /api/v1/rdvpermis/places': () => jsonResponse(200, { items: [] }),
      'GET /api/v1/rdvpermis/bookings': () => jsonResponse(200, { items: [{ ...BOOKING, status }] }),
      [`DELETE /api/v1/rdvpermis/bookings/${BOOKING.id}`]: (request) => {
        deleted.push(request.headers.get('X-CSRF-Token') ?? '');
        status = 'cancelled';
        return jsonResponse(200, { ...BOOKING, status });
      },
    });
    const user = userEvent.setup();
    renderAs('SECRETARY');
    expect(await screen.findByText('Aucune place libre sur cette période.')).toBeInTheDocument();
    const row = await screen.findByTestId('rdv-booking-b-1');
    await user.click(within(row).getByRole('button', { name: /^Annuler la réservation du/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Annuler la réservation' });
    expect(dialog).toHaveTextContent('15/01/2030 09:30 à Centre de Paris Nord');
    // "Garder" does nothing.
    await user.click(within(dialog).getByRole('button', { name: 'Garder la réservation' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(deleted).toHaveLength(0);

    await user.click(within(row).getByRole('button', { name: /^Annuler la réservation du/ }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Annuler la réservation' })).getByRole('button', { name: 'Annuler la réservation' }));
    await waitFor(() => expect(deleted).toEqual(['csrf-123']));
    expect(await screen.findByText(/^La réservation du .* est annulée\.$/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('rdv-booking-b-1')).toHaveAttribute('data-status', 'cancelled'));
    expect(within(screen.getByTestId('rdv-booking-b-1')).queryByRole('button', { name: /^Annuler/ })).not.toBeInTheDocument();
  }, 20_000);
});
