/** Planning types, derived from the API operations (see api/client.ts). */
import type { ResponseBody } from '../../api/client.ts';

export type Lesson = ResponseBody<'/api/v1/lessons/{id}', 'get', 200>;
export type LessonKind = Lesson['kind'];
export type LessonStatus = Lesson['status'];
export type BlockReason = NonNullable<Lesson['block_reason']>;
export type Finding = Lesson['warnings'][number];
export type Planned = ResponseBody<'/api/v1/lessons', 'post', 201>;
export type SeriesResult = ResponseBody<'/api/v1/lesson-series', 'post', 201>;
export type CopyWeekResult = ResponseBody<'/api/v1/planning/copy-week', 'post', 200>;
export type ReplaceDayResult = ResponseBody<'/api/v1/planning/replace-day', 'post', 200>;
export type Student = ResponseBody<'/api/v1/students/{id}', 'get', 200>;

export const LESSON_KINDS: readonly LessonKind[] = ['driving', 'code', 'exam', 'evaluation', 'unavailability'];
export const BLOCK_REASONS: readonly BlockReason[] = ['leave', 'sickness', 'training', 'meeting', 'maintenance', 'breakdown', 'other'];

/** The resource column of lessons without an instructor (vehicle blocks, code sessions without one). */
export const NO_INSTRUCTOR = 'sans-moniteur';

/** The planning views offered. */
export type ViewMode = 'day' | 'week' | 'month' | 'list';
export const VIEW_MODES: readonly ViewMode[] = ['day', 'week', 'month', 'list'];
