import { useState } from 'react';
import {
  Alert,
  Button,
  Chip,
  Group,
  Input,
  List,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useAllVehicles } from '../../api/resources.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { StudentPicker } from '../../components/PersonPicker.tsx';
import { foldFilter } from '../../lib/people.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { WEEKDAY_KEYS } from '../../lib/useWeekdayNames.ts';
import { localInputToInstant } from '../../lib/zonedTime.ts';
import { BOOKABLE_STATUSES, instructorOptions, vehicleOptions, type PlanningData } from './data.ts';
import { invalidateLessons, invalidateStudentFiles } from './queries.ts';
import { buildRrule, MAX_SERIES_COUNT, RRULE_DAYS, rruleDayOf, type RruleDay } from './rrule.ts';
import { formatShort } from './time.ts';
import type { SeriesResult } from './types.ts';

interface Values {
  kind: 'driving' | 'evaluation';
  student_id: string | null;
  instructor_id: string | null;
  vehicle_id: string | null;
  meeting_point: string | null;
  first_date: string;
  time: string;
  duration: number | string;
  weekdays: string[];
  interval: number | string;
  end: 'count' | 'until';
  count: number | string;
  until: string;
}

const DURATIONS = ['45', '60', '90', '120'];

export function SeriesModal({
  opened,
  onClose,
  data,
  timeZone,
  defaultDate,
}: {
  opened: boolean;
  onClose: () => void;
  data: PlanningData;
  timeZone: string;
  defaultDate: string;
}) {
  const { t } = useTranslation();
  return (
    <AppModal opened={opened} onClose={onClose} title={t('planning.series.title')} size="lg">
      {opened && <SeriesForm data={data} timeZone={timeZone} defaultDate={defaultDate} onDone={onClose} />}
    </AppModal>
  );
}

function SeriesForm({ data, timeZone, defaultDate, onDone }: { data: PlanningData; timeZone: string; defaultDate: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<SeriesResult | null>(null);
  const vehicles = useAllVehicles(true).data ?? [];
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      kind: 'driving',
      student_id: null,
      instructor_id: null,
      vehicle_id: null,
      meeting_point: null,
      first_date: defaultDate,
      time: '10:00',
      duration: '60',
      weekdays: [rruleDayOf(defaultDate)],
      interval: 1,
      end: 'count',
      count: 10,
      until: '',
    },
    validate: {
      student_id: (v) => (v ? null : t('validation.required')),
      instructor_id: (v) => (v ? null : t('validation.required')),
      vehicle_id: (v, values) => (v || values.kind !== 'driving' ? null : t('validation.required')),
      first_date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? null : t('validation.required')),
      time: (v) => (/^\d{2}:\d{2}$/.test(v) ? null : t('validation.required')),
      weekdays: (v) => (v.length > 0 ? null : t('planning.series.weekdaysRequired')),
      count: (v, values) => {
        if (values.end !== 'count') return null;
        const n = Number(v);
        return Number.isInteger(n) && n >= 1 && n <= MAX_SERIES_COUNT ? null : t('planning.series.countRange');
      },
      until: (v, values) => (values.end !== 'until' || /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : t('validation.required')),
    },
  });
  const values = form.getValues();

  const instructor = data.instructors.find((i) => i.id === values.instructor_id);
  const agency = (instructor && data.agencyById.get(instructor.agency_id)) ?? data.agencies[0];
  const meetingPoints = (agency?.meeting_points ?? []).map((p) => ({ value: p.label, label: p.label }));

  const create = useApiForm(form, {
    mutationFn: (v: Values) => {
      const starts_at = localInputToInstant(`${v.first_date}T${v.time}`, timeZone);
      if (!starts_at) throw new Error('invalid start');
      const rrule = buildRrule({
        weekdays: v.weekdays.filter((d): d is RruleDay => (RRULE_DAYS as readonly string[]).includes(d)),
        interval: Number(v.interval) || 1,
        end: v.end === 'count' ? { kind: 'count', count: Number(v.count) } : { kind: 'until', until: v.until },
      });
      return unwrap(
        api.POST('/api/v1/lesson-series', {
          body: {
            template: {
              kind: v.kind,
              student_id: v.student_id,
              instructor_id: v.instructor_id,
              vehicle_id: v.vehicle_id,
              meeting_point: v.meeting_point,
              duration_minutes: Number(v.duration),
            },
            starts_at,
            rrule,
          },
        }),
      );
    },
    onSuccess: (created) => {
      void invalidateLessons(queryClient);
      void invalidateStudentFiles(queryClient);
      setResult(created);
    },
    rename: { starts_at: 'first_date', 'template.student_id': 'student_id', 'template.instructor_id': 'instructor_id', 'template.vehicle_id': 'vehicle_id' },
  });

  if (result) {
    return (
      <Stack gap="sm" data-testid="series-result">
        <Alert color="green" role="status">
          {t('planning.series.created', { count: result.created.length })}
        </Alert>
        {result.created.length > 0 && (
          <List size="sm">
            {result.created.map((l) => (
              <List.Item key={l.id}>{formatShort(l.starts_at, timeZone)}</List.Item>
            ))}
          </List>
        )}
        {result.skipped.length > 0 && (
          <Alert color="yellow" title={t('planning.series.skippedTitle')}>
            <List size="sm">
              {result.skipped.map((s) => (
                <List.Item key={s.starts_at}>
                  {formatShort(s.starts_at, timeZone)} : {s.reason}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={onDone}>{t('planning.series.close')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={create.onSubmit((v) => v)} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('planning.series.intro')}
        </Text>
        <FormError error={create.failure} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label={t('planning.form.kind')}
            data={(['driving', 'evaluation'] as const).map((k) => ({ value: k, label: t(`planning.kinds.${k}`) }))}
            allowDeselect={false}
            {...form.getInputProps('kind')}
          />
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
          <Select
            label={t('planning.form.instructor')}
            data={instructorOptions(data.instructors)}
            searchable
            filter={foldFilter}
            clearable
            required
            {...form.getInputProps('instructor_id')}
          />
          <Select
            label={t('planning.form.vehicle')}
            data={vehicleOptions(vehicles)}
            searchable
            clearable
            required={values.kind === 'driving'}
            {...form.getInputProps('vehicle_id')}
          />
          <Select
            label={t('planning.form.meetingPoint')}
            placeholder={t('planning.form.meetingPointNone')}
            data={meetingPoints}
            clearable
            {...form.getInputProps('meeting_point')}
          />
          <Select
            label={t('planning.series.duration')}
            data={DURATIONS}
            allowDeselect={false}
            {...form.getInputProps('duration')}
            value={String(values.duration)}
          />
          <TextInput
            type="date"
            label={t('planning.series.firstDate')}
            required
            {...form.getInputProps('first_date')}
            onChange={(e) => {
              const day = e.currentTarget.value;
              form.setFieldValue('first_date', day);
              if (/^\d{4}-\d{2}-\d{2}$/.test(day) && values.weekdays.length <= 1) form.setFieldValue('weekdays', [rruleDayOf(day)]);
            }}
          />
          <TextInput type="time" label={t('planning.series.time')} required {...form.getInputProps('time')} />
        </SimpleGrid>
        <Input.Wrapper label={t('planning.series.weekdays')} error={form.errors.weekdays} required>
          <Chip.Group multiple value={values.weekdays} onChange={(v) => form.setFieldValue('weekdays', v)}>
            <Group gap={6} mt={4}>
              {RRULE_DAYS.map((day, i) => (
                <Chip key={day} value={day} size="sm">
                  {t(`weekdays.${WEEKDAY_KEYS[i] ?? 'monday'}`)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Input.Wrapper>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <NumberInput label={t('planning.series.interval')} min={1} max={52} allowDecimal={false} {...form.getInputProps('interval')} />
          <Radio.Group label={t('planning.series.end')} {...form.getInputProps('end')}>
            <Stack gap={6} mt={4}>
              <Radio value="count" label={t('planning.series.endCount')} />
              <Radio value="until" label={t('planning.series.endUntil')} />
            </Stack>
          </Radio.Group>
          {values.end === 'count' ? (
            <NumberInput
              label={t('planning.series.count')}
              min={1}
              max={MAX_SERIES_COUNT}
              allowDecimal={false}
              required
              {...form.getInputProps('count')}
            />
          ) : (
            <TextInput type="date" label={t('planning.series.until')} required {...form.getInputProps('until')} />
          )}
        </SimpleGrid>
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('planning.series.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
