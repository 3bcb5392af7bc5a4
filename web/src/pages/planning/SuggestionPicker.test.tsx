import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken, type Agency, type Instructor } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../../test/render.tsx';
import type { PlanningData } from './data.ts';
import { LessonFormModal } from './LessonFormModal.tsx';
import type { Lesson } from './types.ts';

const LEA = '00000000-0000-4000-8000-000000000201';
const JULIEN = '00000000-0000-4000-8000-00000000000a';
const SOPHIE = '00000000-0000-4000-8000-00000000000b';
const CLIO = '00000000-0000-4000-8000-000000000501';
const AGENCY = '00000000-0000-4000-8000-0000000000c1';

const instructor = (id: string, first: string, last: string) => ({ id, first_name: first, last_name: last, active: true, agency_id: AGENCY, colour: '#1971c2' }) as Instructor;
const agency = { id: AGENCY, name: 'Tours Centre', meeting_points: [{ id: 'mp1', label: 'Agence' }, { id: 'mp2', label: 'Gare de Tours' }], rooms: [] } as unknown as Agency;
const data: PlanningData = {
  instructors: [instructor(JULIEN, 'Julien', 'Moreau'), instructor(SOPHIE, 'Sophie', 'Lambert')],
  agencies: [agency],
  instructorInfo: new Map(),
  studentNames: new Map([[LEA, 'Léa Martin']]),
  plates: new Map(),
  agencyById: new Map([[AGENCY, agency]]),
  ready: true,
  error: null,
  refetch: () => undefined,
};

const LESSON = {
  id: '00000000-0000-4000-8000-000000000601',
  kind: 'driving',
  status: 'planned',
  // 10:00–11:00 in Paris.
  starts_at: '2026-12-09T09:00:00Z',
  ends_at: '2026-12-09T10:00:00Z',
  student_id: LEA,
  instructor_id: SOPHIE,
  vehicle_id: null,
  meeting_point: null,
  attendee_ids: [],
  warnings: [],
  agency_id: AGENCY,
  version: 3,
} as unknown as Lesson;

// jsdom has no document.fonts, which Mantine's autosize Textarea listens to.
beforeAll(() => {
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', { configurable: true, value: { addEventListener: () => undefined, removeEventListener: () => undefined } });
  }
});

describe('"Proposer des créneaux" in the lesson form', () => {
  afterEach(() => setCsrfToken(null));

  it('loads the student’s free slots on demand and one click fills the lesson', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/vehicles': () =>
        jsonResponse(200, { items: [{ id: CLIO, plate: 'AB-123-CD', make: 'Renault', model: 'Clio', status: 'active', agency_id: AGENCY }], next_cursor: null }),
      [`GET /api/v1/students/${LEA}/suggestions`]: () =>
        jsonResponse(200, [
          {
            // 14:00–15:00 in Paris.
            starts_at: '2026-12-10T13:00:00Z',
            ends_at: '2026-12-10T14:00:00Z',
            instructor_id: JULIEN,
            instructor_name: 'Julien Moreau',
            vehicle_id: CLIO,
            vehicle_plate: 'AB-123-CD',
            meeting_point: 'Gare de Tours',
            referent: true,
            warnings: [{ code: 'no_contract', message: "L'élève n'a pas de contrat signé." }],
          },
        ]),
    });
    const user = userEvent.setup();
    renderWithProviders(
      <LessonFormModal draft={{ mode: 'edit', lesson: LESSON }} onClose={() => undefined} data={data} timeZone="Europe/Paris" defaultAgencyId={null} />,
      { session: demoSession },
    );
    const dialog = await screen.findByRole('dialog', { name: 'Modifier la séance' });
    const open = within(dialog).getByRole('button', { name: 'Proposer des créneaux' });
    // Nothing is asked before the button is pressed.
    expect(calls.some((r) => r.url.includes('/suggestions'))).toBe(false);
    expect(open).toHaveAttribute('aria-expanded', 'false');
    await user.click(open);
    const list = await within(dialog).findByRole('list', { name: 'Créneaux libres proposés' });
    expect(within(dialog).getByText("L'élève n'a pas de contrat signé.")).toBeInTheDocument();
    const slot = within(list).getByTestId('lesson-suggestion');
    expect(slot).toHaveTextContent('jeudi 10 décembre 2026, 14:00 – 15:00');
    expect(slot).toHaveTextContent('Julien Moreau · AB-123-CD · Gare de Tours');
    expect(slot).toHaveTextContent('Référent');
    expect(slot).toHaveAttribute('aria-pressed', 'false');

    await user.click(slot);
    expect(within(dialog).getByLabelText(/^Début/)).toHaveValue('2026-12-10T14:00');
    expect(within(dialog).getByLabelText(/^Fin/)).toHaveValue('2026-12-10T15:00');
    expect(within(dialog).getByRole('combobox', { name: /^Moniteur/ })).toHaveValue('Julien Moreau');
    expect(within(dialog).getByRole('combobox', { name: /^Point de rendez-vous/ })).toHaveValue('Gare de Tours');
    expect(slot).toHaveAttribute('aria-pressed', 'true');
    expect(within(slot).getByText('Choisi')).toBeInTheDocument();
  });
});
