import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import type { Student } from './api.ts';
import { GuardiansCard, type GuardianItem } from './GuardiansCard.tsx';

const ID = '00000000-0000-4000-8000-000000000201';
const SOPHIE = '00000000-0000-4000-8000-000000000301';
const session = { ...demoSession, role: 'SECRETARY' as const };
const year = new Date().getFullYear();

/** The fields of a file the card reads (the rest of a Student does not matter here). */
const student = (birthDate: string, guardianEmail: string | null = 'sophie.martin@exemple.fr') =>
  ({
    id: ID,
    first_name: 'Léa',
    last_name: 'Martin',
    birth_date: birthDate,
    guardian: guardianEmail ? { first_name: 'Sophie', last_name: 'Martin', email: guardianEmail, phone: null, relationship: 'mère' } : null,
  }) as unknown as Student;
const MINOR = `${year - 16}-03-15`;
const ADULT = `${year - 30}-03-15`;

const ACTIVE: GuardianItem = { user_id: SOPHIE, email: 'parent@demo.volant.test', display_name: 'Sophie Martin', status: 'active', since: '2026-11-02T09:00:00Z', expires_at: null };
const INVITED: GuardianItem = {
  user_id: null,
  email: 'marc.martin@exemple.fr',
  display_name: null,
  status: 'invited',
  since: '2026-12-01T09:00:00Z',
  expires_at: '2026-12-08T09:00:00Z',
};

describe('GuardiansCard', () => {
  afterEach(() => setCsrfToken(null));

  it('lists the active guardians and the pending invitations with their expiry', async () => {
    mockFetch({ [`GET /api/v1/students/${ID}/guardians`]: () => jsonResponse(200, { items: [ACTIVE, INVITED] }) });
    renderWithProviders(<GuardiansCard student={student(MINOR)} />, { session });
    const card = screen.getByRole('region', { name: 'Représentants légaux' });
    const list = await within(card).findByRole('list', { name: 'Représentants légaux de l’élève' });
    const [first, second, ...rest] = within(list).getAllByRole('listitem');
    if (!first || !second) throw new Error('two guardians expected');
    expect(rest).toHaveLength(0);
    expect(first).toHaveTextContent('Sophie Martin');
    expect(first).toHaveTextContent('Accès actif');
    expect(within(first).getByRole('button', { name: 'Retirer l’accès de Sophie Martin' })).toBeInTheDocument();
    expect(second).toHaveTextContent('marc.martin@exemple.fr');
    expect(second).toHaveTextContent('Invitation envoyée');
    expect(second).toHaveTextContent('Invitation valable jusqu’au 8 décembre 2026');
    expect(within(second).queryByRole('button')).not.toBeInTheDocument();
  });

  it('invites by e-mail, prefilled with the file’s guardian, and reads the list again', async () => {
    let invited = false;
    const { calls } = mockFetch({
      [`GET /api/v1/students/${ID}/guardians`]: () =>
        jsonResponse(200, { items: invited ? [{ ...INVITED, email: 'sophie.martin@exemple.fr' }] : [] }),
      [`POST /api/v1/students/${ID}/guardians/invite`]: () => {
        invited = true;
        return jsonResponse(201, { id: 'inv-1', email: 'sophie.martin@exemple.fr', role: 'GUARDIAN' });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<GuardiansCard student={student(MINOR)} />, { session });
    expect(await screen.findByText('Aucun représentant légal n’a encore accès à l’espace de l’élève.')).toBeInTheDocument();
    const email = screen.getByRole('textbox', { name: /Adresse e-mail du représentant/ });
    expect(email).toHaveValue('sophie.martin@exemple.fr');
    await user.click(screen.getByRole('button', { name: 'Inviter' }));
    expect(await screen.findByText('Invitation envoyée à sophie.martin@exemple.fr.')).toBeInTheDocument();
    const post = calls.find((r) => r.method === 'POST');
    if (!post) throw new Error('no POST …/guardians/invite');
    expect(await post.clone().json()).toEqual({ email: 'sophie.martin@exemple.fr' });
    await waitFor(() => expect(screen.getByTestId('guardian')).toHaveAttribute('data-status', 'invited'));
    expect(email).toHaveValue('');
  });

  it('shows the server’s refusal as it says it, and a bad e-mail under the field', async () => {
    let answer = 0;
    mockFetch({
      [`GET /api/v1/students/${ID}/guardians`]: () => jsonResponse(200, { items: [] }),
      [`POST /api/v1/students/${ID}/guardians/invite`]: () =>
        ++answer === 1
          ? problemResponse(422, {
              detail: 'Cette personne a déjà un compte dans l’école avec un autre rôle.',
              rules: [{ code: 'already_member', message: 'Cette personne a déjà un compte dans l’école avec un autre rôle.' }],
            })
          : problemResponse(400, { detail: 'Requête invalide.', errors: [{ field: 'email', message: 'Cette adresse e-mail n’est pas valide.' }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<GuardiansCard student={student(MINOR, null)} />, { session });
    const email = await screen.findByRole('textbox', { name: /Adresse e-mail du représentant/ });
    await user.click(screen.getByRole('button', { name: 'Inviter' }));
    expect(await screen.findByText('Ce champ est obligatoire.')).toBeInTheDocument();

    await user.type(email, 'secretariat@demo.volant.test');
    await user.click(screen.getByRole('button', { name: 'Inviter' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cette personne a déjà un compte dans l’école avec un autre rôle.');

    await user.click(screen.getByRole('button', { name: 'Inviter' }));
    expect(await screen.findByText('Cette adresse e-mail n’est pas valide.')).toBeInTheDocument();
  });

  it('removes an access after a confirmation', async () => {
    let removed = false;
    const { calls } = mockFetch({
      [`GET /api/v1/students/${ID}/guardians`]: () => jsonResponse(200, { items: removed ? [] : [ACTIVE] }),
      [`DELETE /api/v1/students/${ID}/guardians/${SOPHIE}`]: () => {
        removed = true;
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<GuardiansCard student={student(MINOR)} />, { session });
    await user.click(await screen.findByRole('button', { name: 'Retirer l’accès de Sophie Martin' }));
    const dialog = await screen.findByRole('dialog', { name: 'Retirer l’accès ?' });
    expect(dialog).toHaveTextContent('Sophie Martin ne pourra plus consulter l’espace de Léa Martin.');
    expect(calls.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Retirer l’accès' }));
    expect(await screen.findByText('L’accès de Sophie Martin est retiré.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'DELETE')).toBe(true);
    expect(await screen.findByText('Aucun représentant légal n’a encore accès à l’espace de l’élève.')).toBeInTheDocument();
  });

  it('explains instead of inviting for an adult student', async () => {
    mockFetch({ [`GET /api/v1/students/${ID}/guardians`]: () => jsonResponse(200, { items: [] }) });
    renderWithProviders(<GuardiansCard student={student(ADULT)} />, { session });
    expect(await screen.findByTestId('guardians-adult')).toHaveTextContent('L’élève est majeur');
    expect(screen.queryByRole('button', { name: 'Inviter' })).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });
});
