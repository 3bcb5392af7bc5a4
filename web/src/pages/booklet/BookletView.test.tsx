import { useState } from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { SESSION_KEY } from '../../api/keys.ts';
import { setCsrfToken, type Session } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../../test/render.tsx';
import type { Booklet } from './api.ts';
import { BookletView } from './BookletView.tsx';
import { QuickEvaluations } from './QuickEvaluations.tsx';
import type { Selections } from './levels.ts';

const ID = 's-lea';
const PATH = `/api/v1/students/${ID}/booklet`;
const SOPHIE = 'i-sophie';

const booklet: Booklet = {
  reference: 'REMC B',
  version: '2024',
  progress: 42,
  acquired: 1,
  item_count: 3,
  labels: [
    { level: 'non_aborde', label: 'non abordé' },
    { level: 'aborde', label: 'abordé' },
    { level: 'traite', label: 'traité' },
    { level: 'assimile', label: 'acquis' },
  ],
  competencies: [
    {
      code: 'C1',
      title: 'Maîtriser le maniement du véhicule',
      progress: 67,
      acquired: 1,
      items: [
        {
          code: 'C1.1',
          title: 'Connaître les organes',
          level: 'assimile',
          evaluated_at: '2026-11-20',
          history: [
            {
              id: 'e2',
              item_code: 'C1.1',
              level: 'assimile',
              evaluated_on: '2026-11-20',
              instructor_id: SOPHIE,
              lesson_id: 'l-2',
              comment: 'Parfait',
              source: 'lesson',
              created_at: '2026-11-20T10:00:00Z',
            },
            {
              id: 'e1',
              item_code: 'C1.1',
              level: 'aborde',
              evaluated_on: '2026-11-02',
              instructor_id: null,
              lesson_id: null,
              comment: null,
              source: 'transfer_in',
              created_at: '2026-11-02T10:00:00Z',
            },
          ],
        },
        { code: 'C1.2', title: 'Entrer et sortir du véhicule', level: 'non_aborde', evaluated_at: null, history: [] },
      ],
    },
    {
      code: 'C2',
      title: 'Appréhender la route',
      progress: 0,
      acquired: 0,
      items: [{ code: 'C2.1', title: 'Rechercher la signalisation', level: 'non_aborde', evaluated_at: null, history: [] }],
    },
  ],
  assessments: [{ id: 'a1', kind: 'bilan', date: '2026-11-15', instructor_id: SOPHIE, result: 'Favorable', comment: null }],
};

const instructors = {
  items: [{ id: SOPHIE, first_name: 'Sophie', last_name: 'Lambert', active: true }],
  next_cursor: null,
};

function renderWith(ui: React.ReactElement, session: Session = demoSession) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, session);
  setCsrfToken(session.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>{ui}</MemoryRouter>
    </AppProviders>,
  );
  return queryClient;
}

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('the booklet view', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the progress, the competencies, the levels in words, the history and the PDF link', async () => {
    mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, booklet),
      'GET /api/v1/instructors': () => jsonResponse(200, instructors),
    });
    const user = userEvent.setup();
    renderWith(<BookletView studentId={ID} editable={false} />, { ...demoSession, role: 'STUDENT' });

    const overall = await screen.findByRole('progressbar', { name: 'Progression du livret' });
    expect(overall).toHaveAttribute('aria-valuenow', '42');
    expect(screen.getByTestId('booklet-acquired')).toHaveTextContent('1 / 3 acquises');
    expect(screen.getByRole('progressbar', { name: 'Progression de la compétence C1' })).toHaveAttribute('aria-valuenow', '67');
    expect(screen.getByRole('link', { name: 'Télécharger le livret (PDF)' })).toHaveAttribute('href', `/api/v1/students/${ID}/booklet.pdf`);

    const c11 = screen.getByTestId('booklet-item-C1.1');
    // The school's own label for "assimilé".
    expect(within(c11).getByTestId('level-badge')).toHaveTextContent('acquis');
    expect(c11).toHaveTextContent('le 20/11/2026');
    expect(screen.getByTestId('booklet-item-C1.2')).toHaveTextContent('Jamais évalué');
    // Read-only: no evaluation or assessment buttons.
    expect(screen.queryByRole('button', { name: /Ajouter|Reprendre|Évaluer/ })).toBeNull();
    expect(screen.getByTestId('booklet-assessments')).toHaveTextContent('Bilan de compétences');

    await user.click(screen.getByRole('button', { name: "Historique de l'item C1.1" }));
    const dialog = await screen.findByRole('dialog', { name: 'Historique · C1.1' });
    const entries = within(dialog).getAllByRole('listitem');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent('20/11/2026');
    expect(entries[0]).toHaveTextContent('Parfait');
    await waitFor(() => expect(entries[0]).toHaveTextContent('par Sophie Lambert'));
    expect(entries[1]).toHaveTextContent("Repris d'une autre école");
  });

  it("lets the office import a level from another school (source transfer_in) and shows the server's refusal", async () => {
    let posted: unknown = null;
    let refuse = true;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, booklet),
      'GET /api/v1/instructors': () => jsonResponse(200, instructors),
      [`POST ${PATH}/evaluations`]: async (request) => {
        posted = await request.clone().json();
        if (refuse) {
          refuse = false;
          return problemResponse(422, { detail: 'Cet élève est archivé.', rules: [{ code: 'archived', message: 'Cet élève est archivé.' }] });
        }
        return jsonResponse(201, { ...(posted as object), id: 'e9', instructor_id: null, lesson_id: null, created_at: '2026-11-24T08:00:00Z' });
      },
    });
    const user = userEvent.setup();
    renderWith(<BookletView studentId={ID} editable />);

    await user.click(await screen.findByRole('button', { name: "Évaluer l'item C1.2" }));
    const dialog = await screen.findByRole('dialog', { name: "Reprendre un niveau d'une autre école" });
    await user.click(within(dialog).getByRole('radio', { name: 'traité' }));
    await user.click(within(dialog).getByRole('button', { name: "Enregistrer l'évaluation" }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Cet élève est archivé.');
    expect(posted).toMatchObject({ item_code: 'C1.2', level: 'traite', source: 'transfer_in', comment: null });

    await user.click(within(dialog).getByRole('button', { name: "Enregistrer l'évaluation" }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: "Reprendre un niveau d'une autre école" })).toBeNull());
    expect(calls.find((c) => c.method === 'POST')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
  });
});

function Harness({ initial = {} }: { initial?: Selections }) {
  const [value, setValue] = useState<Selections>(initial);
  return (
    <>
      <QuickEvaluations studentId={ID} value={value} onChange={setValue} />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

describe('the quick evaluations of a completion', () => {
  it('toggles one level per item with pressed buttons and previews the progress', async () => {
    mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, booklet) });
    const user = userEvent.setup();
    renderWith(<Harness />);

    await user.click(await screen.findByRole('button', { name: /^C1 · Maîtriser/ }));
    const item = await screen.findByRole('group', { name: 'C1.2 Entrer et sortir du véhicule' });
    expect(item).toHaveTextContent('actuel : non abordé');
    const traite = within(item).getByRole('button', { name: 'traité (C1.2)' });
    expect(traite).toHaveAttribute('aria-pressed', 'false');
    await user.click(traite);
    expect(traite).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('value')).toHaveTextContent('{"C1.2":"traite"}');
    // 3 items: assimilé (3) + traité (2) + non abordé (0) = 5 / 9 → 56 %.
    expect(screen.getByTestId('quick-count')).toHaveTextContent('1 item évalué · Progression après la séance : 56 %');

    await user.click(within(item).getByRole('button', { name: 'abordé (C1.2)' }));
    expect(traite).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('value')).toHaveTextContent('{"C1.2":"aborde"}');
    await user.click(within(item).getByRole('button', { name: 'abordé (C1.2)' }));
    expect(screen.getByTestId('value')).toHaveTextContent('{}');
    expect(screen.getByTestId('quick-count')).toHaveTextContent('Aucun item évalué');
  });
});
