/**
 * Exams, exam places, eligibility and change requests: types derived from the operations (like api/client.ts) and
 * fetchers.
 */
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { ALERTS_KEY, EXAMS_KEY, LESSONS_KEY, eligibilityKey, historyKey, studentExamsKey } from '../../api/keys.ts';
import { allPages, useAllVehicles } from '../../api/resources.ts';
import type { paths } from '../../api/schema';

/** The JSON request body of `M P` (derived from the operation, like ResponseBody). */
type RequestBody<P extends keyof paths, M extends keyof paths[P]> =
  NonNullable<paths[P][M]> extends { requestBody?: infer B } ? (NonNullable<B> extends { content: { 'application/json': infer T } } ? T : never) : never;

export type Exam = ResponseBody<'/api/v1/exams/{id}', 'get', 200>;
export type ExamKind = Exam['kind'];
export type ExamResult = Exam['result'];
export type NewExam = RequestBody<'/api/v1/exams', 'post'>;
export type ExamUpdate = RequestBody<'/api/v1/exams/{id}', 'patch'>;
export type NewExamPlace = RequestBody<'/api/v1/exam-places', 'post'>;
export type NewChangeRequest = RequestBody<'/api/v1/change-requests', 'post'>;
export type Decision = RequestBody<'/api/v1/change-requests/{id}/approve', 'post'>;
export type ExamPlace = ResponseBody<'/api/v1/exam-places', 'get', 200>['items'][number];
export type Candidate = ResponseBody<'/api/v1/exam-places/{id}/candidates', 'get', 200>['items'][number];
export type Eligibility = ResponseBody<'/api/v1/students/{id}/eligibility', 'get', 200>;
export type RuleOutcome = Eligibility['rules'][number];
export type RuleCode = RuleOutcome['code'];
export type RuleStatus = RuleOutcome['status'];
export type ChangeRequest = ResponseBody<'/api/v1/change-requests', 'get', 200>['items'][number];
export type RequestKind = ChangeRequest['kind'];
export type RequestStatus = ChangeRequest['status'];

export const EXAM_KINDS: readonly ExamKind[] = ['theory', 'practical'];
export const EXAM_RESULTS: readonly ExamResult[] = ['pending', 'passed', 'failed', 'absent', 'cancelled'];
export const PLACE_CATEGORIES = ['B', 'B78'] as const;
export type PlaceCategory = (typeof PLACE_CATEGORIES)[number];

export function useEligibility(studentId: string, date: string) {
  return useQuery({
    queryKey: eligibilityKey(studentId, date),
    queryFn: () =>
      unwrap(api.GET('/api/v1/students/{id}/eligibility', { params: { path: { id: studentId }, query: date ? { date } : {} } })),
    placeholderData: keepPreviousData,
  });
}

/** Every exam matching the query (the API pages by 200 at most, in date order). */
export function fetchAllExams(query: { student_id?: string; kind?: ExamKind; result?: ExamResult; from?: string; to?: string }): Promise<Exam[]> {
  return allPages((cursor) => unwrap(api.GET('/api/v1/exams', { params: { query: { ...query, limit: 200, cursor } } })));
}

/** Every vehicle's plate by id, and as options the cars an examinee may be accompanied in (active, dual controls). */
export function useExamVehicles(enabled: boolean) {
  const list = useAllVehicles(enabled).data ?? [];
  const plates = new Map(list.map((v) => [v.id, v.plate]));
  const options = list
    .filter((v) => v.status === 'active' && v.kind === 'car' && v.dual_controls)
    .map((v) => ({ value: v.id, label: [v.plate, v.make, v.model].filter(Boolean).join(' ') }));
  return { plates, options };
}

export function useStudentExams(studentId: string) {
  return useQuery({
    queryKey: studentExamsKey(studentId),
    queryFn: () => fetchAllExams({ student_id: studentId }),
  });
}

/** After an exam was recorded or changed: the lists, the student's eligibility and timeline, the alerts. */
export function invalidateAfterExam(queryClient: QueryClient, studentId: string): void {
  void queryClient.invalidateQueries({ queryKey: EXAMS_KEY });
  void queryClient.invalidateQueries({ queryKey: eligibilityKey(studentId) });
  void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
  void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
  // An accompanied practical test books an `exam` lesson.
  void queryClient.invalidateQueries({ queryKey: LESSONS_KEY });
}
