import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AppProviders } from '../../AppProviders.tsx';
import { setCsrfToken } from '../../api/client.ts';
import { SESSION_KEY } from '../../api/session.ts';
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
