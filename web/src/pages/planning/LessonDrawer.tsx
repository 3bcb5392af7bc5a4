import { useState, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Drawer,
  Group,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Role } from '../../api/client.ts';
import { bookletKey } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { ColourDot } from '../../components/ColourDot.tsx';
import { notifySuccess } from '../../lib/notify.ts';
import { newIdempotencyKey } from '../../offline/outbox.ts';
import { PendingBadge } from '../../offline/PendingBadge.tsx';
import { QUEUED, sendOrQueue } from '../../offline/queue.ts';
import { currentOutbox, usePendingEntry } from '../../offline/runtime.ts';
import { useNow } from '../../lib/useNow.ts';
import { usePhone } from '../../lib/usePhone.ts';
import { instantToLocalInput, localInputToInstant } from '../../lib/zonedTime.ts';
import { BookletErrorAlert } from '../booklet/BookletForms.tsx';
import { completionEvaluations, type CompletionEvaluation, type Selections } from '../booklet/levels.ts';
import { QuickEvaluations } from '../booklet/QuickEvaluations.tsx';
import { useStudent } from '../students/api.ts';
import { ChangeRequestPanel } from './ChangeRequestPanel.tsx';
import { ConfirmationCodeButton } from './ConfirmationCode.tsx';
import type { PlanningData } from './data.ts';
import { lessonTitle } from './events.ts';
import { RefusalAlert, WarningList } from './FeedbackAlerts.tsx';
import { notifyWarnings } from './feedback.tsx';
import { invalidateLessons, invalidateStudentFiles, replaceLessonInCache } from './queries.ts';
import { formatShort, formatSpan } from './time.ts';
import type { Lesson, LessonStatus } from './types.ts';

const STATUS_COLOUR: Record<LessonStatus, string> = { planned: 'blue', done: 'green', no_show: 'red', cancelled: 'gray' };

type Action = 'cancel' | 'complete' | 'noShow' | 'duplicate' | 'seriesCancel' | null;

export interface LessonDrawerProps {
  /** The lesson shown, or null when closed. */
  lessonId: string | null;
  lesson: Lesson | undefined;
  onClose: () => void;
  onEdit: (lesson: Lesson) => void;
  data: PlanningData;
  role: Role;
  timeZone: string;
}

/** The side panel of a lesson: details, warnings and what the caller may do with it. */
export function LessonDrawer({ lessonId, lesson, onClose, onEdit, data, role, timeZone }: LessonDrawerProps) {
  const { t } = useTranslation();
  const phone = usePhone();
  const title = lesson
    ? lessonTitle(lesson, { timeZone, office: false, instructors: data.instructorInfo, students: data.studentNames, vehicles: data.plates, t })
    : t('planning.drawer.title');
  return (
    <Drawer
      opened={lessonId !== null}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 'md'}
      title={title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {lessonId !== null &&
        (lesson ? (
          <LessonPanel key={`${lesson.id}-${lesson.version}-${lesson.status}`} lesson={lesson} onEdit={onEdit} data={data} role={role} timeZone={timeZone} />
        ) : (
          <Text c="dimmed">{t('planning.drawer.notFound')}</Text>
        ))}
    </Drawer>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="40%" style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function LessonPanel({
  lesson,
  onEdit,
  data,
  role,
  timeZone,
}: {
  lesson: Lesson;
  onEdit: (lesson: Lesson) => void;
  data: PlanningData;
  role: Role;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const [action, setAction] = useState<Action>(null);
  const office = role === 'ADMIN' || role === 'SECRETARY';
  const mayMark = office || role === 'INSTRUCTOR';
  const planned = lesson.status === 'planned';
  const now = useNow();
  const started = Date.parse(lesson.starts_at) <= now;
  // Marked without network and not yet accepted by the server: shown as such, not markable again.
  const waiting = usePendingEntry(lesson.id);
  const markable = planned && lesson.kind !== 'unavailability' && waiting === undefined;
  const instructor = lesson.instructor_id ? data.instructorInfo.get(lesson.instructor_id) : undefined;
  const agency = data.agencyById.get(lesson.agency_id);
  const room = lesson.room_id ? agency?.rooms.find((r) => r.id === lesson.room_id) : undefined;
  const student = useStudent(lesson.student_id ?? '', lesson.student_id !== null).data;
  const names = (ids: readonly string[]) => ids.map((id) => data.studentNames.get(id) ?? t('planning.event.student')).join(', ');

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge variant="light" color="gray" style={{ minWidth: 'max-content' }}>
          {t(`planning.kinds.${lesson.kind}`)}
        </Badge>
        {waiting ? (
          <PendingBadge entry={waiting} />
        ) : (
          <Badge variant="light" color={STATUS_COLOUR[lesson.status]} style={{ minWidth: 'max-content' }}>
            {t(`planning.statuses.${lesson.status}`)}
          </Badge>
        )}
        {lesson.charged && (
          <Badge variant="light" color="orange" style={{ minWidth: 'max-content' }}>
            {t('planning.drawer.charged')}
          </Badge>
        )}
      </Group>
      <Table variant="vertical" withTableBorder layout="fixed" data-testid="lesson-details">
        <Table.Tbody>
          <Row label={t('planning.drawer.when')}>{formatSpan(lesson.starts_at, lesson.ends_at, timeZone)}</Row>
          {lesson.student_id && (
            <Row label={t('planning.drawer.student')}>
              {data.studentNames.get(lesson.student_id) ?? t('planning.event.student')}
              {student?.phone && (
                <>
                  {' · '}
                  <Anchor href={`tel:${student.phone.replace(/\s+/g, '')}`}>{student.phone}</Anchor>
                </>
              )}
            </Row>
          )}
          {lesson.attendee_ids.length > 0 && <Row label={t('planning.drawer.attendees')}>{names(lesson.attendee_ids)}</Row>}
          {lesson.instructor_id && (
            <Row label={t('planning.drawer.instructor')}>
              <Group gap={6} wrap="nowrap">
                {instructor && <ColourDot colour={instructor.colour} size={12} />}
                <span>{instructor?.name ?? t('common.none')}</span>
              </Group>
            </Row>
          )}
          {lesson.vehicle_id && <Row label={t('planning.drawer.vehicle')}>{data.plates.get(lesson.vehicle_id) ?? t('common.none')}</Row>}
          {lesson.meeting_point && <Row label={t('planning.drawer.meetingPoint')}>{lesson.meeting_point}</Row>}
          {room && <Row label={t('planning.drawer.room')}>{room.name}</Row>}
          {agency && <Row label={t('planning.drawer.agency')}>{agency.name}</Row>}
          {lesson.block_reason && <Row label={t('planning.drawer.blockReason')}>{t(`planning.blockReasons.${lesson.block_reason}`)}</Row>}
          {lesson.note && <Row label={t('planning.drawer.note')}>{lesson.note}</Row>}
          {lesson.comment && <Row label={t('planning.drawer.comment')}>{lesson.comment}</Row>}
          {lesson.cancel_reason && <Row label={t('planning.drawer.cancelReason')}>{lesson.cancel_reason}</Row>}
          {lesson.cancelled_by && (
            <Row label={t('planning.drawer.cancelledBy')}>{t(`planning.drawer.cancelledByValues.${lesson.cancelled_by}`)}</Row>
          )}
        </Table.Tbody>
      </Table>
      {lesson.series_id && (
        <Text size="sm" c="dimmed">
          {t('planning.drawer.series')}
        </Text>
      )}
      {lesson.warnings.length > 0 && (
        <Alert color="yellow" title={t('planning.drawer.warnings')}>
          <WarningList warnings={lesson.warnings} />
        </Alert>
      )}

      {action === null && (office || mayMark) && (
        <Stack gap="xs" role="group" aria-label={t('planning.drawer.actions')}>
          {office && planned && (
            <Group gap="xs">
              <Button variant="light" onClick={() => onEdit(lesson)}>
                {t('planning.drawer.edit')}
              </Button>
              <Button variant="light" onClick={() => setAction('duplicate')}>
                {t('planning.drawer.duplicate')}
              </Button>
              <Button variant="light" color="red" onClick={() => setAction('cancel')}>
                {t('planning.drawer.cancel')}
              </Button>
              {lesson.series_id && (
                <Button variant="subtle" color="red" onClick={() => setAction('seriesCancel')}>
                  {t('planning.drawer.cancelSeries')}
                </Button>
              )}
            </Group>
          )}
          {office && !planned && lesson.kind !== 'unavailability' && (
            <Group gap="xs">
              <Button variant="light" onClick={() => setAction('duplicate')}>
                {t('planning.drawer.duplicate')}
              </Button>
            </Group>
          )}
          {mayMark && lesson.status === 'done' && lesson.student_id && (
            <Group gap="xs">
              <ConfirmationCodeButton lessonId={lesson.id} timeZone={timeZone} />
            </Group>
          )}
          {mayMark && markable && (
            <>
              <Group gap="xs">
                <Button color="green" disabled={!started} onClick={() => setAction('complete')}>
                  {t('planning.drawer.complete')}
                </Button>
                {lesson.kind !== 'code' && (
                  <Button color="red" variant="outline" disabled={!started} onClick={() => setAction('noShow')}>
                    {t('planning.drawer.noShow')}
                  </Button>
                )}
              </Group>
              {!started && (
                <Text size="sm" c="dimmed">
                  {t('planning.drawer.notStarted')}
                </Text>
              )}
            </>
          )}
        </Stack>
      )}
      {action === 'cancel' && <CancelForm lesson={lesson} timeZone={timeZone} onDone={() => setAction(null)} />}
      {action === 'complete' && <CompleteForm lesson={lesson} role={role} timeZone={timeZone} onDone={() => setAction(null)} />}
      {action === 'noShow' && <NoShowForm lesson={lesson} role={role} timeZone={timeZone} onDone={() => setAction(null)} />}
      {action === 'duplicate' && <DuplicateForm lesson={lesson} timeZone={timeZone} onDone={() => setAction(null)} />}
      {action === 'seriesCancel' && <SeriesCancelForm lesson={lesson} timeZone={timeZone} onDone={() => setAction(null)} />}
      {action === null && (role === 'INSTRUCTOR' || role === 'STUDENT') && <ChangeRequestPanel lesson={lesson} />}
    </Stack>
  );
}

/**
 * An instructor's done or absent works without network too: the action is queued in their outbox (offline/) and sent
 * with its Idempotency-Key when the network is back. Other roles send as before.
 */
function useActionQueue(role: Role) {
  // The key of the current attempt (a holder the sender renews once the server answered).
  const [key] = useState(() => ({ current: newIdempotencyKey() }));
  return { box: role === 'INSTRUCTOR' ? currentOutbox() : null, key };
}

/** After a change of the lesson: the cache holds the new state at once, and the window is refetched. */
function useLessonChange() {
  const queryClient = useQueryClient();
  return (lesson?: Lesson) => {
    if (lesson) replaceLessonInCache(queryClient, lesson);
    void invalidateLessons(queryClient);
    // Done, absent and late-cancelled lessons change the students' hours.
    void invalidateStudentFiles(queryClient);
  };
}

function FormFrame({
  title,
  children,
  onCancel,
  submit,
  pending,
  error,
  timeZone,
  onSubmit,
  danger = false,
}: {
  title: string;
  children?: ReactNode;
  onCancel: () => void;
  submit: string;
  pending: boolean;
  error: unknown;
  timeZone: string;
  onSubmit: () => void;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
      aria-label={title}
    >
      <Stack gap="sm">
        <Title order={3} size="h4">
          {title}
        </Title>
        {children}
        {error !== null && <RefusalAlert error={error} timeZone={timeZone} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color={danger ? 'red' : undefined} loading={pending}>
            {submit}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CancelForm({ lesson, timeZone, onDone }: { lesson: Lesson; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const changed = useLessonChange();
  const [reason, setReason] = useState('');
  const [by, setBy] = useState<'school' | 'student'>('school');
  const [waive, setWaive] = useState(false);
  const withStudent = lesson.kind !== 'unavailability';
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/lessons/{id}/cancel', {
          params: { path: { id: lesson.id } },
          body: { reason: reason.trim() === '' ? null : reason.trim(), by: withStudent ? by : 'school', waive_charge: by === 'student' && waive },
        }),
      ),
    onSuccess: (after) => {
      changed(after);
      notifySuccess(t('planning.cancelForm.done'));
      onDone();
    },
  });
  return (
    <FormFrame
      title={t('planning.cancelForm.title')}
      submit={t('planning.cancelForm.submit')}
      onCancel={onDone}
      onSubmit={() => cancel.mutate()}
      pending={cancel.isPending}
      error={cancel.error}
      timeZone={timeZone}
      danger
    >
      <TextInput label={t('planning.cancelForm.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
      {withStudent && (
        <>
          <Radio.Group label={t('planning.cancelForm.by')} value={by} onChange={(v) => setBy(v === 'student' ? 'student' : 'school')}>
            <Group gap="md" mt={4}>
              <Radio value="school" label={t('planning.cancelForm.bySchool')} />
              <Radio value="student" label={t('planning.cancelForm.byStudent')} />
            </Group>
          </Radio.Group>
          {by === 'student' && (
            <Checkbox
              label={t('planning.cancelForm.waive')}
              description={t('planning.cancelForm.byStudentHint')}
              checked={waive}
              onChange={(e) => setWaive(e.currentTarget.checked)}
            />
          )}
        </>
      )}
    </FormFrame>
  );
}

function CompleteForm({ lesson, role, timeZone, onDone }: { lesson: Lesson; role: Role; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const changed = useLessonChange();
  const queryClient = useQueryClient();
  const queue = useActionQueue(role);
  const [comment, setComment] = useState('');
  // Booklet levels of the items worked (a driving lesson with a student): sent with the completion, kept on refusal.
  const studentId = lesson.kind === 'driving' ? lesson.student_id : null;
  const [levels, setLevels] = useState<Selections>({});
  const complete = useMutation({
    // Without network the instructor's action is queued by the mutation itself (not paused by TanStack Query).
    networkMode: queue.box ? 'always' : 'online',
    mutationFn: (evaluations: CompletionEvaluation[]) => {
      const body = { comment: comment.trim() === '' ? null : comment.trim(), ...(evaluations.length > 0 ? { evaluations } : {}) };
      return sendOrQueue(queue.box, { kind: 'complete', lessonId: lesson.id, body }, lesson, queue.key, (headers) =>
        unwrap(api.POST('/api/v1/lessons/{id}/complete', { params: { path: { id: lesson.id } }, body, headers })),
      );
    },
    onSuccess: (after) => {
      if (after === QUEUED) {
        notifySuccess(t('offline.queued'));
        onDone();
        return;
      }
      changed(after);
      if (studentId) void queryClient.invalidateQueries({ queryKey: bookletKey(studentId) });
      notifySuccess(t('planning.completeForm.done'));
      onDone();
    },
  });
  // A refused evaluation (400 naming `evaluations[i]`) is shown with its item; other refusals as usual.
  const bookletError = complete.error instanceof ApiError && (complete.error.problem.errors ?? []).some((e) => e.field.startsWith('evaluations'));
  return (
    <FormFrame
      title={t('planning.completeForm.title')}
      submit={t('planning.completeForm.submit')}
      onCancel={onDone}
      onSubmit={() => complete.mutate(studentId ? completionEvaluations(levels, lesson.id) : [])}
      pending={complete.isPending}
      error={bookletError ? null : complete.error}
      timeZone={timeZone}
    >
      <Textarea label={t('planning.completeForm.comment')} autosize minRows={3} value={comment} onChange={(e) => setComment(e.currentTarget.value)} data-autofocus />
      {studentId && <QuickEvaluations studentId={studentId} value={levels} onChange={setLevels} />}
      {bookletError && <BookletErrorAlert error={complete.error} posted={complete.variables ?? []} />}
    </FormFrame>
  );
}

function NoShowForm({ lesson, role, timeZone, onDone }: { lesson: Lesson; role: Role; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const changed = useLessonChange();
  const queue = useActionQueue(role);
  const noShow = useMutation({
    networkMode: queue.box ? 'always' : 'online',
    mutationFn: () =>
      sendOrQueue(queue.box, { kind: 'noShow', lessonId: lesson.id }, lesson, queue.key, (headers) =>
        unwrap(api.POST('/api/v1/lessons/{id}/no-show', { params: { path: { id: lesson.id } }, headers })),
      ),
    onSuccess: (after) => {
      if (after === QUEUED) {
        notifySuccess(t('offline.queued'));
        onDone();
        return;
      }
      changed(after);
      notifySuccess(t('planning.noShowForm.done'));
      onDone();
    },
  });
  return (
    <FormFrame
      title={t('planning.noShowForm.title')}
      submit={t('planning.noShowForm.submit')}
      onCancel={onDone}
      onSubmit={() => noShow.mutate()}
      pending={noShow.isPending}
      error={noShow.error}
      timeZone={timeZone}
      danger
    >
      <Text size="sm">{t('planning.noShowForm.text')}</Text>
    </FormFrame>
  );
}

function DuplicateForm({ lesson, timeZone, onDone }: { lesson: Lesson; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const changed = useLessonChange();
  // A week later by default: the usual "same time next week".
  const [start, setStart] = useState(() => instantToLocalInput(new Date(Date.parse(lesson.starts_at) + 7 * 86400000).toISOString(), timeZone));
  const duplicate = useMutation({
    mutationFn: () => {
      const starts_at = localInputToInstant(start, timeZone);
      if (!starts_at) throw new Error('invalid start');
      return unwrap(api.POST('/api/v1/lessons/{id}/duplicate', { params: { path: { id: lesson.id } }, body: { starts_at } }));
    },
    onSuccess: (planned) => {
      changed();
      notifySuccess(t('planning.duplicateForm.done', { when: formatShort(planned.lesson.starts_at, timeZone) }));
      notifyWarnings(planned.warnings, t);
      onDone();
    },
  });
  return (
    <FormFrame
      title={t('planning.duplicateForm.title')}
      submit={t('planning.duplicateForm.submit')}
      onCancel={onDone}
      onSubmit={() => duplicate.mutate()}
      pending={duplicate.isPending}
      error={duplicate.error}
      timeZone={timeZone}
    >
      <TextInput
        type="datetime-local"
        label={t('planning.duplicateForm.startsAt')}
        description={t('planning.duplicateForm.hint')}
        value={start}
        onChange={(e) => setStart(e.currentTarget.value)}
        required
        data-autofocus
      />
    </FormFrame>
  );
}

function SeriesCancelForm({ lesson, timeZone, onDone }: { lesson: Lesson; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const changed = useLessonChange();
  const [scope, setScope] = useState<'one' | 'following' | 'all'>('following');
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/api/v1/lesson-series/{id}', {
          params: { path: { id: lesson.series_id ?? '' }, query: { scope, lesson_id: lesson.id } },
        }),
      ),
    onSuccess: (result) => {
      changed();
      notifySuccess(t('planning.seriesCancelForm.done', { count: result.cancelled.length }));
      onDone();
    },
  });
  return (
    <FormFrame
      title={t('planning.seriesCancelForm.title')}
      submit={t('planning.seriesCancelForm.submit')}
      onCancel={onDone}
      onSubmit={() => cancel.mutate()}
      pending={cancel.isPending}
      error={cancel.error}
      timeZone={timeZone}
      danger
    >
      <Radio.Group
        label={t('planning.seriesCancelForm.scope')}
        value={scope}
        onChange={(v) => setScope(v === 'one' || v === 'all' ? v : 'following')}
      >
        <Stack gap={6} mt={4}>
          <Radio value="one" label={t('planning.seriesCancelForm.one')} />
          <Radio value="following" label={t('planning.seriesCancelForm.following')} />
          <Radio value="all" label={t('planning.seriesCancelForm.all')} />
        </Stack>
      </Radio.Group>
    </FormFrame>
  );
}
