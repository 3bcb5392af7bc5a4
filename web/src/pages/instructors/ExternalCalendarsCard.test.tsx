import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../../api/client.ts';
import { formatDateTime } from '../../lib/format.ts';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { ExternalCalendarsCard } from './ExternalCalendarsCard.tsx';

const ID = 'i-sophie';
const PATH = `/api/v1/instructors/${ID}/external-calendars`;

const followed = {
  id: 'c-1',
  instructor_id: ID,
  name: 'Agenda perso',
  url: 'https://calendar.example.test/private/basic.ics',
  last_fetched_at: '2026-05-04T08:00:00Z',
  last_error: "L'adresse ne répond pas (délai dépassé).",
  busy_count: 3,
  created_at: '2026-05-01T10:00:00Z',
};
const imported = {
  id: 'c-2',
  instructor_id: ID,
  name: 'Autre auto-école',
  url: null,
  last_fetched_at: null,
  last_error: null,
  busy_count: 1,
  created_at: '2026-05-02T10:00:00Z',
};

function renderCard() {
  return renderWithProviders(<ExternalCalendarsCard instructorId={ID} />, {
    session: { ...demoSession, role: 'INSTRUCTOR', instructor_id: ID },
  });
}

/** The list item of the calendar named `name`. */
function itemOf(name: string): HTMLElement {
  const item = screen.getByText(name).closest('li');
  if (!item) throw new Error(`no list item for ${name}`);
  return item;
}

/** The body of the POST, once sent. */
async function postedBody(calls: Request[]) {
  let post: Request | undefined;
  await waitFor(() => {
    post = calls.find((r) => r.method === 'POST');
    expect(post).toBeDefined();
  });
  return (await post?.clone().json()) as unknown;
}

describe('the external calendars card', () => {
  afterEach(() => setCsrfToken(null));

  it('lists the calendars with their kind, refresh, busy times and last error, and removes one after confirming', async () => {
    let items = [followed, imported];
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, { items }),
      [`DELETE ${PATH}/c-1`]: () => {
        items = [imported];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderCard();

    const list = await screen.findByRole('list', { name: 'Agendas externes suivis' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    const first = itemOf('Agenda perso');
    const second = itemOf('Autre auto-école');
    expect(first).toHaveTextContent('Agenda perso');
    expect(first).toHaveTextContent('Adresse suivie, actualisée chaque heure');
    expect(first).toHaveTextContent(`Dernière actualisation : ${formatDateTime(followed.last_fetched_at, 'Europe/Paris')}`);
    expect(first).toHaveTextContent('3 créneaux occupés à venir');
    const error = within(first).getByText("Dernière erreur : L'adresse ne répond pas (délai dépassé).");
    expect(error).not.toHaveAttribute('role');
    expect(second).toHaveTextContent('Fichier importé');
    expect(second).toHaveTextContent('Pas encore actualisé');
    expect(second).toHaveTextContent('1 créneau occupé à venir');
    expect(second).not.toHaveTextContent('Dernière erreur');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: "Supprimer l'agenda « Agenda perso »" }));
    const dialog = await screen.findByRole('dialog', { name: 'Supprimer un agenda externe' });
    expect(calls.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Supprimer' }));

    expect(await screen.findByText("L'agenda « Agenda perso » a été supprimé.")).toBeInTheDocument();
    expect(calls.find((r) => r.method === 'DELETE')?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    await waitFor(() => expect(screen.getAllByTestId('external-calendar')).toHaveLength(1));
    expect(screen.getByRole('heading', { name: 'Agendas externes' })).toHaveFocus();
  });

  it('adds an address as {name, url}, showing the server refusal under the field first', async () => {
    let posts = 0;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, { items: posts > 1 ? [followed] : [] }),
      [`POST ${PATH}`]: () => {
        posts += 1;
        return posts === 1
          ? problemResponse(400, {
              detail: 'Certaines informations sont invalides.',
              errors: [{ field: 'url', message: "Cette adresse ne donne pas un calendrier iCalendar." }],
            })
          : jsonResponse(201, followed);
      },
    });
    const user = userEvent.setup();
    renderCard();
    expect(await screen.findByText('Aucun agenda externe.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(calls.some((r) => r.method === 'POST')).toBe(false);
    expect(screen.getByRole('textbox', { name: /^Nom/ })).toHaveAttribute('aria-invalid', 'true');

    await user.type(screen.getByRole('textbox', { name: /^Nom/ }), 'Agenda perso');
    const url = screen.getByRole('textbox', { name: /^Adresse de l'agenda/ });
    await user.type(url, 'calendar.example.test');
    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(screen.getByText('Saisissez une adresse commençant par https://, http:// ou webcal://.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'POST')).toBe(false);

    await user.clear(url);
    await user.type(url, ' webcal://calendar.example.test/private/basic.ics ');
    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(await screen.findByText('Cette adresse ne donne pas un calendrier iCalendar.')).toBeInTheDocument();
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(await postedBody(calls)).toEqual({ name: 'Agenda perso', url: 'webcal://calendar.example.test/private/basic.ics' });

    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(await screen.findByText("L'agenda « Agenda perso » a été ajouté.")).toBeInTheDocument();
    expect(await screen.findByRole('list', { name: 'Agendas externes suivis' })).toHaveTextContent('Agenda perso');
    expect(screen.getByRole('textbox', { name: /^Nom/ })).toHaveValue('');
  });

  it('reads a chosen .ics file and posts its text as {name, ics}, with the server message under the file', async () => {
    const content = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n';
    let posts = 0;
    const { calls } = mockFetch({
      [`GET ${PATH}`]: () => jsonResponse(200, { items: [] }),
      [`POST ${PATH}`]: () => {
        posts += 1;
        return posts === 1
          ? problemResponse(400, {
              detail: 'Certaines informations sont invalides.',
              errors: [{ field: 'ics', message: "Ce fichier n'est pas un calendrier iCalendar." }],
            })
          : jsonResponse(201, { ...imported, name: 'Autre auto-école' });
      },
    });
    const user = userEvent.setup();
    const { container } = renderCard();
    await screen.findByText('Aucun agenda externe.');

    await user.click(screen.getByRole('radio', { name: 'Fichier .ics' }));
    expect(screen.queryByRole('textbox', { name: /^Adresse de l'agenda/ })).not.toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: /^Nom/ }), 'Autre auto-école');
    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(screen.getByText('Choisissez un fichier .ics.')).toBeInTheDocument();

    const file = new File([content], 'agenda.ics', { type: 'text/calendar' });
    // jsdom's File has no text(): the browser's is what the card calls.
    Object.defineProperty(file, 'text', { value: () => Promise.resolve(content) });
    const input = container.querySelector<HTMLInputElement>('input[type="file"]');
    expect(input).toHaveAttribute('accept', '.ics,text/calendar');
    if (!input) throw new Error('no file input');
    await user.upload(input, file);
    expect(screen.getByRole('button', { name: 'Fichier .ics : agenda.ics' })).toHaveTextContent('agenda.ics');

    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(await screen.findByText("Ce fichier n'est pas un calendrier iCalendar.")).toBeInTheDocument();
    expect(await postedBody(calls)).toEqual({ name: 'Autre auto-école', ics: content });

    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(await screen.findByText("L'agenda « Autre auto-école » a été ajouté.")).toBeInTheDocument();
  });

  it('refuses a file over 1 MB before reading it', async () => {
    const { calls } = mockFetch({ [`GET ${PATH}`]: () => jsonResponse(200, { items: [] }) });
    const user = userEvent.setup();
    const { container } = renderCard();
    await screen.findByText('Aucun agenda externe.');
    await user.click(screen.getByRole('radio', { name: 'Fichier .ics' }));
    await user.type(screen.getByRole('textbox', { name: /^Nom/ }), 'Gros agenda');
    const input = container.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) throw new Error('no file input');
    await user.upload(input, new File(['x'.repeat(1024 * 1024 + 1)], 'gros.ics', { type: 'text/calendar' }));
    await user.click(screen.getByRole('button', { name: "Ajouter l'agenda" }));
    expect(screen.getByText('Ce fichier dépasse 1 Mo.')).toBeInTheDocument();
    expect(calls.some((r) => r.method === 'POST')).toBe(false);
  });
});
