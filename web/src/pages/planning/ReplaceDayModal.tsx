import { useState } from 'react';
import { Alert, Anchor, Button, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useAllVehicles } from '../../api/resources.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { optional } from '../../lib/formErrors.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { instructorOptions, vehicleOptions, type PlanningData } from './data.ts';
import { invalidateLessons, invalidateStudentFiles } from './queries.ts';
import type { ReplaceDayResult } from './types.ts';
import { foldFilter } from '../../lib/people.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';

interface Values {
  target: 'instructor' | 'vehicle';
  instructor_id: string | null;
  vehicle_id: string | null;
  date: string;
  note: string;
}

export function ReplaceDayModal({
  opened,
  onClose,
  data,
  defaultDate,
}: {
  opened: boolean;
  onClose: () => void;
  data: PlanningData;
  defaultDate: string;
}) {
  const { t } = useTranslation();
  return (
    <AppModal opened={opened} onClose={onClose} title={t('planning.replaceDay.title')} size="lg">
      {opened && <ReplaceDayForm data={data} defaultDate={defaultDate} onDone={onClose} />}
    </AppModal>
  );
}

function ReplaceDayForm({ data, defaultDate, onDone }: { data: PlanningData; defaultDate: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [result, setResult] = useState<ReplaceDayResult | null>(null);
  const vehicles = useAllVehicles(true).data ?? [];
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { target: 'instructor', instructor_id: null, vehicle_id: null, date: defaultDate, note: '' },
    validate: {
      instructor_id: (v, values) => (values.target !== 'instructor' || v ? null : t('validation.required')),
      vehicle_id: (v, values) => (values.target !== 'vehicle' || v ? null : t('validation.required')),
      date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? null : t('validation.required')),
    },
  });
  const values = form.getValues();
  const replace = useApiForm(form, {
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/v1/planning/replace-day', {
          body: {
            date: v.date,
            ...(v.target === 'instructor' ? { instructor_id: v.instructor_id } : { vehicle_id: v.vehicle_id }),
            note: optional(v.note),
          },
        }),
      ),
    onSuccess: (done) => {
      void invalidateLessons(queryClient);
      void invalidateStudentFiles(queryClient);
      setResult(done);
    },
  });

  if (result) {
    return (
      <Stack gap="sm" data-testid="replace-day-result">
        <Alert color="green" role="status">
          {t('planning.replaceDay.reassigned', { count: result.reassigned.length })}{' '}
          {t('planning.replaceDay.cancelled', { count: result.cancelled.length })}
        </Alert>
        <Text fw={600}>{t('planning.replaceDay.toCall')}</Text>
        {result.students_to_call.length === 0 ? (
          <Text c="dimmed">{t('planning.replaceDay.noneToCall')}</Text>
        ) : (
          <ScrollTable label={t('planning.replaceDay.toCall')} minWidth={360}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('planning.replaceDay.name')}</Table.Th>
                  <Table.Th scope="col">{t('planning.replaceDay.phone')}</Table.Th>
                  <Table.Th scope="col">{t('planning.replaceDay.outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.students_to_call.map((s) => (
                  <Table.Tr key={`${s.lesson_id}-${s.student_id}`}>
                    <Table.Td>{s.name}</Table.Td>
                    <Table.Td>
                      {s.phone ? <Anchor href={`tel:${s.phone.replace(/\s+/g, '')}`}>{s.phone}</Anchor> : t('planning.replaceDay.noPhone')}
                    </Table.Td>
                    <Table.Td>
                      {s.outcome === 'reassigned' || s.outcome === 'cancelled' ? t(`planning.replaceDay.outcomes.${s.outcome}`) : s.outcome}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
        <Group justify="flex-end">
          <Button onClick={onDone}>{t('common.close')}</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={replace.onSubmit((v) => v)} noValidate>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('planning.replaceDay.intro')}
        </Text>
        <FormError error={replace.failure} />
        <SegmentedControl
          aria-label={t('planning.replaceDay.target')}
          data={[
            { value: 'instructor', label: t('planning.replaceDay.targetInstructor') },
            { value: 'vehicle', label: t('planning.replaceDay.targetVehicle') },
          ]}
          {...form.getInputProps('target')}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          {values.target === 'instructor' ? (
            <Select
              label={t('planning.replaceDay.instructor')}
              data={instructorOptions(data.instructors)}
              filter={foldFilter}
              searchable
              required
              {...form.getInputProps('instructor_id')}
            />
          ) : (
            <Select label={t('planning.replaceDay.vehicle')} data={vehicleOptions(vehicles)} searchable required {...form.getInputProps('vehicle_id')} />
          )}
          <TextInput type="date" label={t('planning.replaceDay.date')} required {...form.getInputProps('date')} />
        </SimpleGrid>
        <Textarea label={t('planning.replaceDay.note')} autosize minRows={2} {...form.getInputProps('note')} />
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={replace.isPending}>
            {t('planning.replaceDay.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
