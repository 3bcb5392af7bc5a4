import {
  Alert,
  Button,
  Group,
  Loader,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect } from 'react';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { lessonDryRunKey } from '../../api/keys.ts';
import { useAllVehicles } from '../../api/resources.ts';
import { ApiError } from '../../api/problem.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { StudentMultiPicker, StudentPicker } from '../../components/PersonPicker.tsx';
import { formErrors } from '../../lib/formErrors.ts';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { foldFilter } from '../../lib/people.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { instantToLocalInput, localInputToInstant } from '../../lib/zonedTime.ts';
import { BOOKABLE_STATUSES, instructorOptions, vehicleOptions, type PlanningData } from './data.ts';
import { RefusalAlert, WarningList } from './FeedbackAlerts.tsx';
import { notifyWarnings } from './feedback.tsx';
import { invalidateLessons, invalidateStudentFiles, replaceLessonInCache } from './queries.ts';
import { SuggestionPicker } from './SuggestionPicker.tsx';
import { formatShort } from './time.ts';
import { BLOCK_REASONS, LESSON_KINDS, type BlockReason, type Lesson, type LessonKind } from './types.ts';

export type LessonDraft =
  | { mode: 'new'; start: string; end: string; instructorId: string | null }
  | { mode: 'edit'; lesson: Lesson };

interface Values {
  kind: LessonKind;
  starts: string;
  ends: string;
  student_id: string | null;
  attendee_ids: string[];
  instructor_id: string | null;
  vehicle_id: string | null;
  meeting_point: string | null;
  room_id: string | null;
  block_target: 'instructor' | 'vehicle';
  block_reason: BlockReason | null;
  note: string;
}

type LessonBody = {
  kind: LessonKind;
  starts_at: string;
  ends_at: string;
  student_id?: string | null;
  attendee_ids?: string[];
  instructor_id?: string | null;
  vehicle_id?: string | null;
  meeting_point?: string | null;
  room_id?: string | null;
  block_reason?: BlockReason | null;
  note?: string | null;
};

/** Wall-clock arithmetic on `YYYY-MM-DDTHH:MM` (keeps a lesson's length when its start moves). */
function shiftLocal(local: string, minutes: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return local;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]) + minutes));
  return d.toISOString().slice(0, 16);
}

function minutesBetween(start: string, end: string): number | null {
  const a = Date.parse(`${start}:00Z`);
  const b = Date.parse(`${end}:00Z`);
  return Number.isNaN(a) || Number.isNaN(b) ? null : Math.round((b - a) / 60000);
}

function initialValues(draft: LessonDraft, timeZone: string): Values {
  if (draft.mode === 'new') {
    return {
      kind: 'driving',
      starts: draft.start,
      ends: draft.end,
      student_id: null,
      attendee_ids: [],
      instructor_id: draft.instructorId,
      vehicle_id: null,
      meeting_point: null,
      room_id: null,
      block_target: 'instructor',
      block_reason: null,
      note: '',
    };
  }
  const l = draft.lesson;
  return {
    kind: l.kind,
    starts: instantToLocalInput(l.starts_at, timeZone),
    ends: instantToLocalInput(l.ends_at, timeZone),
    student_id: l.student_id ?? null,
    attendee_ids: [...l.attendee_ids],
    instructor_id: l.instructor_id ?? null,
    vehicle_id: l.vehicle_id ?? null,
    meeting_point: l.meeting_point ?? null,
    room_id: l.room_id ?? null,
    block_target: l.kind === 'unavailability' && !l.instructor_id && l.vehicle_id ? 'vehicle' : 'instructor',
    block_reason: l.block_reason ?? null,
    note: l.note ?? '',
  };
}

/** The API body for the kind (fields of other kinds are cleared), or null while the times are unreadable. */
function toBody(v: Values, timeZone: string): LessonBody | null {
  const starts_at = localInputToInstant(v.starts, timeZone);
  const ends_at = localInputToInstant(v.ends, timeZone);
  if (!starts_at || !ends_at) return null;
  const note = v.note.trim() === '' ? null : v.note.trim();
  const base = { kind: v.kind, starts_at, ends_at, note };
  switch (v.kind) {
    case 'driving':
    case 'evaluation':
      return {
        ...base,
        student_id: v.student_id,
        attendee_ids: [],
        instructor_id: v.instructor_id,
        vehicle_id: v.vehicle_id,
        meeting_point: v.meeting_point,
        room_id: null,
        block_reason: null,
      };
    case 'exam':
      return {
        ...base,
        student_id: null,
        attendee_ids: v.attendee_ids,
        instructor_id: v.instructor_id,
        vehicle_id: v.vehicle_id,
        meeting_point: v.meeting_point,
        room_id: null,
        block_reason: null,
      };
    case 'code':
      return {
        ...base,
        student_id: null,
        attendee_ids: v.attendee_ids,
        instructor_id: v.instructor_id,
        vehicle_id: null,
        meeting_point: null,
        room_id: v.room_id,
        block_reason: null,
      };
    case 'unavailability':
      return {
        ...base,
        student_id: null,
        attendee_ids: [],
        instructor_id: v.block_target === 'instructor' ? v.instructor_id : null,
        vehicle_id: v.block_target === 'vehicle' ? v.vehicle_id : null,
        meeting_point: null,
        room_id: null,
        block_reason: v.block_reason,
      };
  }
}

/** Whether the server could judge the slot (so that the dry run is worth asking). */
function isComplete(v: Values, body: LessonBody | null): boolean {
  if (!body || body.ends_at <= body.starts_at) return false;
  switch (v.kind) {
    case 'driving':
      return Boolean(v.student_id && v.instructor_id && v.vehicle_id);
    case 'evaluation':
      return Boolean(v.student_id && v.instructor_id);
    case 'exam':
      return Boolean(v.instructor_id && v.vehicle_id && v.attendee_ids.length > 0);
    case 'code':
      return true;
    case 'unavailability':
      return Boolean(v.block_reason && (v.block_target === 'instructor' ? v.instructor_id : v.vehicle_id));
  }
}

const RENAME = { starts_at: 'starts', ends_at: 'ends' };

export function LessonFormModal({
  draft,
  onClose,
  data,
  timeZone,
  defaultAgencyId,
}: {
  draft: LessonDraft | null;
  onClose: () => void;
  data: PlanningData;
  timeZone: string;
  defaultAgencyId: string | null;
}) {
  const { t } = useTranslation();
  const key = draft === null ? 'none' : draft.mode === 'new' ? `new-${draft.start}-${draft.instructorId ?? ''}` : `edit-${draft.lesson.id}-${draft.lesson.version}`;
  return (
    <AppModal opened={draft !== null} onClose={onClose} title={draft?.mode === 'edit' ? t('planning.form.editTitle') : t('planning.form.newTitle')} size="lg">
      {draft !== null && (
        <LessonForm key={key} draft={draft} onDone={onClose} data={data} timeZone={timeZone} defaultAgencyId={defaultAgencyId} />
      )}
    </AppModal>
  );
}

function LessonForm({
  draft,
  onDone,
  data,
  timeZone,
  defaultAgencyId,
}: {
  draft: LessonDraft;
  onDone: () => void;
  data: PlanningData;
  timeZone: string;
  defaultAgencyId: string | null;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const editing = draft.mode === 'edit' ? draft.lesson : null;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initialValues(draft, timeZone),
    validate: {
      starts: (value) => (localInputToInstant(value, timeZone) ? null : t('validation.required')),
      ends: (value, values) => {
        if (!localInputToInstant(value, timeZone)) return t('validation.required');
        const length = minutesBetween(values.starts, value);
        return length !== null && length <= 0 ? t('planning.form.endBeforeStart') : null;
      },
    },
  });
  const values = form.getValues();
  const body = toBody(values, timeZone);
  const complete = isComplete(values, body);

  // The agency whose meeting points and rooms are offered: the instructor's, else the filtered one, else the first.
  const instructor = data.instructors.find((i) => i.id === values.instructor_id);
  const agency =
    (instructor && data.agencyById.get(instructor.agency_id)) ??
    (defaultAgencyId ? data.agencyById.get(defaultAgencyId) : undefined) ??
    data.agencies[0];
  const meetingPoints = (agency?.meeting_points ?? []).map((p) => ({ value: p.label, label: p.address ? `${p.label} — ${p.address}` : p.label }));
  if (values.meeting_point && !meetingPoints.some((o) => o.value === values.meeting_point)) {
    meetingPoints.push({ value: values.meeting_point, label: values.meeting_point });
  }
  const rooms = (agency?.rooms ?? []).flatMap((r) => (r.id ? [{ value: r.id, label: `${r.name} (${r.capacity})` }] : []));

  // Dry run: what saving would say (warnings, conflicts, rules), asked again when the lesson settles.
  const bodyJson = !editing && complete && body ? JSON.stringify(body) : null;
  const [debouncedJson] = useDebouncedValue(bodyJson, 350);
  const check = useQuery({
    queryKey: lessonDryRunKey(debouncedJson),
    queryFn: () =>
      unwrap(api.POST('/api/v1/lessons', { params: { query: { dry_run: true } }, body: JSON.parse(debouncedJson ?? '{}') as LessonBody })),
    enabled: debouncedJson !== null && debouncedJson === bodyJson,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });

  const save = useApiForm(form, {
    mutationFn: (payload: LessonBody) =>
      editing
        ? unwrap(api.PATCH('/api/v1/lessons/{id}', { params: { path: { id: editing.id } }, body: { ...payload, version: editing.version } }))
        : unwrap(api.POST('/api/v1/lessons', { body: payload })),
    onSuccess: (planned) => {
      replaceLessonInCache(queryClient, planned.lesson);
      void invalidateLessons(queryClient);
      void invalidateStudentFiles(queryClient);
      const when = formatShort(planned.lesson.starts_at, timeZone);
      notifySuccess(t(editing ? 'planning.form.saved' : 'planning.form.created', { when }));
      notifyWarnings(planned.warnings, t);
      onDone();
    },
    rename: RENAME,
    onStale: () => {
      notifyStale(t('planning.stale'));
      void invalidateLessons(queryClient);
      onDone();
    },
  });

  // A refusal is about the lesson as it was sent: changing it clears the refusal (the dry run judges the new one).
  const sentKey = body ? JSON.stringify(body) : null;
  const resetSave = save.reset;
  useEffect(() => {
    resetSave();
  }, [sentKey, resetSave]);

  const onStartChange = (value: string) => {
    const length = minutesBetween(values.starts, values.ends);
    form.setFieldValue('starts', value);
    if (length !== null && length > 0 && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
      form.setFieldValue('ends', shiftLocal(value, length));
    }
  };

  const kindOptions = LESSON_KINDS.map((k) => ({ value: k, label: t(`planning.kinds.${k}`) }));
  const instructors = instructorOptions(data.instructors);
  const vehicles = vehicleOptions(useAllVehicles(true).data ?? []);
  const withStudent = values.kind === 'driving' || values.kind === 'evaluation';
  const withAttendees = values.kind === 'code' || values.kind === 'exam';
  const withVehicle = values.kind === 'driving' || values.kind === 'evaluation' || values.kind === 'exam';
  const withMeetingPoint = withVehicle;
  const block = values.kind === 'unavailability';
  // A 400 whose messages are all under the fields is said there; a refusal of the slot is said below.
  const saveError = save.failure && !(save.failure instanceof ApiError && save.failure.status === 400 && Object.keys(formErrors(save.failure, RENAME)).length > 0);

  return (
    <form onSubmit={save.onSubmit((v) => toBody(v, timeZone))} noValidate>
      <Stack gap="sm">
        <Select
          label={t('planning.form.kind')}
          data={kindOptions}
          allowDeselect={false}
          disabled={editing !== null}
          {...form.getInputProps('kind')}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput
            type="datetime-local"
            label={t('planning.form.startsAt')}
            required
            {...form.getInputProps('starts')}
            onChange={(event) => onStartChange(event.currentTarget.value)}
          />
          <TextInput type="datetime-local" label={t('planning.form.endsAt')} required {...form.getInputProps('ends')} />
        </SimpleGrid>
        {withStudent && (
          <StudentPicker
            label={t('planning.form.student')}
            placeholder={t('planning.form.studentPlaceholder')}
            value={values.student_id}
            onChange={(id) => form.setFieldValue('student_id', id)}
            error={form.errors.student_id}
            knownNames={data.studentNames}
            statuses={BOOKABLE_STATUSES}
            required
          />
        )}
        {values.kind === 'driving' && values.student_id && (
          <SuggestionPicker
            key={values.student_id}
            studentId={values.student_id}
            timeZone={timeZone}
            isPicked={(s) =>
              values.starts === instantToLocalInput(s.starts_at, timeZone) &&
              values.ends === instantToLocalInput(s.ends_at, timeZone) &&
              values.instructor_id === s.instructor_id &&
              values.vehicle_id === s.vehicle_id
            }
            onPick={(s) =>
              form.setValues({
                starts: instantToLocalInput(s.starts_at, timeZone),
                ends: instantToLocalInput(s.ends_at, timeZone),
                instructor_id: s.instructor_id,
                vehicle_id: s.vehicle_id,
                meeting_point: s.meeting_point ?? values.meeting_point,
              })
            }
          />
        )}
        {withAttendees && (
          <StudentMultiPicker
            label={t('planning.form.attendees')}
            placeholder={t('planning.form.attendeesPlaceholder')}
            value={values.attendee_ids}
            onChange={(ids) => form.setFieldValue('attendee_ids', ids)}
            error={form.errors.attendee_ids}
            knownNames={data.studentNames}
            statuses={BOOKABLE_STATUSES}
            required={values.kind === 'exam'}
          />
        )}
        {block && (
          <SegmentedControl
            aria-label={t('planning.form.blockTarget')}
            data={[
              { value: 'instructor', label: t('planning.form.blockTargetInstructor') },
              { value: 'vehicle', label: t('planning.form.blockTargetVehicle') },
            ]}
            {...form.getInputProps('block_target')}
          />
        )}
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          {(!block || values.block_target === 'instructor') && (
            <Select
              label={t('planning.form.instructor')}
              data={instructors}
              searchable
              filter={foldFilter}
              clearable
              required={values.kind !== 'code'}
              {...form.getInputProps('instructor_id')}
            />
          )}
          {(withVehicle || (block && values.block_target === 'vehicle')) && (
            <Select
              label={t('planning.form.vehicle')}
              data={vehicles}
              searchable
              clearable
              required={values.kind === 'driving' || values.kind === 'exam' || block}
              {...form.getInputProps('vehicle_id')}
            />
          )}
          {withMeetingPoint && (
            <Select
              label={t('planning.form.meetingPoint')}
              placeholder={t('planning.form.meetingPointNone')}
              data={meetingPoints}
              clearable
              {...form.getInputProps('meeting_point')}
            />
          )}
          {values.kind === 'code' && (
            <Select label={t('planning.form.room')} data={rooms} clearable {...form.getInputProps('room_id')} />
          )}
          {block && (
            <Select
              label={t('planning.form.blockReason')}
              data={BLOCK_REASONS.map((r) => ({ value: r, label: t(`planning.blockReasons.${r}`) }))}
              required
              {...form.getInputProps('block_reason')}
            />
          )}
        </SimpleGrid>
        <Textarea label={t('planning.form.note')} autosize minRows={2} {...form.getInputProps('note')} />

        {!editing && (
          <div aria-live="polite" data-testid="lesson-check">
            {!complete ? (
              <Text size="sm" c="dimmed">
                {t('planning.form.checkIncomplete')}
              </Text>
            ) : check.isFetching || debouncedJson !== bodyJson ? (
              <Group gap="xs">
                <Loader size="xs" />
                <Text size="sm">{t('planning.form.checking')}</Text>
              </Group>
            ) : check.isError ? (
              // A refused save says the same below: the refusal is shown once.
              saveError ? null : <RefusalAlert error={check.error} timeZone={timeZone} />
            ) : check.data && check.data.warnings.length > 0 ? (
              <Alert color="yellow" title={t('planning.warningsTitle')}>
                <WarningList warnings={check.data.warnings} />
              </Alert>
            ) : check.data ? (
              <Text size="sm" c="green.8">
                {t('planning.form.checkOk')}
              </Text>
            ) : null}
          </div>
        )}
        {saveError && <RefusalAlert error={save.error} timeZone={timeZone} />}

        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('planning.form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
