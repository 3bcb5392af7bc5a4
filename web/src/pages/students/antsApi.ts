/**
 * A student's dossier on ANTS (office): types, the query (read again every 1.5 s while a filing or a sync is on its
 * way), the filing and the sync.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { ALERTS_KEY, antsKey, historyKey, studentKey } from '../../api/keys.ts';
import type { components } from '../../api/schema';

export type AntsDossier = components['schemas']['AntsDossier'];
export type AntsDossierStatus = AntsDossier['status'];
export type AntsReason = AntsDossier['reasons'][number];
export type AntsHistoryItem = AntsDossier['history'][number];

/** How often the dossier is read while a job is on its way. */
export const ANTS_POLL_MS = 1500;

export const ANTS_STATUS_COLOR: Record<AntsDossierStatus, string> = {
  draft: 'gray',
  submitted: 'blue',
  in_review: 'indigo',
  incomplete: 'orange',
  rejected: 'red',
  validated: 'teal',
};

/** Who moved the dossier: the platform (`remote`) or the office. */
export function historySource(item: AntsHistoryItem): 'remote' | 'office' {
  return item.source === 'remote' ? 'remote' : 'office';
}

/** The submit button's label: complete an incomplete dossier, file anew after a refusal, or file. */
export function submitLabelKey(status: AntsDossierStatus): 'resubmit' | 'newFiling' | 'submit' {
  if (status === 'incomplete') return 'resubmit';
  if (status === 'rejected') return 'newFiling';
  return 'submit';
}

/**
 * When a job has ended or the status moved, the file's NEPH and `ants_status`, its history and the alerts may have
 * changed with it: read them again.
 */
function refreshAround(queryClient: QueryClient, studentId: string, before: AntsDossier | undefined, after: AntsDossier): void {
  if (!before) return;
  const ended = Boolean(before.pending) && !after.pending;
  if (!ended && before.status === after.status && (before.neph ?? null) === (after.neph ?? null)) return;
  void queryClient.invalidateQueries({ queryKey: studentKey(studentId) });
  void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
  void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
}

/**
 * The dossier, read on every mount (a document uploaded in the other tab changes its missing documents) and every
 * 1.5 s while a job is pending.
 */
export function useAntsDossier(studentId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: antsKey(studentId),
    queryFn: async () => {
      const before = queryClient.getQueryData<AntsDossier>(antsKey(studentId));
      const dossier = await unwrap(api.GET('/api/v1/students/{id}/ants', { params: { path: { id: studentId } } }));
      refreshAround(queryClient, studentId, before, dossier);
      return dossier;
    },
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.pending ? ANTS_POLL_MS : false),
  });
}

/** Files the dossier (or files it again): 202, the job on its way. */
export function submitAnts(studentId: string): Promise<AntsDossier> {
  return unwrap(api.POST('/api/v1/students/{id}/ants/submit', { params: { path: { id: studentId } } }));
}

/** Asks the platform where the dossier stands: 202, the job on its way. */
export function syncAnts(studentId: string): Promise<AntsDossier> {
  return unwrap(api.POST('/api/v1/students/{id}/ants/sync', { params: { path: { id: studentId } } }));
}

/** After a filing or a sync is accepted: the dossier as answered (pending: the polling starts). */
export function useAntsAccepted(studentId: string) {
  const queryClient = useQueryClient();
  return {
    accepted: (dossier: AntsDossier) => {
      const before = queryClient.getQueryData<AntsDossier>(antsKey(studentId));
      queryClient.setQueryData(antsKey(studentId), dossier);
      refreshAround(queryClient, studentId, before, dossier);
    },
    reload: () => void queryClient.invalidateQueries({ queryKey: antsKey(studentId) }),
  };
}
