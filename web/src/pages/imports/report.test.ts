import {
  IGNORE,
  buildMapping,
  canImport,
  choicesFor,
  errorLines,
  isImportFile,
  mappingField,
  megabytes,
  needsMapping,
  parseExportResult,
  parseImportReport,
  summarise,
  type ImportReport,
} from './report.ts';

/** A dry run's result as the server sends it: 4 rows, one refused for its birth date, one for two cells. */
const RESULT = {
  dry_run: true,
  partial: false,
  written: false,
  rows: 4,
  created: 1,
  updated: 1,
  skipped: 0,
  errors: 2,
  unknown_columns: [],
  missing_columns: [],
  fields: [
    ['last_name', 'Nom'],
    ['first_name', 'Prénom'],
    ['birth_date', 'Date de naissance'],
  ],
  report: [
    { row: 2, status: 'created', student_id: null, name: 'Martin Léa', errors: [] },
    { row: 3, status: 'error', student_id: null, name: 'Dupont Marie ', errors: [{ column: 'Date de naissance', message: '« 31/02/2004 » n’est pas une date (JJ/MM/AAAA).' }] },
    { row: 4, status: 'updated', student_id: 's-4', name: 'Petit Paul', errors: [] },
    {
      row: 5,
      status: 'error',
      student_id: null,
      name: ' ',
      errors: [
        { column: 'Nom', message: 'Nom est obligatoire.' },
        { column: '', message: 'Un élève porte déjà ce NEPH.' },
      ],
    },
  ],
};

const report = (extra: Partial<ImportReport> = {}): ImportReport => ({ ...(parseImportReport(RESULT) as ImportReport), ...extra });

describe('the import report', () => {
  it('reads a job’s result, and refuses what is not a report', () => {
    const parsed = parseImportReport(RESULT);
    expect(parsed).not.toBeNull();
    expect(parsed?.rows).toBe(4);
    expect(parsed?.fields).toEqual([
      ['last_name', 'Nom'],
      ['first_name', 'Prénom'],
      ['birth_date', 'Date de naissance'],
    ]);
    expect(parsed?.report.map((r) => [r.row, r.status, r.name])).toEqual([
      [2, 'created', 'Martin Léa'],
      [3, 'error', 'Dupont Marie'],
      [4, 'updated', 'Petit Paul'],
      [5, 'error', ''],
    ]);
    expect(parseImportReport({})).toBeNull();
    expect(parseImportReport(null)).toBeNull();
    expect(parseImportReport({ size_bytes: 12, file_name: 'export.zip' })).toBeNull();
    // A row of an unknown status is left out rather than shown wrong.
    expect(parseImportReport({ ...RESULT, report: [{ row: 2, status: 'weird', errors: [] }] })?.report).toEqual([]);
  });

  it('summarises the counts in the page’s order', () => {
    expect(summarise(report())).toEqual([
      { key: 'created', count: 1 },
      { key: 'updated', count: 1 },
      { key: 'skipped', count: 0 },
      { key: 'errors', count: 2 },
    ]);
  });

  it('gives one line per cell at fault, with the spreadsheet’s row number', () => {
    expect(errorLines(report()).map(({ row, name, column, message }) => ({ row, name, column, message }))).toEqual([
      { row: 3, name: 'Dupont Marie', column: 'Date de naissance', message: '« 31/02/2004 » n’est pas une date (JJ/MM/AAAA).' },
      { row: 5, name: '', column: 'Nom', message: 'Nom est obligatoire.' },
      { row: 5, name: '', column: '', message: 'Un élève porte déjà ce NEPH.' },
    ]);
    expect(new Set(errorLines(report()).map((l) => l.key)).size).toBe(3);
    expect(errorLines(report({ errors: 0, report: [] }))).toEqual([]);
  });

  it('lists the ignored rows apart, with why, and counts them only when there are some', () => {
    const past = { row: 6, status: 'ignored', student_id: 's-1', name: 'Martin Léa', errors: [{ column: 'Statut', message: 'Séance « Réalisée » : …' }] };
    const withIgnored = parseImportReport({ ...RESULT, rows: 5, ignored: 1, report: [...RESULT.report, past] }) as ImportReport;
    expect(errorLines(withIgnored, 'ignored').map(({ row, column }) => [row, column])).toEqual([[6, 'Statut']]);
    expect(errorLines(withIgnored).map((l) => l.row)).toEqual([3, 5, 5]);
    expect(summarise(withIgnored).map((c) => c.key)).toEqual(['created', 'updated', 'skipped', 'ignored', 'errors']);
    expect(summarise(report()).some((c) => c.key === 'ignored')).toBe(false);
  });

  it('lets "Importer" go on without refused rows, or with them when only the valid ones are imported', () => {
    expect(canImport(report(), false)).toBe(false);
    expect(canImport(report(), true)).toBe(true);
    expect(canImport(report({ errors: 0 }), false)).toBe(true);
    // Every row refused: nothing to import, even "partially".
    expect(canImport(report({ rows: 2, errors: 2 }), true)).toBe(false);
    // The columns first.
    expect(canImport(report({ errors: 0, unknown_columns: ['Code client'] }), false)).toBe(false);
    expect(canImport(report({ errors: 0, missing_columns: ['Date de naissance'] }), true)).toBe(false);
  });

  it('asks for the mapping step when a header is unknown or a required column is missing', () => {
    expect(needsMapping(report())).toBe(false);
    expect(needsMapping(report({ unknown_columns: ['Code client'] }))).toBe(true);
    expect(needsMapping(report({ missing_columns: ['Date de naissance'] }))).toBe(true);
  });
});

describe('the column mapping', () => {
  it('starts a new header ignored and keeps what was chosen for a known one', () => {
    expect(choicesFor(['Code client', 'Né le'], { 'Né le': 'birth_date', Autre: 'email' })).toEqual({ 'Code client': IGNORE, 'Né le': 'birth_date' });
    expect(choicesFor([], { 'Né le': 'birth_date' })).toEqual({});
  });

  it('sends the fields chosen, and "" for an ignored column', () => {
    expect(buildMapping({ 'Code client': IGNORE, 'Né le': 'birth_date', Portable: 'phone' })).toEqual({ 'Code client': '', 'Né le': 'birth_date', Portable: 'phone' });
    expect(mappingField({ 'Code client': IGNORE, 'Né le': 'birth_date' })).toBe('{"Code client":"","Né le":"birth_date"}');
    expect(JSON.parse(mappingField({ 'Né le': 'birth_date' }))).toEqual({ 'Né le': 'birth_date' });
    // No mapping: an empty field (the server reads none).
    expect(mappingField({})).toBe('');
  });
});

describe('the files and the export', () => {
  it('takes CSV and Excel files only', () => {
    expect(isImportFile({ name: 'eleves.csv' })).toBe(true);
    expect(isImportFile({ name: 'Export ANCIEN.XLSX' })).toBe(true);
    expect(isImportFile({ name: 'eleves.xls' })).toBe(false);
    expect(isImportFile({ name: 'photo.png' })).toBe(false);
  });

  it('reads the export’s size and names it in megabytes, in French', () => {
    expect(parseExportResult({ size_bytes: 1_572_864, file_name: 'export-ecole-2026-12-01.zip' })).toEqual({
      size_bytes: 1_572_864,
      file_name: 'export-ecole-2026-12-01.zip',
    });
    expect(parseExportResult(RESULT)).toBeNull();
    expect(megabytes(1_572_864)).toBe('1,5');
    expect(megabytes(10 * 1024 * 1024)).toBe('10,0');
    expect(megabytes(20_000)).toBe('0,1');
  });
});
