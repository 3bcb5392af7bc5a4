import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { SESSION_KEY } from '../../api/keys.ts';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../../test/render.tsx';
import { LessonDrawer } from '../planning/LessonDrawer.tsx';
import type { PlanningData } from '../planning/data.ts';
import type { Lesson } from '../planning/types.ts';
import type { Booklet } from './api.ts';

const STUDENT = 's-lea';
const lesson: Lesson = {
  id: 'l-1',
  kind: 'driving',
  status: 'planned',
  starts_at: '2026-11-23T06:00:00Z',
  ends_at: '2026-11-23T07:00:00Z',
  student_id: STUDENT,
  instructor_id: 'i-1',
  vehicle_id: 'v-1',
  attendee_ids: [],
  agency_id: 'a-1',
  charged: false,
  version: 1,
  warnings: [],
};
const booklet: Booklet = {
  reference: 'REMC B',
  version: '2024',
  progress: 0,
  acquired: 0,
  item_count: 2,
  labels: [],
  competencies: [
    {
      code: 'C1',
      title: 'Maîtriser le maniement du véhicule',
      progress: 0,
      acquired: 0,
      items: [
        { code: 'C1.1', title: 'Connaître les organes', level: 'non_aborde', evaluated_at: null, history: [] },
        { code: 'C1.2', title: 'Entrer et sortir du véhicule', level: 'aborde', evaluated_at: '2026-11-10', history: [] },
      ],
    },
  ],
  assessments: [],
};
const data: PlanningData = {
  instructors: [],
  agencies: [],
  instructorInfo: new Map(),
  studentNames: new Map([[STUDENT, 'Léa Martin']]),
  plates: new Map(),
  agencyById: new Map(),
  ready: true,
  error: null,
  refetch: () => undefined,
};

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('marking a driving lesson done with booklet evaluations', () => {
  afterEach(() => setCsrfToken(null));

  it('sends the levels tapped with the completion, keeps them on a refusal, and refreshes the booklet', async () => {
    const bodies: unknown[] = [];
    const { calls } = mockFetch({
      [`GET /api/v1/students/${STUDENT}/booklet`]: () => jsonResponse(200, booklet),
      [`POST /api/v1/lessons/${lesson.id}/complete`]: async (request) => {
        bodies.push(await request.clone().json());
        if (bodies.length === 1) {
          return problemResponse(400, {
            detail: 'Certaines informations sont invalides.',
            errors: [{ field: 'evaluations[1].item_code', message: "Cet item n'existe pas dans le référentiel (C1.1 à C4.7)." }],
          });
        }
        return jsonResponse(200, { ...lesson, status: 'done', version: 2 });
      },
    });
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
    queryClient.setQueryData(SESSION_KEY, { ...demoSession, role: 'SECRETARY' });
    setCsrfToken(demoSession.csrf_token);
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={queryClient}>
        <MemoryRouter>
          <LessonDrawer lessonId={lesson.id} lesson={lesson} onClose={() => undefined} onEdit={() => undefined} data={data} role="SECRETARY" timeZone="Europe/Paris" />
        </MemoryRouter>
      </AppProviders>,
    );

    await user.click(await screen.findByRole('button', { name: 'Marquer faite' }));
    const form = screen.getByRole('form', { name: 'Marquer la séance faite' });
    await user.click(await within(form).findByRole('button', { name: /^C1 · Maîtriser/ }));
    // The panel opens with a transition.
    await user.click(await within(form).findByRole('button', { name: 'traité (C1.1)' }));
    await user.click(within(form).getByRole('button', { name: 'assimilé (C1.2)' }));
    await user.type(within(form).getByLabelText('Commentaire (facultatif)'), 'Bonne séance');
    await user.click(within(form).getByRole('button', { name: 'Marquer faite' }));

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent("C1.2 : Cet item n'existe pas dans le référentiel");
    expect(bodies[0]).toEqual({
      comment: 'Bonne séance',
      evaluations: [
        { item_code: 'C1.1', level: 'traite', lesson_id: lesson.id },
        { item_code: 'C1.2', level: 'assimile', lesson_id: lesson.id },
      ],
    });
    // The selections are kept: correct one and send again.
    expect(within(form).getByRole('button', { name: 'traité (C1.1)' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(within(form).getByRole('button', { name: 'assimilé (C1.2)' }));
    expect(within(form).getByRole('button', { name: 'assimilé (C1.2)' })).toHaveAttribute('aria-pressed', 'false');
    await user.click(within(form).getByRole('button', { name: 'Marquer faite' }));
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toEqual({ comment: 'Bonne séance', evaluations: [{ item_code: 'C1.1', level: 'traite', lesson_id: lesson.id }] });
    // The booklet of the student is refreshed (fetched again) after the completion.
    const bookletGets = () => calls.filter((c) => c.method === 'GET' && c.url.endsWith(`/students/${STUDENT}/booklet`)).length;
    await waitFor(() => expect(bookletGets()).toBeGreaterThanOrEqual(2));
    expect(screen.getByText('La séance est marquée faite.')).toBeInTheDocument();
  });
});
