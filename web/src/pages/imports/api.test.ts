import { setCsrfToken } from '../../api/client.ts';
import { jsonResponse, mockFetch } from '../../test/render.tsx';
import { buildImportForm, startExport, startImport } from './api.ts';
import { IGNORE } from './report.ts';

const csv = () => new File([new TextEncoder().encode('Nom;Prénom;Date de naissance\nMartin;Léa;12/03/2004\n')], 'eleves.csv', { type: 'text/csv' });

const job = (extra: object = {}) => ({
  id: 'j-1',
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

describe('the import form', () => {
  afterEach(() => setCsrfToken(null));

  it('builds the multipart fields the server reads', () => {
    const form = buildImportForm({ kind: 'students', file: csv(), dryRun: true, partial: false, choices: { 'Code client': IGNORE, 'Né le': 'birth_date' } });
    expect([...form.keys()]).toEqual(['kind', 'dry_run', 'partial', 'mapping', 'file']);
    expect(form.get('kind')).toBe('students');
    expect(form.get('dry_run')).toBe('true');
    expect(form.get('partial')).toBe('false');
    expect(JSON.parse(form.get('mapping') as string)).toEqual({ 'Code client': '', 'Né le': 'birth_date' });
    expect(form.get('file')).toBeInstanceOf(File);
  });

  it('posts the FormData with the CSRF header and the browser’s multipart content type', async () => {
    setCsrfToken('csrf-123');
    const { calls } = mockFetch({ 'POST /api/v1/imports': () => jsonResponse(202, job()) });
    const started = await startImport({ kind: 'balances', file: csv(), dryRun: false, partial: true, choices: {} });
    expect(started.id).toBe('j-1');
    const request = calls[0];
    expect(request?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(request?.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const body = (await request?.text()) ?? '';
    expect(body).toMatch(/name="kind"\r\n\r\nbalances\r\n/);
    expect(body).toMatch(/name="dry_run"\r\n\r\nfalse\r\n/);
    expect(body).toMatch(/name="partial"\r\n\r\ntrue\r\n/);
    expect(body).toMatch(/name="mapping"\r\n\r\n\r\n/);
    expect(body).toMatch(/name="file"; filename="[^"]+"\r\nContent-Type: text\/csv\r\n\r\nNom;Prénom;Date de naissance/);
  });

  it('starts the school export with its JSON body', async () => {
    setCsrfToken('csrf-123');
    const { calls } = mockFetch({ 'POST /api/v1/exports': () => jsonResponse(202, job({ kind: 'export', input_name: null })) });
    await startExport();
    expect(calls[0]?.headers.get('X-CSRF-Token')).toBe('csrf-123');
    expect(await calls[0]?.json()).toEqual({ kind: 'school' });
  });
});
