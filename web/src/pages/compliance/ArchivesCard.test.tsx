import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { demoSession, jsonResponse, mockFetch, problemResponse, renderWithProviders } from '../../test/render.tsx';
import { todayIn } from '../../lib/zonedTime.ts';
import { ArchivesCard } from './ArchivesCard.tsx';

/** This year in the school's zone (the demo session's). */
const THIS_YEAR = Number(todayIn('Europe/Paris').slice(0, 4));

const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';

const archive = {
  id: 'a-2025',
  year: 2025,
  covers_from: '2025-01-01',
  covers_to: '2025-12-31',
  complete: true,
  sha256: 'cd'.repeat(32),
  size_bytes: 48_640,
  created_at: '2026-01-01T02:00:00Z',
};

const overview = (archives: unknown[]) => ({ public_key: 'Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=', public_key_pem: PEM, fingerprint: '1a2b-3c4d-5e6f-7a8b', archives });

/** The files the card saved: the object URLs' blobs and the `<a download>` names clicked. */
function catchDownloads() {
  const saved: { name: string; blob: Blob | undefined }[] = [];
  const blobs = new Map<string, Blob>();
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    value: (blob: Blob) => {
      const url = `blob:test/${String(blobs.size)}`;
      blobs.set(url, blob);
      return url;
    },
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => undefined });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.href) });
  });
  return saved;
}

const zip = (name: string) =>
  new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
    status: 201,
    headers: { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${name}"`, Location: '/api/v1/fiscal-archives/a-2026' },
  });

describe('ArchivesCard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the archives with their period, state and size, and shows the school’s key with how to verify offline', async () => {
    mockFetch({ 'GET /api/v1/fiscal-archives': () => jsonResponse(200, overview([archive, { ...archive, id: 'a-2026', year: 2026, covers_from: '2026-01-01', covers_to: '2026-12-05', complete: false, size_bytes: 900 }])) });
    renderWithProviders(<ArchivesCard />, { session: demoSession });
    expect(await screen.findByRole('heading', { name: 'Archives fiscales', level: 2 })).toBeInTheDocument();
    const rows = await screen.findAllByTestId('archive');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('01/01/2025 – 31/12/2025');
    expect(rows[0]).toHaveTextContent('Complète');
    expect(rows[0]).toHaveTextContent('48 Ko');
    expect(rows[1]).toHaveTextContent('Partielle');
    expect(rows[1]).toHaveTextContent('1 Ko');
    expect(within(rows[1] as HTMLElement).getByRole('button', { name: 'Télécharger l’archive 2026 du 01/01/2026 au 05/12/2026' })).toBeInTheDocument();
    expect(screen.getByTestId('archive-fingerprint')).toHaveTextContent('1a2b-3c4d-5e6f-7a8b');
    expect(screen.getByTestId('archive-pem')).toHaveTextContent('-----BEGIN PUBLIC KEY-----');
    expect(screen.getByText('volant admin verify-archive FICHIER.zip')).toBeInTheDocument();
    expect(screen.getByText(/openssl pkeyutl -verify -pubin -inkey cle-publique\.pem/)).toBeInTheDocument();
    // The year to archive: this one by default.
    expect(screen.getByRole('combobox', { name: 'Année à archiver' })).toHaveValue(String(THIS_YEAR));
  });

  it('says why nothing was archived (422), then archives the year and saves the zip under the server’s name', async () => {
    const saved = catchDownloads();
    let posts = 0;
    const { calls } = mockFetch({
      'GET /api/v1/fiscal-archives': () => jsonResponse(200, overview(posts > 1 ? [archive] : [])),
      'POST /api/v1/fiscal-archives': () => {
        posts += 1;
        return posts === 1
          ? problemResponse(422, {
              detail: "Aucune journée de l’année n'est encore close : l'archive couvre les journées closes (la clôture est faite chaque nuit).",
              rules: [{ code: 'nothing_closed', message: "Aucune journée de l’année n'est encore close." }],
            })
          : zip('archive-fiscale-2026-20261205.zip');
      },
      'GET /api/v1/technical-events': () => jsonResponse(200, { items: [], next_cursor: null }),
    });
    const user = userEvent.setup();
    renderWithProviders(<ArchivesCard />, { session: demoSession });
    expect(await screen.findByText('Aucune archive pour l’instant.')).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Archiver l’année' });
    await user.click(button);
    expect(await screen.findByTestId('archive-refused')).toHaveTextContent("Aucune journée de l’année n'est encore close : l'archive couvre les journées closes");
    expect(saved).toEqual([]);

    await user.click(button);
    expect(await screen.findByText(/le téléchargement a commencé/)).toBeInTheDocument();
    expect(saved.map((s) => s.name)).toEqual(['archive-fiscale-2026-20261205.zip']);
    expect(saved[0]?.blob?.size).toBe(4);
    expect(screen.queryByTestId('archive-refused')).not.toBeInTheDocument();
    const post = calls.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({ year: THIS_YEAR });
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    // The list is read again: the new archive shows.
    expect(await screen.findByTestId('archive')).toHaveTextContent('2025');
  });

  it('downloads an archive again from its row', async () => {
    const saved = catchDownloads();
    mockFetch({
      'GET /api/v1/fiscal-archives': () => jsonResponse(200, overview([archive])),
      'GET /api/v1/fiscal-archives/a-2025': () => new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'Content-Type': 'application/zip' } }),
    });
    const user = userEvent.setup();
    renderWithProviders(<ArchivesCard />, { session: demoSession });
    await user.click(await screen.findByRole('button', { name: /^Télécharger l’archive 2025/ }));
    await vi.waitFor(() => expect(saved.map((s) => s.name)).toEqual(['archive-fiscale-2025-20251231.zip']));
  });
});
