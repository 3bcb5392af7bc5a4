import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { setCsrfToken } from '../../api/client.ts';
import { SESSION_KEY } from '../../api/keys.ts';
import { instantToLocalInput } from '../../lib/zonedTime.ts';
import { demoSession, jsonResponse, mockFetch } from '../../test/render.tsx';
import { ChangeRequestPanel } from './ChangeRequestPanel.tsx';
import type { Lesson } from './types.ts';

const ZONE = 'Europe/Paris';
const HOUR = 3_600_000;
// Three days ahead, on the hour.
const start = Math.ceil((Date.now() + 72 * HOUR) / HOUR) * HOUR;
const lesson: Lesson = {
  id: 'l-1',
  kind: 'driving',
  status: 'planned',
  starts_at: new Date(start).toISOString(),
  ends_at: new Date(start + HOUR).toISOString(),
  student_id: 's-1',
  instructor_id: 'i-1',
  vehicle_id: 'v-1',
  attendee_ids: [],
  agency_id: 'a-1',
  charged: false,
  version: 1,
  warnings: [],
};

function pendingRequest(overrides: Record<string, unknown> = {}) {
  return {
    id: 'r-1',
    lesson_id: lesson.id,
    kind: 'cancel',
    status: 'pending',
    reason: 'Convocation au lycée.',
    requested_by: 'u-1',
    requester_name: 'Léa Martin',
    requester_role: 'STUDENT',
    created_at: '2026-11-24T08:00:00Z',
    lesson_kind: 'driving',
    lesson_starts_at: lesson.starts_at,
    lesson_ends_at: lesson.ends_at,
    ...overrides,
  };
}

function renderPanel() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, { ...demoSession, role: 'STUDENT', student_id: 's-1' });
  setCsrfToken(demoSession.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>
        <ChangeRequestPanel lesson={lesson} />
      </MemoryRouter>
    </AppProviders>,
  );
}

beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('the change request panel of a lesson', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the pending request about the lesson instead of the buttons', async () => {
    mockFetch({
      'GET /api/v1/change-requests': () =>
        jsonResponse(200, { items: [pendingRequest({ id: 'other', lesson_id: 'l-2' }), pendingRequest()], next_cursor: null }),
    });
    renderPanel();
    const alert = await screen.findByTestId('pending-request');
    expect(alert).toHaveTextContent('Demande en attente');
    expect(alert).toHaveTextContent("Vous avez demandé l'annulation de cette séance le 24/11/2026 09:00.");
    expect(alert).toHaveTextContent('Motif : Convocation au lycée.');
    expect(screen.queryByRole('button', { name: 'Demander une annulation' })).not.toBeInTheDocument();
  });

  it('asks to move the lesson, keeping its duration, and then shows the request as pending', async () => {
    let created: Record<string, unknown> | null = null;
    const { calls } = mockFetch({
      'GET /api/v1/change-requests': () => jsonResponse(200, { items: created ? [created] : [], next_cursor: null }),
      'POST /api/v1/change-requests': async (request) => {
        const body = (await request.clone().json()) as Record<string, unknown>;
        created = pendingRequest({ kind: 'move', reason: body.reason, proposed_starts_at: body.starts_at, proposed_ends_at: body.ends_at });
        return jsonResponse(201, created);
      },
    });
    const user = userEvent.setup();
    renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Demander un déplacement' }));
    const form = screen.getByRole('form', { name: 'Demande de déplacement' });
    const newStart = instantToLocalInput(new Date(start + 24 * HOUR).toISOString(), ZONE);
    const startInput = within(form).getByLabelText(/Nouveau début/);
    fireEvent.change(startInput, { target: { value: newStart } });
    expect(within(form).getByLabelText(/Nouvelle fin/)).toHaveValue(instantToLocalInput(new Date(start + 25 * HOUR).toISOString(), ZONE));
    await user.type(within(form).getByLabelText(/Motif/), 'Rendez-vous médical');
    await user.click(within(form).getByRole('button', { name: 'Envoyer la demande' }));

    await screen.findByTestId('pending-request');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.headers.get('X-CSRF-Token')).toBe(demoSession.csrf_token);
    expect(created).toMatchObject({
      kind: 'move',
      reason: 'Rendez-vous médical',
      proposed_starts_at: new Date(start + 24 * HOUR).toISOString().replace('.000Z', 'Z'),
      proposed_ends_at: new Date(start + 25 * HOUR).toISOString().replace('.000Z', 'Z'),
    });
    await waitFor(() => expect(screen.getByText('Votre demande a été envoyée au secrétariat.')).toBeInTheDocument());
  });

  it('offers nothing for a lesson that has started', async () => {
    mockFetch({ 'GET /api/v1/change-requests': () => jsonResponse(200, { items: [], next_cursor: null }) });
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    queryClient.setQueryData(SESSION_KEY, { ...demoSession, role: 'INSTRUCTOR' });
    const past = { ...lesson, starts_at: new Date(Date.now() - HOUR).toISOString(), ends_at: new Date(Date.now() + HOUR).toISOString() };
    const { container } = render(
      <AppProviders queryClient={queryClient}>
        <MemoryRouter>
          <ChangeRequestPanel lesson={past} />
        </MemoryRouter>
      </AppProviders>,
    );
    await waitFor(() => expect(queryClient.getQueryState(['change-requests', 'pending-mine'])?.status).toBe('success'));
    expect(within(container).queryByRole('button')).not.toBeInTheDocument();
  });
});
