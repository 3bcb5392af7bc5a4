/**
 * The import's report and the export's result, as the page reads them: a job's `result` is typed as a bare object by
 * the OpenAPI, so it is checked here before use; and the pure steps of the wizard (the column mapping sent back, the
 * counts, the rows in error, whether "Importer" may go on).
 */

/** The office's choice for a column the import does not know: a field, or this value (sent as `""`). */
export const IGNORE = '__ignore__';

export type RowStatus = 'created' | 'updated' | 'skipped' | 'ignored' | 'error';

export interface CellError {
  /** The file's header of the column ("" when the whole row is refused). */
  column: string;
  message: string;
}

export interface RowReport {
  /** The row's number in the spreadsheet (the headers are row 1). */
  row: number;
  status: RowStatus;
  student_id: string | null;
  name: string;
  errors: CellError[];
}

/** The result of an import job (a dry run's or a real one's). */
export interface ImportReport {
  dry_run: boolean;
  partial: boolean;
  /** Whether anything was written. */
  written: boolean;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  /** Rows Volant does not take over (a past lesson, a code session), each with why. */
  ignored: number;
  errors: number;
  /** Headers the import does not know. */
  unknown_columns: string[];
  /** French names of the required fields no column gives. */
  missing_columns: string[];
  /** Every field the import knows: `[field, French name]`. */
  fields: [string, string][];
  report: RowReport[];
}

/** The result of a school export. */
export interface ExportResult {
  size_bytes: number;
  file_name: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const ROW_STATUSES: readonly RowStatus[] = ['created', 'updated', 'skipped', 'ignored', 'error'];

function rowReport(value: unknown): RowReport | null {
  if (!isRecord(value) || typeof value.row !== 'number') return null;
  const status = ROW_STATUSES.find((s) => s === value.status);
  if (!status) return null;
  const errors = Array.isArray(value.errors)
    ? value.errors.flatMap((e): CellError[] =>
        isRecord(e) && typeof e.message === 'string' ? [{ column: typeof e.column === 'string' ? e.column : '', message: e.message }] : [],
      )
    : [];
  return {
    row: value.row,
    status,
    student_id: typeof value.student_id === 'string' ? value.student_id : null,
    name: typeof value.name === 'string' ? value.name.trim() : '',
    errors,
  };
}

/** An import job's result as a report, or null when it is not one (a job not finished, another kind of job). */
export function parseImportReport(result: unknown): ImportReport | null {
  if (!isRecord(result) || typeof result.rows !== 'number' || !Array.isArray(result.report)) return null;
  const fields = Array.isArray(result.fields)
    ? result.fields.flatMap((f): [string, string][] =>
        Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string' ? [[f[0], f[1]]] : [],
      )
    : [];
  return {
    dry_run: result.dry_run === true,
    partial: result.partial === true,
    written: result.written === true,
    rows: result.rows,
    created: num(result.created),
    updated: num(result.updated),
    skipped: num(result.skipped),
    ignored: num(result.ignored),
    errors: num(result.errors),
    unknown_columns: strings(result.unknown_columns),
    missing_columns: strings(result.missing_columns),
    fields,
    report: result.report.flatMap((r) => {
      const row = rowReport(r);
      return row ? [row] : [];
    }),
  };
}

/** A school export's result, or null. */
export function parseExportResult(result: unknown): ExportResult | null {
  if (!isRecord(result) || typeof result.size_bytes !== 'number') return null;
  return { size_bytes: result.size_bytes, file_name: typeof result.file_name === 'string' ? result.file_name : 'export.zip' };
}

/** Whether the columns must be looked at before the report means anything: unknown headers, or required ones missing. */
export function needsMapping(report: ImportReport): boolean {
  return report.unknown_columns.length > 0 || report.missing_columns.length > 0;
}

/**
 * The choices of the mapping step for the unknown headers of a file: what was chosen before for the same header is
 * kept, a new header starts ignored.
 */
export function choicesFor(unknown: readonly string[], previous: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(unknown.map((header) => [header, previous[header] ?? IGNORE]));
}

/** The `mapping` the server reads, `{"header in the file": "field"}`, `""` for an ignored column. */
export function buildMapping(choices: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(choices)
      .filter(([header]) => header.trim() !== '')
      .map(([header, field]) => [header, field === IGNORE ? '' : field]),
  );
}

/** The mapping as the form's field: a JSON object, or "" when there is none. */
export function mappingField(choices: Readonly<Record<string, string>>): string {
  const mapping = buildMapping(choices);
  return Object.keys(mapping).length === 0 ? '' : JSON.stringify(mapping);
}

export type CountKey = 'created' | 'updated' | 'skipped' | 'ignored' | 'errors';
export const COUNT_KEYS: readonly CountKey[] = ['created', 'updated', 'skipped', 'ignored', 'errors'];
export const COUNT_COLOR: Record<CountKey, string> = { created: 'green', updated: 'blue', skipped: 'gray', ignored: 'yellow', errors: 'red' };

/** The counts of a report, in the order the page shows them ("ignored" only when some rows are: most files have none). */
export function summarise(report: ImportReport): { key: CountKey; count: number }[] {
  return COUNT_KEYS.filter((key) => key !== 'ignored' || report.ignored > 0).map((key) => ({ key, count: report[key] }));
}

/** One line of the table of refused rows: a row's cell error (a row refused for several cells gives several lines). */
export interface ErrorLine {
  key: string;
  row: number;
  name: string;
  column: string;
  message: string;
}

/** The lines of the rows of one status: the refused ones (`error`), or the ignored ones with why. */
export function errorLines(report: ImportReport, status: 'error' | 'ignored' = 'error'): ErrorLine[] {
  return report.report
    .filter((r) => r.status === status)
    .flatMap((r) =>
      (r.errors.length > 0 ? r.errors : [{ column: '', message: '' }]).map((e, i) => ({
        key: `${String(r.row)}-${String(i)}`,
        row: r.row,
        name: r.name,
        column: e.column,
        message: e.message,
      })),
    );
}

/** Whether "Importer" may go on: no row refused, or the office chose to import the valid ones only. */
export function canImport(report: ImportReport, partial: boolean): boolean {
  if (needsMapping(report)) return false;
  return report.errors === 0 || (partial && report.errors < report.rows);
}

/** Megabytes in French, one decimal, at least "0,1": 1 572 864 → "1,5". */
export function megabytes(bytes: number): string {
  const value = Math.max(0.1, Math.round((bytes / (1024 * 1024)) * 10) / 10);
  return new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/** Whether a file looks like what the import reads (by extension: browsers give CSV files various types). */
export function isImportFile(file: Pick<File, 'name'>): boolean {
  return /\.(csv|xlsx)$/i.test(file.name.trim());
}
