import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { setCsrfToken } from '../../api/client.ts';
import { SESSION_KEY } from '../../api/keys.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse } from '../../test/render.tsx';
import { NewStudent } from './StudentForm.tsx';
import { hoursEntryBody } from './hoursForm.ts';

const agency = { id: 'a-1', name: 'Centre', address: null, phone: null, email: null, alsace_moselle: false, closures: [], rooms: [], meeting_points: [], opening_hours: [], version: 1 };

function renderNew() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  queryClient.setQueryData(SESSION_KEY, { ...demoSession, role: 'SECRETARY' });
  setCsrfToken(demoSession.csrf_token);
  render(
    <AppProviders queryClient={queryClient}>
      <MemoryRouter initialEntries={['/eleves/nouveau']}>
        <Routes>
          <Route path="/eleves/nouveau" element={<NewStudent base="/eleves" />} />
          <Route path="/eleves/:id" element={<p>fiche créée</p>} />
        </Routes>
      </MemoryRouter>
    </AppProviders>,
  );
}

describe('the new student form', () => {
  afterEach(() => setCsrfToken(null));

  it('asks for a legal guardian once the birth date makes a minor', async () => {
    mockFetch({
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency] }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    renderNew();
    const birth = await screen.findByLabelText(/Date de naissance/);
    expect(screen.queryByRole('group', { name: 'Représentant légal' })).not.toBeInTheDocument();

    fireEvent.change(birth, { target: { value: '1990-03-15' } });
    expect(screen.queryByRole('group', { name: 'Représentant légal' })).not.toBeInTheDocument();

    const tenYearsAgo = `${new Date().getFullYear() - 10}-01-01`;
    fireEvent.change(birth, { target: { value: tenYearsAgo } });
    expect(await screen.findByRole('group', { name: 'Représentant légal' })).toBeInTheDocument();

    await user.type(screen.getByLabelText(/^Prénom$|^Prénom \*/), 'Hugo');
    await user.type(screen.getByLabelText(/^Nom \*?$/), 'Petit');
    await user.click(screen.getByRole('button', { name: "Créer l'élève" }));
    expect(await screen.findByText('Indiquez un téléphone ou une adresse e-mail du représentant légal.')).toBeInTheDocument();
  });

  it('shows the server’s French field errors under the fields and keeps what was typed', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency] }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/students': () =>
        problemResponse(400, {
          detail: 'Certaines informations sont invalides.',
          errors: [
            { field: 'neph', message: 'Le NEPH doit comporter exactement 12 chiffres.' },
            { field: 'start_evaluation.estimated_minutes', message: "L'estimation doit être comprise entre 0 et 1 000 heures." },
          ],
        }),
    });
    const user = userEvent.setup();
    renderNew();
    await user.type(await screen.findByLabelText(/^Prénom/), 'Hugo');
    await user.type(screen.getByLabelText(/^Nom \*?$/), 'Petit');
    fireEvent.change(screen.getByLabelText(/Date de naissance/), { target: { value: '1995-06-01' } });
    await user.type(screen.getByLabelText(/^NEPH/), '12345');
    await user.click(screen.getByRole('button', { name: "Créer l'élève" }));

    expect(await screen.findByText('Le NEPH doit comporter exactement 12 chiffres.')).toBeInTheDocument();
    expect(screen.getByText("L'estimation doit être comprise entre 0 et 1 000 heures.")).toBeInTheDocument();
    expect(screen.getByLabelText(/^NEPH/)).toHaveValue('12345');
    expect(screen.getByLabelText(/^NEPH/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^Prénom/)).toHaveValue('Hugo');

    const post = calls.find((r) => r.method === 'POST');
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    await waitFor(async () => {
      expect(await post?.clone().json()).toMatchObject({ first_name: 'Hugo', last_name: 'Petit', neph: '12345', guardian: null, status: 'active' });
    });
  });
});

describe('a probable duplicate', () => {
  afterEach(() => setCsrfToken(null));

  const conflict = { id: '0b6c3a52-4f8e-4c49-9c1d-1f2b3c4d5e6f', first_name: 'Éloïse', last_name: 'Lefèvre', birth_date: '2007-05-03', neph: '120000001234' };

  it('is refused with a link to the existing file, and "Créer quand même" resends with confirm_duplicate', async () => {
    const bodies: Record<string, unknown>[] = [];
    mockFetch({
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency] }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/students': async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        if (body.confirm_duplicate !== true) {
          return problemResponse(409, {
            type: 'https://volant.app/problems/duplicate-student',
            title: 'Doublon probable',
            detail: "Un dossier existe déjà au nom d'Éloïse Lefèvre, avec la même date de naissance (03/05/2007).",
            conflicts: [conflict],
          });
        }
        return jsonResponse(201, { ...body, id: 'new-id', version: 1 });
      },
    });
    const user = userEvent.setup();
    renderNew();
    await user.type(await screen.findByLabelText(/^Prénom/), 'eloise');
    await user.type(screen.getByLabelText(/^Nom \*?$/), 'LEFEVRE');
    fireEvent.change(screen.getByLabelText(/Date de naissance/), { target: { value: '1995-05-03' } });
    await user.click(screen.getByRole('button', { name: "Créer l'élève" }));

    const alert = await screen.findByTestId('duplicate-alert');
    expect(alert).toHaveTextContent('Doublon probable');
    expect(alert).toHaveTextContent("Un dossier existe déjà au nom d'Éloïse Lefèvre");
    const link = within(alert).getByRole('link', { name: "Ouvrir le dossier d'Éloïse Lefèvre" });
    expect(link).toHaveAttribute('href', `/eleves/${conflict.id}`);
    expect(alert).toHaveTextContent('né(e) le 03/05/2007 · NEPH …1234');
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toHaveProperty('confirm_duplicate');

    await user.click(within(alert).getByRole('button', { name: 'Créer quand même' }));
    expect(await screen.findByText('fiche créée')).toBeInTheDocument();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatchObject({ first_name: 'eloise', last_name: 'LEFEVRE', birth_date: '1995-05-03', confirm_duplicate: true });
  });

  it('shows a NEPH already used under the NEPH field', async () => {
    mockFetch({
      'GET /api/v1/agencies': () => jsonResponse(200, { items: [agency] }),
      'GET /api/v1/instructors': () => jsonResponse(200, { items: [], next_cursor: null }),
      'POST /api/v1/students': () =>
        problemResponse(400, {
          detail: 'Certaines informations sont invalides.',
          errors: [{ field: 'neph', message: "Ce NEPH est déjà celui du dossier d'Éloïse Lefèvre." }],
        }),
    });
    const user = userEvent.setup();
    renderNew();
    await user.type(await screen.findByLabelText(/^Prénom/), 'Hugo');
    await user.type(screen.getByLabelText(/^Nom \*?$/), 'Petit');
    fireEvent.change(screen.getByLabelText(/Date de naissance/), { target: { value: '1995-06-01' } });
    await user.type(screen.getByLabelText(/^NEPH/), '120000001234');
    await user.click(screen.getByRole('button', { name: "Créer l'élève" }));
    expect(await screen.findByText("Ce NEPH est déjà celui du dossier d'Éloïse Lefèvre.")).toBeInTheDocument();
    expect(screen.getByLabelText(/^NEPH/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('duplicate-alert')).not.toBeInTheDocument();
  });
});

describe('the hours dialog', () => {
  it('posts signed minutes, negative only for a correction that removes hours', () => {
    expect(hoursEntryBody({ kind: 'purchase', hours: 20, minutes: '', negative: false, reason: '' })).toEqual({ kind: 'purchase', minutes: 1200, reason: null });
    expect(hoursEntryBody({ kind: 'correction', hours: 1, minutes: 30, negative: true, reason: ' Erreur ' })).toEqual({
      kind: 'correction',
      minutes: -90,
      reason: 'Erreur',
    });
    expect(hoursEntryBody({ kind: 'transfer_in', hours: 2, minutes: 0, negative: true, reason: '' })).toEqual({ kind: 'transfer_in', minutes: 120, reason: null });
    expect(hoursEntryBody({ kind: 'purchase', hours: '', minutes: '', negative: false, reason: '' })).toBeNull();
  });
});
