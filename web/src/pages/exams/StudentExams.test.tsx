import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { setCsrfToken } from '../../api/client.ts';
import { SESSION_KEY } from '../../api/keys.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../../test/render.tsx';
import type { Eligibility, Exam } from './api.ts';
import { StudentExams } from './StudentExams.tsx';

const STUDENT = 's-1';

function eligibility(theory: 'ok' | 'block'): Eligibility {
  const rules: Eligibility['rules'] = [
    { code: 'age', status: 'ok', message: '25 ans le jour de l’examen.' },
    { code: 'neph', status: 'ok', message: 'NEPH enregistré.' },
    { code: 'ants_registration', status: 'ok', message: 'Inscription ANTS validée.' },
    {
      code: 'theory_test',
      status: theory,
      message: theory === 'ok' ? 'Théorie obtenue le 14/11/2026.' : 'Aucune réussite à l’épreuve théorique (code) enregistrée.',
    },
    { code: 'driving_hours', status: 'block', message: 'Encore 20 h de conduite à faire (0 h sur 20 h).' },
    { code: 'start_evaluation', status: 'ok', message: 'Évaluation de départ faite.' },
    { code: 'contract', status: 'ok', message: 'Contrat signé.' },
    { code: 'booklet', status: 'warn', message: '0 compétence sur 32 acquise.' },
    { code: 'waiting_period', status: 'ok', message: "Aucun délai d'attente." },
    { code: 'aac', status: 'ok', message: 'Sans objet.' },
    { code: 'balance', status: 'ok', message: 'Aucun paiement enregistré.' },
  ];
  return { eligible: false, rules };
}

const recorded: Exam = {
  id: 'e-1',
  student_id: STUDENT,
  student_name: 'Inès Candidate',
  kind: 'theory',
  scheduled_at: '2026-11-14T08:00:00Z',
  centre: 'La Poste',
  result: 'passed',
  score: 37,
  eliminatory: false,
  excused: false,
  version: 1,
  created_at: '2026-11-24T08:00:00Z',
};

beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

function renderTab(role: 'ADMIN' | 'SECRETARY' = 'ADMIN') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, { ...demoSession, role });
  setCsrfToken(demoSession.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter>
        <StudentExams studentId={STUDENT} canRecord />
      </MemoryRouter>
    </AppProviders>,
  );
}

describe('the "Examens" tab of a student', () => {
  afterEach(() => setCsrfToken(null));

  it('shows the verdict and each rule with its status in words, and refreshes them after recording a theory test', async () => {
    let exams: Exam[] = [];
    const posted: unknown[] = [];
    mockFetch({
      [`GET /api/v1/students/${STUDENT}/eligibility`]: () => jsonResponse(200, eligibility(exams.length > 0 ? 'ok' : 'block')),
      'GET /api/v1/exams': () => jsonResponse(200, { items: exams, next_cursor: null }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/exams': async (request) => {
        posted.push(await request.clone().json());
        exams = [recorded];
        return jsonResponse(201, recorded);
      },
    });
    const user = userEvent.setup();
    renderTab();

    expect(await screen.findByTestId('eligibility-verdict')).toHaveTextContent('Non éligible');
    expect(screen.getByText('2 règles bloquent une inscription à cette date.')).toBeInTheDocument();
    const rules = screen.getByRole('list', { name: "Règles d'éligibilité" });
    expect(within(rules).getAllByRole('listitem')).toHaveLength(11);
    const theory = within(rules).getAllByRole('listitem')[3];
    expect(theory).toHaveAttribute('data-status', 'block');
    expect(theory).toHaveTextContent('BloquantCode (ETG)Aucune réussite à l’épreuve théorique (code) enregistrée.');
    expect(within(rules).getAllByRole('listitem')[7]).toHaveTextContent('Attention');
    expect(screen.getByText("Aucun examen enregistré pour l'instant.")).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Enregistrer un examen' }));
    const form = await screen.findByRole('form', { name: 'Enregistrer un examen' });
    fireEvent.change(within(form).getByLabelText(/Date et heure/), { target: { value: '2026-11-14T09:00' } });
    await user.type(within(form).getByLabelText("Centre d'examen"), 'La Poste');
    await user.click(within(form).getByRole('combobox', { name: 'Résultat' }));
    await user.click(await within(form).findByRole('option', { name: 'Reçu', hidden: true }));
    await user.type(within(form).getByRole('textbox', { name: 'Note sur 40' }), '37');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer un examen' }));

    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({
      student_id: STUDENT,
      kind: 'theory',
      scheduled_at: '2026-11-14T08:00:00Z',
      centre: 'La Poste',
      result: 'passed',
      score: 37,
      eliminatory: false,
      excused: false,
      instructor_id: null,
      vehicle_id: null,
      comment: null,
    });
    // The eligibility is fetched again: the theory test is now fine.
    await waitFor(() => expect(screen.getByText('1 règle bloque une inscription à cette date.')).toBeInTheDocument());
    expect(await screen.findByTestId('student-exams')).toHaveTextContent('37 / 40');
  }, 20_000);

  it('names the refusing rules of a booking; an ADMIN records it anyway with a reason', async () => {
    const posted: Record<string, unknown>[] = [];
    mockFetch({
      [`GET /api/v1/students/${STUDENT}/eligibility`]: () => jsonResponse(200, eligibility('block')),
      'GET /api/v1/exams': () => jsonResponse(200, { items: [], next_cursor: null }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
      'GET /api/v1/vehicles': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/exams': async (request) => {
        const body = (await request.clone().json()) as Record<string, unknown>;
        posted.push(body);
        if (!body.override_reason) {
          return problemResponse(422, {
            detail: "L'élève ne remplit pas les conditions pour cet examen.",
            rules: [
              { code: 'theory_test', message: 'Aucune réussite à l’épreuve théorique (code) enregistrée.' },
              { code: 'driving_hours', message: 'Encore 20 h de conduite à faire (0 h sur 20 h).' },
            ],
          });
        }
        return jsonResponse(201, { ...recorded, kind: 'practical', result: 'pending', score: null, override_reason: body.override_reason });
      },
    });
    const user = userEvent.setup();
    renderTab('ADMIN');
    await user.click(await screen.findByRole('button', { name: 'Enregistrer un examen' }));
    const form = await screen.findByRole('form', { name: 'Enregistrer un examen' });
    await user.click(within(form).getByRole('radio', { name: 'Pratique' }));
    fireEvent.change(within(form).getByLabelText(/Date et heure/), { target: { value: '2030-01-15T08:30' } });
    await user.click(within(form).getByRole('button', { name: 'Enregistrer un examen' }));

    const alert = await within(form).findByRole('alert');
    expect(alert).toHaveTextContent("L'élève ne remplit pas les conditions :");
    expect(alert).toHaveTextContent('Encore 20 h de conduite à faire (0 h sur 20 h).');
    // The reason is required.
    await user.click(within(form).getByRole('button', { name: 'Enregistrer malgré tout' }));
    expect(await within(form).findByText('Indiquez le motif de la dérogation.')).toBeInTheDocument();
    expect(posted).toHaveLength(1);
    await user.type(within(form).getByLabelText(/Motif de la dérogation/), 'Dossier vérifié en préfecture');
    await user.click(within(form).getByRole('button', { name: 'Enregistrer malgré tout' }));
    await waitFor(() => expect(posted).toHaveLength(2));
    expect(posted[1]).toMatchObject({ kind: 'practical', result: 'pending', override_reason: 'Dossier vérifié en préfecture' });
  }, 20_000);
});
