import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { setCsrfToken } from '../api/client.ts';
import { NotificationBell } from './NotificationBell.tsx';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';

const moved = {
  id: 'n-1',
  event: 'lesson_moved',
  title: 'Séance déplacée',
  body: 'Votre séance du mardi 8 décembre est déplacée à 15 h 00.',
  link: '/mon-planning',
  created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
  read_at: null,
};
const booked = {
  id: 'n-2',
  event: 'exam_booked',
  title: 'Examen réservé',
  body: 'Examen pratique le 12 janvier à 9 h 00.',
  link: null,
  created_at: '2026-01-02T08:00:00Z',
  read_at: '2026-01-02T09:00:00Z',
};

function renderBell() {
  return renderWithProviders(
    <>
      <NotificationBell session={demoSession} />
      <Routes>
        <Route path="/" element={<p>accueil</p>} />
        <Route path="/mon-planning" element={<p>page du planning</p>} />
        <Route path="/notifications" element={<p>page des notifications</p>} />
      </Routes>
    </>,
    { session: demoSession },
  );
}

describe('NotificationBell', () => {
  afterEach(() => setCsrfToken(null));

  it('says the unread count in its name, in French', async () => {
    let count = 3;
    mockFetch({ 'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count }) });
    const { queryClient } = renderBell();
    const bell = await screen.findByRole('button', { name: 'Notifications : 3 non lues' });
    // The badge is only the picture of the count: hidden from screen readers, which hear the name.
    expect(screen.getByTestId('notification-badge')).toHaveTextContent('3');
    expect(screen.getByTestId('notification-badge')).toHaveAttribute('aria-hidden', 'true');

    count = 1;
    await queryClient.refetchQueries({ queryKey: ['notifications', 'unread-count'] });
    await waitFor(() => expect(bell).toHaveAccessibleName('Notifications : 1 non lue'));
    // The count that grew… (1 → 4) is said by a polite live region.
    count = 4;
    await queryClient.refetchQueries({ queryKey: ['notifications', 'unread-count'] });
    await waitFor(() => expect(bell).toHaveAccessibleName('Notifications : 4 non lues'));
    expect(screen.getByTestId('notification-arrived')).toHaveTextContent('4 notifications non lues');

    count = 0;
    await queryClient.refetchQueries({ queryKey: ['notifications', 'unread-count'] });
    await waitFor(() => expect(bell).toHaveAccessibleName('Notifications : aucune non lue'));
    expect(screen.queryByTestId('notification-badge')).not.toBeInTheDocument();
  });

  it('lists the latest 10, unread ones said in words; clicking one marks it read and opens its page', async () => {
    let count = 1;
    const { calls } = mockFetch({
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count }),
      'GET /api/v1/notifications': () => jsonResponse(200, { items: count ? [moved, booked] : [{ ...moved, read_at: new Date().toISOString() }, booked], next_cursor: 'c-2' }),
      'PATCH /api/v1/notifications/n-1': () => {
        count = 0;
        return jsonResponse(200, { ...moved, read_at: new Date().toISOString() });
      },
    });
    const user = userEvent.setup();
    renderBell();
    await user.click(await screen.findByRole('button', { name: 'Notifications : 1 non lue' }));
    const dialog = await screen.findByRole('dialog', { name: 'Notifications' });
    const list = await within(dialog).findByRole('list', { name: 'Dernières notifications' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Non lue');
    expect(items[0]).toHaveTextContent('Séance déplacée');
    expect(items[0]).toHaveTextContent('il y a 5 minutes');
    expect(items[1]).not.toHaveTextContent('Non lue');
    const listCall = calls.find((r) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/notifications');
    expect(new URL(listCall?.url ?? '').searchParams.get('limit')).toBe('10');
    expect(within(dialog).getByRole('link', { name: 'Toutes les notifications' })).toHaveAttribute('href', '/notifications');

    await user.click(within(items[0] as HTMLElement).getByRole('button', { name: /Séance déplacée/ }));
    expect(await screen.findByText('page du planning')).toBeInTheDocument();
    const patch = calls.find((r) => r.method === 'PATCH');
    expect(patch).toBeDefined();
    expect(new URL(patch?.url ?? '').pathname).toBe('/api/v1/notifications/n-1');
    expect(patch?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(await patch?.json()).toEqual({ read: true });
    // The count is read again after the change.
    expect(await screen.findByRole('button', { name: 'Notifications : aucune non lue' })).toBeInTheDocument();
  });

  it('clicking a read notification without a link neither patches nor navigates', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count: 0 }),
      'GET /api/v1/notifications': () => jsonResponse(200, { items: [booked], next_cursor: null }),
    });
    const user = userEvent.setup();
    renderBell();
    await user.click(await screen.findByRole('button', { name: 'Notifications : aucune non lue' }));
    const dialog = await screen.findByRole('dialog', { name: 'Notifications' });
    await user.click(await within(dialog).findByRole('button', { name: /Examen réservé/ }));
    expect(screen.getByText('accueil')).toBeInTheDocument();
    expect(calls.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(within(dialog).getByRole('button', { name: 'Tout marquer comme lu' })).toBeDisabled();
  });

  it('"Tout marquer comme lu" posts read-all, then reads the count and the list again', async () => {
    let count = 2;
    const { calls } = mockFetch({
      'GET /api/v1/notifications/unread-count': () => jsonResponse(200, { count }),
      'GET /api/v1/notifications': () =>
        jsonResponse(200, { items: count ? [moved, { ...booked, read_at: null }] : [{ ...moved, read_at: '2026-01-03T10:00:00Z' }, booked], next_cursor: null }),
      'POST /api/v1/notifications/read-all': () => {
        count = 0;
        return jsonResponse(200, { updated: 2 });
      },
    });
    const user = userEvent.setup();
    renderBell();
    await user.click(await screen.findByRole('button', { name: 'Notifications : 2 non lues' }));
    const dialog = await screen.findByRole('dialog', { name: 'Notifications' });
    expect(await within(dialog).findAllByTestId('unread-mark')).toHaveLength(2);
    await user.click(within(dialog).getByRole('button', { name: 'Tout marquer comme lu' }));
    await waitFor(() => expect(within(dialog).queryAllByTestId('unread-mark')).toHaveLength(0));
    expect(screen.getByRole('button', { name: 'Notifications : aucune non lue' })).toBeInTheDocument();
    const post = calls.find((r) => r.method === 'POST');
    expect(new URL(post?.url ?? '').pathname).toBe('/api/v1/notifications/read-all');
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    const countReads = calls.filter((r) => new URL(r.url).pathname === '/api/v1/notifications/unread-count');
    expect(countReads.length).toBeGreaterThanOrEqual(2);
  });
});
