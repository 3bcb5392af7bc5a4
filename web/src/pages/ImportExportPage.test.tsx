import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setCsrfToken } from '../api/client.ts';
import { demoSession, jsonResponse, mockFetch, renderWithProviders } from '../test/render.tsx';
import ImportExportPage from './ImportExportPage.tsx';

const FIELDS = [
  ['last_name', 'Nom'],
  ['first_name', 'Prénom'],
  ['birth_date', 'Date de naissance'],
  ['email', 'E-mail'],
  ['phone', 'Téléphone'],
];
const BAD_DATE = '« 31/02/2004 » n’est pas une date (JJ/MM/AAAA).';

const job = (id: string, extra: object = {}) => ({
  id,
  kind: 'import',
  status: 'queued',
  progress: { done: 0, total: 0 },
  input_name: 'eleves.csv',
  result: {},
  result_url: null,
  errors: [],
  created_at: '2026-12-01T09:00:00Z',
  finished_at: null,
  ...extra,
});

const importReport = (extra: object = {}) => ({
  dry_run: true,
  partial: false,
  written: false,
  rows: 3,
  created: 2,
  updated: 0,
  skipped: 0,
  errors: 1,
  unknown_columns: [],
  missing_columns: [],
  fields: FIELDS,
  report: [
    { row: 2, status: 'created', student_id: null, name: 'Martin Léa', errors: [] },
    { row: 3, status: 'error', student_id: null, name: 'Dupont Marie', errors: [{ column: 'Date de naissance', message: BAD_DATE }] },
    { row: 4, status: 'created', student_id: null, name: 'Petit Paul', errors: [] },
  ],
  ...extra,
});

const csv = (name = 'eleves.csv') =>
  new File([new TextEncoder().encode('Nom;Prénom;Date de naissance;E-mail\nMartin;Léa;12/03/2004;\n')], name, { type: 'text/csv' });

/** The multipart fields of a request, as text (jsdom's FormData cannot be read back from a Request). */
async function fields(request: Request): Promise<Record<string, string>> {
  const body = await request.clone().text();
  const out: Record<string, string> = {};
  for (const match of body.matchAll(/name="(\w+)"\r\n\r\n([^\r]*)\r\n/g)) out[match[1] ?? ''] = match[2] ?? '';
  return out;
}

const fileInput = (container: HTMLElement) => {
  const input = container.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  return input;
};

describe('ImportExportPage: the import wizard', () => {
  afterEach(() => setCsrfToken(null));

  it('checks the file by a dry run, shows the refused row, then imports the valid rows only', async () => {
    const sent: Record<string, string>[] = [];
    let importPolls = 0;
    mockFetch({
      'POST /api/v1/imports': async (request) => {
        const form = await fields(request);
        sent.push(form);
        return jsonResponse(202, job(form.dry_run === 'true' ? 'check-1' : 'import-1'));
      },
      'GET /api/v1/jobs/check-1': () => jsonResponse(200, job('check-1', { status: 'done', progress: { done: 3, total: 3 }, result: importReport() })),
      'GET /api/v1/jobs/import-1': () => {
        importPolls += 1;
        return importPolls === 1
          ? jsonResponse(200, job('import-1', { status: 'running', progress: { done: 1, total: 3 } }))
          : jsonResponse(
              200,
              job('import-1', {
                status: 'done',
                progress: { done: 3, total: 3 },
                result: importReport({ dry_run: false, partial: true, written: true }),
              }),
            );
      },
    });
    const user = userEvent.setup();
    const { container } = renderWithProviders(<ImportExportPage />, { session: demoSession });

    expect(screen.getByRole('heading', { level: 1, name: 'Import et export' })).toBeInTheDocument();
    const wizard = screen.getByRole('region', { name: 'Importer depuis l’ancien logiciel' });
    // Step 1: what the file contains (Élèves by default, with the columns expected) and the file.
    expect(within(wizard).getByRole('radio', { name: 'Élèves' })).toBeChecked();
    expect(within(wizard).getByTestId('kind-help')).toHaveTextContent('Nom, Prénom, Date de naissance (JJ/MM/AAAA)');
    await user.click(within(wizard).getByRole('radio', { name: 'Soldes d’heures' }));
    expect(within(wizard).getByTestId('kind-help')).toHaveTextContent('Heures restantes');
    await user.click(within(wizard).getByRole('radio', { name: 'Élèves' }));

    // No file: said under the field, nothing sent.
    await user.click(within(wizard).getByRole('button', { name: 'Vérifier' }));
    expect(await within(wizard).findByText('Choisissez le fichier à importer.')).toBeInTheDocument();
    expect(sent).toHaveLength(0);

    await user.upload(fileInput(container), csv());
    expect(within(wizard).getByText('eleves.csv')).toBeInTheDocument();
    await user.click(within(wizard).getByRole('button', { name: 'Vérifier' }));

    // Step 3: the dry run's report.
    expect(await within(wizard).findByRole('heading', { name: 'Rapport de vérification' })).toBeInTheDocument();
    expect(sent[0]).toEqual({ kind: 'students', dry_run: 'true', partial: 'false', mapping: '' });
    const counts = within(wizard).getByRole('list', { name: 'Résumé' });
    expect(within(counts).getByText('À créer : 2')).toBeInTheDocument();
    expect(within(counts).getByText('À mettre à jour : 0')).toBeInTheDocument();
    expect(within(counts).getByText('Déjà à jour : 0')).toBeInTheDocument();
    expect(within(counts).getByText('En erreur : 1')).toBeInTheDocument();
    const table = within(wizard).getByRole('table', { name: /^Lignes refusées/ });
    const rows = within(table).getAllByTestId('import-error');
    expect(rows).toHaveLength(1);
    const cells = [...(rows[0] as HTMLElement).querySelectorAll('th, td')].map((c) => c.textContent);
    expect(within(rows[0] as HTMLElement).getByRole('rowheader', { name: '3' })).toBeInTheDocument();
    expect(cells).toEqual(['3', 'Dupont Marie', 'Date de naissance', BAD_DATE]);
    const current = within(wizard).getByRole('button', { name: /Rapport/, current: 'step' });
    expect(current).toBeInTheDocument();

    // A refused row holds "Importer" back, unless only the valid rows are imported.
    const importButton = within(wizard).getByRole('button', { name: 'Importer' });
    expect(importButton).toBeDisabled();
    expect(within(wizard).getByTestId('import-blocked')).toBeInTheDocument();
    await user.click(within(wizard).getByRole('checkbox', { name: 'Importer seulement les lignes valides' }));
    expect(importButton).toBeEnabled();
    await user.click(importButton);

    // Step 4: the progress, then the final counts and the students' list.
    expect(await within(wizard).findByText('1 / 3 lignes')).toBeInTheDocument();
    expect(within(wizard).getByRole('progressbar', { name: 'Avancement' })).toHaveAttribute('aria-valuenow', '33');
    expect(sent[1]).toEqual({ kind: 'students', dry_run: 'false', partial: 'true', mapping: '' });
    expect(await within(wizard).findByRole('heading', { name: 'Import terminé' }, { timeout: 3000 })).toBeInTheDocument();
    const final = within(wizard).getByRole('list', { name: 'Résumé' });
    expect(within(final).getByText('Créés : 2')).toBeInTheDocument();
    expect(within(final).getByText('En erreur : 1')).toBeInTheDocument();
    expect(within(wizard).getByTestId('import-written')).toHaveTextContent('Les données du fichier « eleves.csv » sont dans Volant.');
    expect(within(wizard).getByRole('link', { name: 'Voir la liste des élèves' })).toHaveAttribute('href', '/eleves');

    // A new import starts from the first step.
    await user.click(within(wizard).getByRole('button', { name: 'Nouvel import' }));
    expect(within(wizard).getByRole('button', { name: 'Vérifier' })).toBeInTheDocument();
  });

  it('maps the unknown headers before the report, and sends the mapping with the import', async () => {
    const sent: Record<string, string>[] = [];
    mockFetch({
      'POST /api/v1/imports': async (request) => {
        const form = await fields(request);
        sent.push(form);
        return jsonResponse(202, job(`job-${String(sent.length)}`));
      },
      'GET /api/v1/jobs/job-1': () =>
        jsonResponse(
          200,
          job('job-1', {
            status: 'done',
            result: importReport({ rows: 1, created: 0, errors: 0, unknown_columns: ['Né le', 'Code client'], missing_columns: ['Date de naissance'], report: [] }),
          }),
        ),
      'GET /api/v1/jobs/job-2': () =>
        jsonResponse(200, job('job-2', { status: 'done', result: importReport({ rows: 1, created: 1, errors: 0, report: [{ row: 2, status: 'created', student_id: null, name: 'Martin Léa', errors: [] }] }) })),
      'GET /api/v1/jobs/job-3': () =>
        jsonResponse(200, job('job-3', { status: 'done', result: importReport({ dry_run: false, written: true, rows: 1, created: 1, errors: 0, report: [] }) })),
    });
    const user = userEvent.setup();
    const { container } = renderWithProviders(<ImportExportPage />, { session: demoSession });
    await user.upload(fileInput(container), csv('ancien.csv'));
    await user.click(screen.getByRole('button', { name: 'Vérifier' }));

    expect(await screen.findByRole('heading', { name: 'Colonnes à associer' })).toBeInTheDocument();
    expect(screen.getByTestId('missing-columns')).toHaveTextContent('Aucune colonne du fichier ne donne : Date de naissance.');
    const born = screen.getByRole('combobox', { name: 'Colonne « Né le »' });
    const code = screen.getByRole('combobox', { name: 'Colonne « Code client »' });
    expect(code).toHaveValue('__ignore__');
    expect(within(code).getByRole('option', { name: 'Ignorer cette colonne' })).toBeInTheDocument();
    await user.selectOptions(born, 'Date de naissance');
    await user.click(screen.getByRole('button', { name: 'Vérifier à nouveau' }));

    expect(await screen.findByRole('heading', { name: 'Rapport de vérification' })).toBeInTheDocument();
    expect(JSON.parse(sent[1]?.mapping ?? '')).toEqual({ 'Né le': 'birth_date', 'Code client': '' });
    expect(screen.getByText('Aucune ligne refusée.')).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Importer seulement les lignes valides' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Importer' }));
    expect(await screen.findByRole('heading', { name: 'Import terminé' })).toBeInTheDocument();
    expect(sent[2]?.dry_run).toBe('false');
    expect(JSON.parse(sent[2]?.mapping ?? '')).toEqual({ 'Né le': 'birth_date', 'Code client': '' });
  });

  it('says why a file could not be read, and goes back to choose another', async () => {
    mockFetch({
      'POST /api/v1/imports': () => jsonResponse(202, job('bad')),
      'GET /api/v1/jobs/bad': () =>
        jsonResponse(200, job('bad', { status: 'failed', errors: ['Le fichier est vide : il faut une ligne d’en-têtes puis une ligne par élève.'] })),
    });
    const user = userEvent.setup();
    const { container } = renderWithProviders(<ImportExportPage />, { session: demoSession });
    await user.upload(fileInput(container), csv());
    await user.click(screen.getByRole('button', { name: 'Vérifier' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Le fichier est vide');
    await user.click(screen.getByRole('button', { name: 'Choisir un autre fichier' }));
    expect(screen.getByRole('button', { name: 'Vérifier' })).toBeInTheDocument();
    expect(screen.queryByText('eleves.csv')).not.toBeInTheDocument();
  });
});

describe('ImportExportPage: the school export', () => {
  afterEach(() => setCsrfToken(null));

  it('starts the export, follows it, then offers the zip with its size', async () => {
    let polls = 0;
    const { calls } = mockFetch({
      'POST /api/v1/exports': () => jsonResponse(202, job('exp-1', { kind: 'export', input_name: null })),
      'GET /api/v1/jobs/exp-1': () => {
        polls += 1;
        return polls === 1
          ? jsonResponse(200, job('exp-1', { kind: 'export', status: 'running', input_name: null }))
          : jsonResponse(
              200,
              job('exp-1', {
                kind: 'export',
                status: 'done',
                input_name: null,
                result: { size_bytes: 2_621_440, file_name: 'export-ecole-2026-12-01.zip' },
                result_url: '/api/v1/jobs/exp-1/file',
              }),
            );
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ImportExportPage />, { session: demoSession });
    const card = screen.getByRole('region', { name: 'Exporter toute l’école' });
    expect(card).toHaveTextContent('eleves.csv, comme « Élèves »');
    expect(within(card).getByRole('list', { name: /dans cet ordre/ })).toBeInTheDocument();

    await user.click(within(card).getByRole('button', { name: 'Exporter toute l’école' }));
    expect(await within(card).findByText('Export en cours : les fichiers et les PDF sont préparés…')).toBeInTheDocument();
    const link = await within(card).findByRole('link', { name: 'Télécharger l’export (2,5 Mo)' }, { timeout: 3000 });
    expect(link).toHaveAttribute('href', '/api/v1/jobs/exp-1/file');
    expect(link).toHaveAttribute('download', 'export-ecole-2026-12-01.zip');
    expect(await calls[0]?.json()).toEqual({ kind: 'school' });
  });
});
