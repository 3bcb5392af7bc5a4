import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQuery } from '@tanstack/react-query';
import { setCsrfToken, type Session } from '../api/client.ts';
import { SESSION_KEY } from '../api/keys.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../test/render.tsx';
import { ChildSwitcher } from './ChildSwitcher.tsx';

const LEA = { id: '00000000-0000-4000-8000-000000000201', first_name: 'Léa', last_name: 'Martin' };
const HUGO = { id: '00000000-0000-4000-8000-000000000202', first_name: 'Hugo', last_name: 'Martin' };

const guardian = (children: NonNullable<Session['children']>, studentId: string | null): Session => ({
  ...demoSession,
  role: 'GUARDIAN',
  user: { ...demoSession.user, email: 'parent@demo.volant.test', display_name: 'Sophie Martin' },
  memberships: [{ tenant_id: demoSession.tenant.id, tenant_name: demoSession.tenant.name, role: 'GUARDIAN' }],
  children,
  student_id: studentId,
});

/** Renders the switcher from the cached session (as the shell does), with a query of the child's page beside it. */
function Harness() {
  const session = useQuery<Session | null>({ queryKey: SESSION_KEY, queryFn: () => null, enabled: false }).data;
  const hours = useQuery({
    queryKey: ['students', 'hours', session?.student_id ?? ''],
    queryFn: () => fetch(`/api/v1/students/${session?.student_id ?? ''}/hours`).then((r) => r.json() as Promise<{ of: string }>),
  });
  // A query whose key does not name the child (the planning's window): read again too.
  const lessons = useQuery({
    queryKey: ['lessons', 'window'],
    queryFn: () => fetch('/api/v1/lessons').then((r) => r.json() as Promise<{ of: string }>),
  });
  if (!session) return null;
  return (
    <>
      <ChildSwitcher session={session} />
      <p data-testid="hours-of">{hours.data?.of ?? '…'}</p>
      <p data-testid="lessons-of">{lessons.data?.of ?? '…'}</p>
    </>
  );
}

describe('ChildSwitcher', () => {
  afterEach(() => setCsrfToken(null));

  it('names the child followed now, without a select for a single child', () => {
    mockFetch({});
    renderWithProviders(<ChildSwitcher session={guardian([LEA], LEA.id)} />, { session: guardian([LEA], LEA.id) });
    expect(screen.getByRole('region', { name: 'Enfant suivi' })).toHaveTextContent('Vous suivez : Léa Martin');
    expect(screen.queryByLabelText('Changer d’enfant', { selector: 'input' })).not.toBeInTheDocument();
  });

  it('says when no child is followed yet', () => {
    mockFetch({});
    renderWithProviders(<ChildSwitcher session={guardian([], null)} />, { session: guardian([], null) });
    expect(screen.getByTestId('followed-child')).toHaveTextContent(/Aucun enfant suivi/);
  });

  it('switches to another child: POST /auth/switch-child, the new session, every query read again', async () => {
    const before = guardian([LEA, HUGO], LEA.id);
    const after = { ...guardian([LEA, HUGO], HUGO.id), csrf_token: 'csrf-456' };
    let switched = false;
    const { calls } = mockFetch({
      'POST /api/v1/auth/switch-child': () => {
        switched = true;
        return jsonResponse(200, after);
      },
      'GET /api/v1/lessons': () => jsonResponse(200, { of: switched ? 'lessons of Hugo' : 'lessons of Léa' }),
      [`GET /api/v1/students/${LEA.id}/hours`]: () => jsonResponse(200, { of: 'Léa' }),
      [`GET /api/v1/students/${HUGO.id}/hours`]: () => jsonResponse(200, { of: 'Hugo' }),
    });
    const user = userEvent.setup();
    const { queryClient } = renderWithProviders(<Harness />, { session: before });
    expect(await screen.findByText('Léa')).toBeInTheDocument();
    expect(screen.getByTestId('followed-child')).toHaveTextContent('Vous suivez : Léa Martin');

    const select = screen.getByLabelText('Changer d’enfant', { selector: 'input' });
    expect(select).toHaveValue('Léa Martin');
    await user.click(select);
    await user.click(await screen.findByRole('option', { name: 'Hugo Martin', hidden: true }));

    await waitFor(() => expect(screen.getByTestId('followed-child')).toHaveTextContent('Vous suivez : Hugo Martin'));
    const post = calls.find((r) => r.method === 'POST');
    if (!post) throw new Error('no POST /auth/switch-child');
    expect(await post.clone().json()).toEqual({ student_id: HUGO.id });
    expect(post.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(queryClient.getQueryData(SESSION_KEY)).toEqual(after);
    // The page's query is read again, for the new child.
    expect(await screen.findByText('Hugo')).toBeInTheDocument();
    expect(calls.filter((r) => r.url.endsWith(`/students/${HUGO.id}/hours`))).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId('lessons-of')).toHaveTextContent('lessons of Hugo'));
    expect(await screen.findByText('Vous suivez maintenant Hugo Martin.')).toBeInTheDocument();
  });

  it('is used with the keyboard and says why a switch was refused', async () => {
    const before = guardian([LEA, HUGO], LEA.id);
    mockFetch({
      'POST /api/v1/auth/switch-child': () => problemResponse(404, { detail: 'Élève introuvable.' }),
      [`GET /api/v1/students/${LEA.id}/hours`]: () => jsonResponse(200, { of: 'Léa' }),
      'GET /api/v1/lessons': () => jsonResponse(200, { of: 'lessons of Léa' }),
    });
    const user = userEvent.setup();
    renderWithProviders(<Harness />, { session: before });
    const select = screen.getByLabelText('Changer d’enfant', { selector: 'input' });
    select.focus();
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{Enter}');
    expect(await screen.findByText('Élève introuvable.')).toBeInTheDocument();
    expect(screen.getByTestId('followed-child')).toHaveTextContent('Vous suivez : Léa Martin');
  });
});
