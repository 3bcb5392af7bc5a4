/**
 * The fiscal archives and the journal of technical events (ADMIN): types (derived from the operations, like
 * api/client.ts), queries, and the archives' zips fetched with the session and saved as files.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { ARCHIVES_KEY } from '../../api/keys.ts';
import { saveBlob, suggestedName } from '../../lib/download.ts';

export type ArchivesOverview = ResponseBody<'/api/v1/fiscal-archives', 'get', 200>;
export type FiscalArchive = ArchivesOverview['archives'][number];
export type TechnicalEvent = ResponseBody<'/api/v1/technical-events', 'get', 200>['items'][number];
export type EventKind = TechnicalEvent['kind'];

export const EVENT_KINDS: readonly EventKind[] = ['startup', 'shutdown', 'closure', 'archive', 'export', 'restore', 'clock_jump'];

export function useArchives() {
  return useQuery({ queryKey: ARCHIVES_KEY, queryFn: () => unwrap(api.GET('/api/v1/fiscal-archives')) });
}

/** The name the server gives an archive's zip, when its answer names none. */
export function archiveFileName(year: number, coversTo?: string): string {
  return coversTo ? `archive-fiscale-${String(year)}-${coversTo.replace(/-/g, '')}.zip` : `archive-fiscale-${String(year)}.zip`;
}

/** Archives `year` (its days closed so far) and saves the zip; throws the ApiError of a refusal (422 `nothing_closed`). */
export async function createArchive(year: number): Promise<void> {
  const call = api.POST('/api/v1/fiscal-archives', { body: { year }, parseAs: 'blob' });
  const zip = await unwrap(call);
  saveBlob(suggestedName((await call).response, archiveFileName(year)), zip);
}

/** Fetches an archive's zip, as it was made, and saves it (each download is an export in the technical journal). */
export async function downloadArchive(archive: FiscalArchive): Promise<void> {
  const call = api.GET('/api/v1/fiscal-archives/{id}', { params: { path: { id: archive.id } }, parseAs: 'blob' });
  const zip = await unwrap(call);
  saveBlob(suggestedName((await call).response, archiveFileName(archive.year, archive.covers_to)), zip);
}
