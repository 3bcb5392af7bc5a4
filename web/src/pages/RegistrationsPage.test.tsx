import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18n from '../i18n/index.ts';
import siteRegistrations from '../i18n/fr.site.ts';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';
import RegistrationsPage from './RegistrationsPage.tsx';

const LONG_MESSAGE =
  'Bonjour, je voudrais commencer le permis en conduite accompagnée avec mon père. Je suis disponible le mercredi après-midi et le samedi matin. Merci de me rappeler après 17 h.';

const registration = (id: number, name: string, extra: object = {}) => ({
  id: `00000000-0000-4000-8000-00000000010${String(id)}`,
  student_id: `00000000-0000-4000-8000-00000000020${String(id)}`,
  student_name: name,
  student_status: 'prospect',
  email: null,
  phone: null,
  message: null,
  consented_at: '2026-12-06T00:10:00Z',
  ...extra,
});

const INES = registration(3, 'Inès Moreau', { email: 'ines.moreau@example.fr', phone: '06 12 34 56 78', message: LONG_MESSAGE });
const PAUL = registration(2, 'Paul Durand', { student_status: 'active', email: 'paul@example.fr', message: 'Rappel le soir.', consented_at: '2026-07-01T16:30:00Z' });
const OLD = registration(1, 'Léa Petit', { phone: '07.98.76.54.32', consented_at: '2026-01-15T09:00:00Z' });

describe('RegistrationsPage', () => {
  beforeAll(() => {
    // The page's strings, in case fr.ts does not spread them (yet): the same French text either way.
    i18n.addResourceBundle('fr', 'translation', { siteRegistrations }, true, true);
  });
  afterEach(() => setCsrfToken(null));

  it('lists the registrations with a link to the student file, the status and the ways to call back', async () => {
    mockFetch({ 'GET /api/v1/site-registrations': () => jsonResponse(200, { items: [INES, PAUL], next_cursor: null }) });
    const user = userEvent.setup();
    renderWithProviders(<RegistrationsPage />, { session: { ...demoSession, role: 'SECRETARY' } });

    expect(screen.getByRole('heading', { level: 1, name: 'Inscriptions en ligne' })).toBeInTheDocument();
    expect(
      screen.getByText('Les personnes inscrites depuis le site internet de l’école : rappelez-les pour fixer l’évaluation de départ.'),
    ).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Inscriptions reçues sur le site internet, les plus récentes d’abord' });
    const rows = within(table).getAllByTestId('site-registration');
    expect(rows).toHaveLength(2);
    const [ines, paul] = rows as [HTMLElement, HTMLElement];

    expect(within(ines).getByRole('link', { name: 'Inès Moreau' })).toHaveAttribute('href', `/eleves/${INES.student_id}`);
    expect(within(ines).getByText('Prospect')).toBeInTheDocument();
    expect(within(ines).getByRole('link', { name: 'ines.moreau@example.fr' })).toHaveAttribute('href', 'mailto:ines.moreau@example.fr');
    expect(within(ines).getByRole('link', { name: '06 12 34 56 78' })).toHaveAttribute('href', 'tel:0612345678');
    // In the school's zone (Europe/Paris): 00:10 UTC is 01:10.
    expect(ines).toHaveTextContent('06/12/2026 01:10');

    expect(within(paul).getByRole('link', { name: 'Paul Durand' })).toHaveAttribute('href', `/eleves/${PAUL.student_id}`);
    expect(within(paul).getByText('Actif')).toBeInTheDocument();
    expect(within(paul).getByRole('link', { name: 'paul@example.fr' })).toHaveAttribute('href', 'mailto:paul@example.fr');
    expect(paul).toHaveTextContent('Rappel le soir.');
    expect(paul).toHaveTextContent('01/07/2026 18:30');
    expect(within(paul).queryByRole('button')).not.toBeInTheDocument();

    // The long message is in the page whole; a button opens it on screen.
    expect(ines).toHaveTextContent(LONG_MESSAGE);
    const more = within(ines).getByRole('button', { name: 'Lire tout le message d\'Inès Moreau' });
    expect(more).toHaveAttribute('aria-expanded', 'false');
    await user.click(more);
    expect(within(ines).getByRole('button', { name: 'Réduire le message d\'Inès Moreau' })).toHaveAttribute('aria-expanded', 'true');

    // A single page: no pagination.
    expect(screen.queryByRole('group', { name: 'Pages des inscriptions en ligne' })).not.toBeInTheDocument();
  });

  it('shows one card per registration on a phone, with the same links', async () => {
    // Every media query matches: the phone layout (≤ 48em).
    const matchMedia = window.matchMedia.bind(window);
    vi.spyOn(window, 'matchMedia').mockImplementation((query) => Object.assign(matchMedia(query), { matches: true }));
    mockFetch({ 'GET /api/v1/site-registrations': () => jsonResponse(200, { items: [INES, PAUL], next_cursor: null }) });
    renderWithProviders(<RegistrationsPage />, { session: demoSession });
    const list = await screen.findByRole('list', { name: 'Inscriptions reçues sur le site internet, les plus récentes d’abord' });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const cards = within(list).getAllByTestId('site-registration');
    expect(cards).toHaveLength(2);
    const ines = cards[0] as HTMLElement;
    expect(within(ines).getByRole('link', { name: 'Inès Moreau' })).toHaveAttribute('href', `/eleves/${INES.student_id}`);
    expect(within(ines).getByRole('link', { name: 'ines.moreau@example.fr' })).toHaveAttribute('href', 'mailto:ines.moreau@example.fr');
    expect(within(ines).getByText('Date du consentement')).toBeInTheDocument();
  });

  it('says when nobody has registered yet', async () => {
    mockFetch({ 'GET /api/v1/site-registrations': () => jsonResponse(200, { items: [], next_cursor: null }) });
    renderWithProviders(<RegistrationsPage />, { session: demoSession });
    expect(await screen.findByText('Aucune inscription en ligne pour l’instant.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Plus ancien' })).not.toBeInTheDocument();
  });

  it('pages back to older registrations with the next cursor, and forward again', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/site-registrations': (request) =>
        new URL(request.url).searchParams.get('cursor') === 'c-2'
          ? jsonResponse(200, { items: [OLD], next_cursor: null })
          : jsonResponse(200, { items: [INES, PAUL], next_cursor: 'c-2' }),
    });
    const user = userEvent.setup();
    renderWithProviders(<RegistrationsPage />, { session: demoSession });
    expect(await screen.findByRole('link', { name: 'Inès Moreau' })).toBeInTheDocument();
    const pages = screen.getByRole('group', { name: 'Pages des inscriptions en ligne' });
    expect(within(pages).getByRole('button', { name: 'Plus récent' })).toBeDisabled();
    expect(screen.getByText('Page 1')).toBeInTheDocument();

    await user.click(within(pages).getByRole('button', { name: 'Plus ancien' }));
    const lea = await screen.findByRole('link', { name: 'Léa Petit' });
    expect(lea).toHaveAttribute('href', `/eleves/${OLD.student_id}`);
    expect(screen.getByRole('link', { name: '07.98.76.54.32' })).toHaveAttribute('href', 'tel:0798765432');
    expect(screen.queryByRole('link', { name: 'Inès Moreau' })).not.toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Plus ancien' })).toBeDisabled();
    expect(calls.map((r) => new URL(r.url).searchParams.get('cursor'))).toEqual([null, 'c-2']);
    expect(calls.map((r) => new URL(r.url).searchParams.get('limit'))).toEqual(['25', '25']);

    await user.click(screen.getByRole('button', { name: 'Plus récent' }));
    expect(await screen.findByRole('link', { name: 'Inès Moreau' })).toBeInTheDocument();
    expect(screen.getByText('Page 1')).toBeInTheDocument();
  });
});
