import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AvailabilityPanel } from './AvailabilityPanel.tsx';
import { AppProviders } from '../../AppProviders.tsx';
import { SESSION_KEY } from '../../api/keys.ts';
import { setCsrfToken, type Session } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../../test/render.tsx';

const ID = 'i-sophie';
const PATH = `/api/v1/instructors/${ID}/availability`;
const leave = { id: 'e-1', starts_at: '2026-12-06T23:00:00Z', ends_at: '2026-12-11T23:00:00Z', kind: 'leave', note: 'Congés' };
const initial = {
  weekly: [
    { weekday: 2, start: '09:00', end: '12:30' },
    { weekday: 2, start: '14:00', end: '18:00' },
  ],
  exceptions: [leave],
  version: 2,
};

function renderPanel(canEditWeekly = true, session: Session = demoSession) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, session);
  setCsrfToken(session.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>
        <AvailabilityPanel instructorId={ID} canEditWeekly={canEditWeekly} />
      </MemoryRouter>
    </AppProviders>,
  );
}

describe('the availability tab', () => {
  afterEach(() => setCsrfToken(null));

  it('edits Tuesday with labelled inputs and saves the shape GET returned, with its version', async () => {
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, initial),
      [`PUT ${PATH}`]: async (request) => jsonResponse(200, { ...((await request.clone().json()) as object), version: 3 }),
    });
    const user = userEvent.setup();
    renderPanel();

    const start = await screen.findByLabelText('Mardi, début de la plage 1');
    expect(start).toHaveValue('09:00');
    expect(screen.getByRole('group', { name: 'Lundi' })).toHaveTextContent('Non travaillé');
    await user.clear(start);
    await user.type(start, '10:00');
    const end = screen.getByLabelText('Mardi, fin de la plage 1');
    await user.clear(end);
    await user.type(end, '12h');
    await user.tab(); // blur tidies "12h" into "12:00"
    expect(end).toHaveValue('12:00');
    await user.click(screen.getByRole('button', { name: 'Jeudi, ajouter une plage' }));
    expect(screen.getByLabelText('Jeudi, début de la plage 1')).toHaveValue('09:00');
    await user.click(screen.getByRole('button', { name: 'Mardi, supprimer la plage 2' }));
    await user.click(screen.getByRole('button', { name: 'Enregistrer la semaine type' }));

    expect(await screen.findByText('La semaine type a été enregistrée.')).toBeInTheDocument();
    const put = calls.find((r) => r.method === 'PUT');
    expect(put?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(await put?.json()).toEqual({
      weekly: [
        { weekday: 2, start: '10:00', end: '12:00' },
        { weekday: 4, start: '09:00', end: '12:00' },
      ],
      exceptions: [leave],
      version: 2,
    });
  });

  it('refuses overlapping ranges before sending, and maps the server errors onto the ranges', async () => {
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, initial),
      [`PUT ${PATH}`]: () =>
        problemResponse(400, {
          detail: 'Certaines informations sont invalides.',
          errors: [{ field: 'weekly[1]', message: 'Deux plages du même jour se chevauchent.' }],
        }),
    });
    const user = userEvent.setup();
    renderPanel();
    const end = await screen.findByLabelText('Mardi, fin de la plage 1');
    await user.clear(end);
    await user.type(end, '15:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer la semaine type' }));
    expect(await screen.findByText('Cette plage chevauche une autre plage du même jour.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'PUT')).toBe(false);

    await user.clear(end);
    await user.type(end, '13:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer la semaine type' }));
    expect(await screen.findByText('Deux plages du même jour se chevauchent.')).toBeInTheDocument();
    expect(screen.getByLabelText('Mardi, début de la plage 2')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a 412 as "modifié entre-temps" and reloads', async () => {
    let gets = 0;
    const changed = { ...initial, weekly: [{ weekday: 2, start: '08:00', end: '12:00' }], version: 5 };
    mockFetch({
      [`GET ${PATH}`]: () => {
        gets += 1;
        return jsonResponse(200, gets === 1 ? initial : changed);
      },
      [`PUT ${PATH}`]: () => problemResponse(412, { detail: 'Version périmée.', current: changed }),
    });
    const user = userEvent.setup();
    renderPanel();
    const start = await screen.findByLabelText('Mardi, début de la plage 1');
    await user.clear(start);
    await user.type(start, '10:00');
    await user.click(screen.getByRole('button', { name: 'Enregistrer la semaine type' }));
    expect(await screen.findByText(/modifiées entre-temps/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Mardi, début de la plage 1')).toHaveValue('08:00'));
    expect(gets).toBe(2);
  });

  it('lets an instructor add a leave in school time, with a read-only week', async () => {
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, { ...initial, exceptions: [] }),
      [`POST /api/v1/instructors/${ID}/exceptions`]: async (request) =>
        jsonResponse(201, { id: 'e-2', ...((await request.clone().json()) as object) }),
    });
    const user = userEvent.setup();
    renderPanel(false, { ...demoSession, role: 'INSTRUCTOR', instructor_id: ID });
    const week = await screen.findByTestId('week-grid');
    expect(within(week).queryAllByRole('textbox')).toHaveLength(0);
    expect(within(week).getByRole('group', { name: 'Mardi' })).toHaveTextContent('09:00–12:30, 14:00–18:00');
    expect(screen.queryByRole('button', { name: 'Enregistrer la semaine type' })).not.toBeInTheDocument();

    // Across the spring change: 00:00 is CET (+01:00), 18:00 is CEST (+02:00).
    await user.type(screen.getByLabelText(/^Début/), '2027-03-28T00:00');
    await user.type(screen.getByLabelText(/^Fin/), '2027-03-28T18:00');
    await user.type(screen.getByLabelText('Note (facultatif)'), 'Mariage');
    await user.click(screen.getByRole('button', { name: "Ajouter l'indisponibilité" }));
    expect(await screen.findByText("L'indisponibilité a été ajoutée.")).toBeInTheDocument();
    const post = calls.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({
      starts_at: '2027-03-27T23:00:00Z',
      ends_at: '2027-03-28T16:00:00Z',
      kind: 'leave',
      note: 'Mariage',
    });
  });
});
