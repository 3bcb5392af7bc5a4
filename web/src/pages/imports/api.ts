/**
 * Imports, the school export and the school's long jobs (ADMIN): types (derived from the operations, like
 * api/client.ts), the multipart form of an import, and the query that follows a job until it is done.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { jobKey } from '../../api/keys.ts';
import type { paths } from '../../api/schema';
import { mappingField } from './report.ts';

export type SchoolJob = ResponseBody<'/api/v1/jobs/{id}', 'get', 200>;
export type JobStatus = SchoolJob['status'];
type ImportUpload = NonNullable<paths['/api/v1/imports']['post']>['requestBody']['content']['multipart/form-data'];
export type ImportKind = ImportUpload['kind'];

export const IMPORT_KINDS: readonly ImportKind[] = ['students', 'balances', 'booklet', 'lessons', 'exams'];
export const IMPORT_ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** How often a running job is asked for its progress. */
export const POLL_MS = 700;

export interface ImportRequest {
  kind: ImportKind;
  file: File;
  dryRun: boolean;
  partial: boolean;
  /** The mapping step's choices (header → field or IGNORE). */
  choices: Readonly<Record<string, string>>;
}

/** The `multipart/form-data` fields the server reads: kind, file, dry_run, partial, mapping (a JSON object or ""). */
export function buildImportForm({ kind, file, dryRun, partial, choices }: ImportRequest): FormData {
  const form = new FormData();
  form.append('kind', kind);
  form.append('dry_run', dryRun ? 'true' : 'false');
  form.append('partial', partial ? 'true' : 'false');
  form.append('mapping', mappingField(choices));
  form.append('file', file, file.name);
  return form;
}

/** Starts an import (or its dry run): the job to follow (202). The CSRF header is added by the client's middleware. */
export function startImport(request: ImportRequest): Promise<SchoolJob> {
  const form = buildImportForm(request);
  return unwrap(
    api.POST('/api/v1/imports', {
      // The typed body lists the form's fields (the OpenAPI types the binary file as a string); what goes on the wire
      // is the FormData, sent without a Content-Type so that the browser adds the multipart boundary.
      body: { kind: request.kind, file: request.file.name },
      bodySerializer: () => form,
    }),
  );
}

/** Starts the whole-school export: the job to follow (202); once done, its `result_url` downloads the zip. */
export function startExport(): Promise<SchoolJob> {
  return unwrap(api.POST('/api/v1/exports', { body: { kind: 'school' } }));
}

export function isFinished(job: Pick<SchoolJob, 'status'> | undefined): boolean {
  return job?.status === 'done' || job?.status === 'failed';
}

/** A job, asked again every POLL_MS while it is queued or running (none while `id` is null). */
export function useJob(id: string | null) {
  return useQuery({
    queryKey: jobKey(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/jobs/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: id !== null,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : POLL_MS),
    staleTime: Infinity,
  });
}
