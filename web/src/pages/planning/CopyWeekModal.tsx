import { useState } from 'react';
import { Alert, Button, Group, List, MultiSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { addDays } from '../../lib/holidays.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { instructorOptions, type PlanningData } from './data.ts';
import { invalidateLessons, invalidateStudentFiles } from './queries.ts';
import { formatShort, isMonday, mondayOf } from './time.ts';
import type { CopyWeekResult } from './types.ts';
import { foldFilter } from '../../lib/people.ts';

interface Values {
  from_week: string;
  to_week: string;
  instructor_ids: string[];
}

export function CopyWeekModal({
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
    <AppModal opened={opened} onClose={onClose} title={t('planning.copyWeek.title')} size="lg">
      {opened && <CopyWeekForm data={data} timeZone={timeZone} defaultDate={defaultDate} onDone={onClose} />}
    </AppModal>
  );
}

function CopyWeekForm({ data, timeZone, defaultDate, onDone }: { data: PlanningData; timeZone: string; defaultDate: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<CopyWeekResult | null>(null);
  const monday = mondayOf(defaultDate);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { from_week: monday, to_week: addDays(monday, 7), instructor_ids: [] },
    validate: {
      from_week: (v) => (isMonday(v) ? null : t('planning.copyWeek.notMonday')),
      to_week: (v, values) => (!isMonday(v) ? t('planning.copyWeek.notMonday') : v === values.from_week ? t('planning.copyWeek.sameWeek') : null),
    },
  });
  const copy = useApiForm(form, {
    mutationFn: (v: Values) => unwrap(api.POST('/api/v1/planning/copy-week', { body: v })),
    onSuccess: (copied) => {
      void invalidateLessons(queryClient);
      void invalidateStudentFiles(queryClient);
      setResult(copied);
    },
  });

  if (result) {
    return (
      <Stack gap="sm" data-testid="copy-week-result">
        <Alert color="green" role="status">
          {t('planning.copyWeek.created', { count: result.created.length })}
        </Alert>
        {result.skipped.length > 0 && (
          <Alert color="yellow" title={t('planning.copyWeek.skippedTitle')}>
            <List size="sm">
              {result.skipped.map((s) => (
                <List.Item key={s.lesson.id}>
                  {formatShort(s.lesson.starts_at, timeZone)} : {s.reason}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={onDone}>{t('common.close')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={copy.onSubmit((v) => v)} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('planning.copyWeek.intro')}
        </Text>
        <FormError error={copy.failure} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <TextInput type="date" label={t('planning.copyWeek.fromWeek')} required {...form.getInputProps('from_week')} />
          <TextInput type="date" label={t('planning.copyWeek.toWeek')} required {...form.getInputProps('to_week')} />
        </SimpleGrid>
        <MultiSelect
          label={t('planning.copyWeek.instructors')}
          placeholder={t('planning.copyWeek.instructorsAll')}
          data={instructorOptions(data.instructors)}
          filter={foldFilter}
          searchable
          clearable
          {...form.getInputProps('instructor_ids')}
        />
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={copy.isPending}>
            {t('planning.copyWeek.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
