/**
 * Student files: types (derived from the operations, like api/client.ts) and fetchers.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { studentKey } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';

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

export function fullName(s: Pick<Student, 'first_name' | 'last_name'>): string {
  return `${s.first_name} ${s.last_name}`.trim();
}

export function useStudent(id: string, enabled = true) {
  return useQuery({
    queryKey: studentKey(id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}', { params: { path: { id } } })),
    enabled,
  });
}

/** The URL of a document's file (a plain GET with the session cookie: usable as a link). */
export function documentFileUrl(studentId: string, docId: string): string {
  return `/api/v1/students/${encodeURIComponent(studentId)}/documents/${encodeURIComponent(docId)}/file`;
}

/**
 * The URL of a student's portable dossier, a zip of everything the school keeps on them (a plain GET with the session
 * cookie: usable as a link). The office, and the student for themself.
 */
export function dossierUrl(studentId: string): string {
  return `/api/v1/students/${encodeURIComponent(studentId)}/dossier.zip`;
}

/** The code of the first refusing rule of a 422 (`status_transition`, `end_reason`, …). */
export function ruleCode(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const first = error.problem.rules?.[0];
  if (typeof first === 'object' && first !== null && 'code' in first && typeof first.code === 'string') return first.code;
  return null;
}

