/**
 * The learning booklet (livret d'apprentissage): types derived from the operations (like api/client.ts) and fetchers.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { bookletKey } from '../../api/keys.ts';

export type Booklet = ResponseBody<'/api/v1/students/{id}/booklet', 'get', 200>;
export type BookletCompetency = Booklet['competencies'][number];
export type BookletItem = BookletCompetency['items'][number];
export type Level = BookletItem['level'];
export type LevelLabel = Booklet['labels'][number];
export type Evaluation = ResponseBody<'/api/v1/students/{id}/booklet/evaluations', 'post', 201>;
export type Assessment = ResponseBody<'/api/v1/students/{id}/booklet/assessments', 'post', 201>;
export type EvaluationSource = Evaluation['source'];

/** The four levels, in order (their index 0 to 3 makes the progress). */
export const LEVELS: readonly Level[] = ['non_aborde', 'aborde', 'traite', 'assimile'];
export const ASSESSMENT_KINDS = ['bilan', 'affi'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

export function useBooklet(studentId: string, enabled = true) {
  return useQuery({
    queryKey: bookletKey(studentId),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/booklet', { params: { path: { id: studentId } } })),
    enabled,
  });
}

/** The printable booklet (a plain GET with the session cookie: usable as a link). */
export function bookletPdfUrl(studentId: string): string {
  return `/api/v1/students/${encodeURIComponent(studentId)}/booklet.pdf`;
}
