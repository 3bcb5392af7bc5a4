import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, onlineManager } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../AppProviders.tsx';
import { SESSION_KEY, bookletKey } from '../api/keys.ts';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch } from '../test/render.tsx';
import { LessonDrawer } from '../pages/planning/LessonDrawer.tsx';
import type { PlanningData } from '../pages/planning/data.ts';
import type { Lesson } from '../pages/planning/types.ts';
import type { Booklet } from '../pages/booklet/api.ts';
import { Outbox, type KeyValueStorage, type SendOutcome } from './outbox.ts';
import { setOutboxForTests } from './runtime.ts';

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
  item_count: 1,
  labels: [],
  competencies: [
    {
      code: 'C1',
      title: 'Maîtriser le maniement du véhicule',
      progress: 0,
      acquired: 0,
      items: [{ code: 'C1.1', title: 'Connaître les organes', level: 'non_aborde', evaluated_at: null, history: [] }],
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

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

function setup() {
  const box = new Outbox<Lesson>({
    storage: new MemoryStorage(),
    storageKey: 'outbox',
    send: () => Promise.resolve<SendOutcome<Lesson>>({ outcome: 'retry' }),
  });
  setOutboxForTests(box);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, { ...demoSession, role: 'INSTRUCTOR', instructor_id: 'i-1' });
  queryClient.setQueryData(bookletKey(STUDENT), booklet);
  setCsrfToken(demoSession.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>
        <LessonDrawer lessonId={lesson.id} lesson={lesson} onClose={() => undefined} onEdit={() => undefined} data={data} role="INSTRUCTOR" timeZone="Europe/Paris" />
      </MemoryRouter>
    </AppProviders>,
  );
  return box;
}

async function completeWithLevel() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Marquer faite' }));
  const form = screen.getByRole('form', { name: 'Marquer la séance faite' });
  await user.click(await within(form).findByRole('button', { name: /^C1 · Maîtriser/ }));
  await user.click(await within(form).findByRole('button', { name: 'traité (C1.1)' }));
  await user.type(within(form).getByLabelText('Commentaire (facultatif)'), 'Bonne séance');
  await user.click(within(form).getByRole('button', { name: 'Marquer faite' }));
}

describe('an instructor marks a lesson done without network', () => {
  afterEach(() => {
    setOutboxForTests(null);
    setCsrfToken(null);
    onlineManager.setOnline(true);
  });

  it('queues the completion (comment and evaluations) without calling the server, and shows it waiting', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    // As in the app opened offline (offline/runtime.ts): TanStack Query knows too, and must not pause the action.
    onlineManager.setOnline(false);
    const { calls } = mockFetch({
      [`GET /api/v1/students/${STUDENT}`]: () => jsonResponse(200, { id: STUDENT }),
    });
    const box = setup();
    await completeWithLevel();

    expect(await screen.findByText('Enregistré sur le téléphone : ce sera envoyé au retour du réseau.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(box.list()).toHaveLength(1);
    expect(box.list()[0]).toMatchObject({
      kind: 'complete',
      lessonId: lesson.id,
      status: 'pending',
      body: { comment: 'Bonne séance', evaluations: [{ item_code: 'C1.1', level: 'traite', lesson_id: lesson.id }] },
      lesson: { student_id: STUDENT, starts_at: lesson.starts_at },
    });
    expect(await screen.findByTestId('pending-badge')).toHaveTextContent('Terminée (en attente d’envoi)');
    // Not markable twice.
    expect(screen.queryByRole('button', { name: 'Marquer faite' })).not.toBeInTheDocument();
  });

  it('queues with the key it sent when the request fails without an answer', async () => {
    let sentKey: string | null = null;
    mockFetch({
      [`GET /api/v1/students/${STUDENT}`]: () => jsonResponse(200, { id: STUDENT }),
      [`POST /api/v1/lessons/${lesson.id}/complete`]: (request) => {
        sentKey = request.headers.get('Idempotency-Key');
        return Promise.reject(new TypeError('Failed to fetch'));
      },
    });
    const box = setup();
    await completeWithLevel();
    await waitFor(() => expect(box.list()).toHaveLength(1));
    expect(sentKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(box.list()[0]?.key).toBe(sentKey);
    expect(await screen.findByTestId('pending-badge')).toBeInTheDocument();
  });
});
