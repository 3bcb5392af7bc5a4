/**
 * Student files: types (derived from the operations, like api/client.ts), query keys and fetchers.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { ApiError } from '../../api/problem.ts';
import { INSTRUCTORS_KEY } from '../../api/resources.ts';

export type Student = ResponseBody<'/api/v1/students/{id}', 'get', 200>;
export type StudentStatus = Student['status'];
export type EndReason = NonNullable<Student['end_reason']>;
export type Civility = NonNullable<Student['civility']>;
export type Guardian = NonNullable<Student['guardian']>;
export type Category = Student['category'];
export type TrainingMode = Student['training_mode'];
export type Funding = Student['funding'];
export type AntsStatus = Student['ants_status'];
export type Documents = ResponseBody<'/api/v1/students/{id}/documents', 'get', 200>;
export type StudentDocument = Documents['items'][number];
export type ChecklistItem = Documents['checklist'][number];
export type CheckStatus = ChecklistItem['status'];
export type DocumentKind = ChecklistItem['kind'];
export type Hours = ResponseBody<'/api/v1/students/{id}/hours', 'get', 200>;
export type HoursEntry = Hours['entries'][number];
export type EntryKind = HoursEntry['kind'];
export type HistoryItem = ResponseBody<'/api/v1/students/{id}/history', 'get', 200>['items'][number];

export const STATUSES: readonly StudentStatus[] = ['prospect', 'active', 'finished', 'archived'];
export const END_REASONS: readonly EndReason[] = ['licence_obtained', 'abandoned', 'transferred_out'];
export const CIVILITIES: readonly Civility[] = ['mme', 'm', 'autre'];
export const CATEGORIES: readonly Category[] = ['B', 'B78'];
export const TRAINING_MODES: readonly TrainingMode[] = ['traditional', 'aac', 'supervised'];
export const FUNDINGS: readonly Funding[] = ['personal', 'cpf', 'permis_1_euro', 'employer', 'france_travail', 'other'];
export const ANTS_STATUSES: readonly AntsStatus[] = ['not_started', 'submitted', 'validated', 'rejected'];
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'id_card',
  'photo_signature',
  'proof_of_address',
  'assr2',
  'jdc',
  'guardian_id',
  'contract',
  'other',
];
/** Kinds the office may post (consumptions come from the planning). */
export const POSTABLE_KINDS = ['purchase', 'correction', 'transfer_in'] as const satisfies readonly EntryKind[];
export type PostableKind = (typeof POSTABLE_KINDS)[number];

export const STATUS_COLOR: Record<StudentStatus, string> = {
  prospect: 'grape',
  active: 'green',
  finished: 'blue',
  archived: 'gray',
};

export const STUDENTS_KEY = ['students'] as const;
export const studentListKey = (filters: Record<string, string | undefined>) => ['students', 'list', filters] as const;
export const studentKey = (id: string) => ['students', 'one', id] as const;
export const documentsKey = (id: string) => ['students', 'documents', id] as const;
export const hoursKey = (id: string) => ['students', 'hours', id] as const;
export const historyKey = (id: string) => ['students', 'history', id] as const;

export function fullName(s: Pick<Student, 'first_name' | 'last_name'>): string {
  return `${s.first_name} ${s.last_name}`.trim();
}

export function useStudent(id: string) {
  return useQuery({
    queryKey: studentKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}', { params: { path: { id } } })),
  });
}

/** Every instructor of the school (active or not), for the referent select and the names in the list. */
export function useInstructorOptions() {
  const query = useQuery({
    queryKey: [...INSTRUCTORS_KEY, 'all-for-students'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/instructors', { params: { query: { limit: 200 } } }))).items,
    staleTime: 5 * 60 * 1000,
  });
  const list = query.data ?? [];
  const names = new Map(list.map((i) => [i.id, `${i.first_name} ${i.last_name}`]));
  const options = list
    .filter((i) => i.active)
    .map((i) => ({ value: i.id, label: `${i.first_name} ${i.last_name}` }));
  return { query, names, options };
}

/** The URL of a document's file (a plain GET with the session cookie: usable as a link). */
export function documentFileUrl(studentId: string, docId: string): string {
  return `/api/v1/students/${encodeURIComponent(studentId)}/documents/${encodeURIComponent(docId)}/file`;
}

/** The code of the first refusing rule of a 422 (`status_transition`, `end_reason`, …). */
export function ruleCode(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const first = error.problem.rules?.[0];
  if (typeof first === 'object' && first !== null && 'code' in first && typeof first.code === 'string') return first.code;
  return null;
}

