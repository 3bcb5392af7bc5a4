import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Availability, type AvailabilityException, type ExceptionKind } from '../../api/client.ts';
import { availabilityKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ScrollTable } from '../../components/ScrollTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { WeekGridEditor } from '../../components/WeekGridEditor.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { isStale, optional } from '../../lib/formErrors.ts';
import { notifyError, notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { gridFromWeekly, useWeekGridErrors, type WeekGrid } from '../../lib/weekly.ts';
import { localInputToInstant } from '../../lib/zonedTime.ts';

const KINDS: readonly ExceptionKind[] = ['leave', 'sickness', 'training', 'meeting', 'other'];

function isAvailability(value: unknown): value is Availability {
  return typeof value === 'object' && value !== null && Array.isArray((value as Availability).weekly) && typeof (value as Availability).version === 'number';
}

const sameWeekly = (a: Availability['weekly'], b: Availability['weekly']) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The "Disponibilités" tab: the weekly template (edited by the office, saved whole with PUT and the version read)
 * and the dated exceptions (added and removed one by one, by the office or the instructor themself).
 */
export function AvailabilityPanel({ instructorId, canEditWeekly }: { instructorId: string; canEditWeekly: boolean }) {
  const availability = useQuery({
    queryKey: availabilityKey(instructorId),
    queryFn: () => unwrap(api.GET('/api/v1/instructors/{id}/availability', { params: { path: { id: instructorId } } })),
  });
  return (
    <QueryView query={availability}>
      {(data) => (
        <Stack gap="lg">
          <WeeklyCard instructorId={instructorId} data={data} editable={canEditWeekly} />
          <ExceptionsCard instructorId={instructorId} exceptions={data.exceptions ?? []} />
        </Stack>
      )}
    </QueryView>
  );
}

/** Edits in progress, and the availability they started from. */
interface Draft {
  grid: WeekGrid;
  base: Availability;
}

function WeeklyCard({ instructorId, data, editable }: { instructorId: string; data: Availability; editable: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const gridErrors = useWeekGridErrors('weekly');
  const grid = draft?.grid ?? gridFromWeekly(data.weekly);
  // The exceptions may have changed meanwhile (that bumps the version): only a change of the template conflicts.
  const conflict = draft !== null && !sameWeekly(draft.base.weekly, data.weekly);
  const restart = () => {
    setDraft(null);
    gridErrors.clear();
  };

  const save = useMutation({
    mutationFn: (body: Availability) => unwrap(api.PUT('/api/v1/instructors/{id}/availability', { params: { path: { id: instructorId } }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(availabilityKey(instructorId), saved);
      restart();
      notifySuccess(t('availability.saved'));
    },
    onError: (error) => {
      if (!isStale(error)) {
        gridErrors.showRefusal(error);
        return;
      }
      notifyStale(t('availability.stale'));
      const current = error.problem.current;
      if (isAvailability(current)) queryClient.setQueryData(availabilityKey(instructorId), current);
      void queryClient.invalidateQueries({ queryKey: availabilityKey(instructorId) });
      restart();
    },
  });

  const submit = () => {
    const weekly = gridErrors.toWeekly(grid);
    const version = conflict ? draft.base.version : data.version;
    if (weekly) save.mutate({ weekly, exceptions: data.exceptions ?? [], version });
  };

  return (
    <SectionCard title={t('availability.weeklyTitle')} hint={editable ? t('availability.weeklyHint', { zone }) : t('availability.weeklyReadOnly')}>
      <Stack gap="sm">
        <FormError error={isStale(save.error) ? null : save.error} />
        {Object.keys(gridErrors.errors).length > 0 && !save.isError && (
          <Alert color="red" role="alert">
            {t('weekGrid.invalid')}
          </Alert>
        )}
        {conflict && (
          <Alert color="orange" role="status">
            {t('availability.changedMeanwhile')}
          </Alert>
        )}
        <WeekGridEditor
          value={grid}
          onChange={
            editable
              ? (next) => {
                  setDraft({ grid: next, base: draft?.base ?? data });
                  gridErrors.clear();
                  save.reset();
                }
              : undefined
          }
          errors={gridErrors.errors}
          emptyLabel={t('availability.unavailable')}
          disabled={save.isPending}
        />
        {editable && (
          <Group justify="flex-end" gap="sm">
            {draft !== null && (
              <Button
                variant="subtle"
                onClick={() => {
                  restart();
                  save.reset();
                }}
              >
                {t('availability.reset')}
              </Button>
            )}
            <Button onClick={submit} loading={save.isPending} disabled={draft === null}>
              {t('availability.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </SectionCard>
  );
}

interface ExceptionValues {
  starts_at: string;
  ends_at: string;
  kind: ExceptionKind | null;
  note: string;
}

function ExceptionsCard({ instructorId, exceptions }: { instructorId: string; exceptions: AvailabilityException[] }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<AvailabilityException | null>(null);
  const kindOptions = KINDS.map((kind) => ({ value: kind, label: t(`availability.kinds.${kind}`) }));

  const form = useForm<ExceptionValues>({
    mode: 'controlled',
    initialValues: { starts_at: '', ends_at: '', kind: 'leave', note: '' },
    validate: {
      starts_at: (value) => (localInputToInstant(value, zone) === null ? t('validation.required') : null),
      ends_at: (value, values) => {
        if (localInputToInstant(value, zone) === null) return t('validation.required');
        return value <= values.starts_at ? t('availability.endBeforeStart') : null;
      },
      kind: (value) => (value === null ? t('validation.required') : null),
    },
  });

  const add = useApiForm(form, {
    mutationFn: (body: AvailabilityException) =>
      unwrap(api.POST('/api/v1/instructors/{id}/exceptions', { params: { path: { id: instructorId } }, body })),
    onSuccess: () => {
      notifySuccess(t('availability.added'));
      form.reset();
      void queryClient.invalidateQueries({ queryKey: availabilityKey(instructorId) });
    },
  });
  const toException = (values: ExceptionValues): AvailabilityException | null => {
    const starts = localInputToInstant(values.starts_at, zone);
    const ends = localInputToInstant(values.ends_at, zone);
    if (starts === null || ends === null || values.kind === null) return null;
    return { starts_at: starts, ends_at: ends, kind: values.kind, note: optional(values.note) };
  };

  const remove = useMutation({
    mutationFn: (exception: AvailabilityException) =>
      unwrap(
        api.DELETE('/api/v1/instructors/{id}/exceptions/{exception_id}', {
          params: { path: { id: instructorId, exception_id: exception.id ?? '' } },
        }),
      ),
    onSuccess: () => {
      notifySuccess(t('availability.removed'));
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: availabilityKey(instructorId) });
    },
    onError: (error) => {
      setRemoving(null);
      notifyError(error, t);
      void queryClient.invalidateQueries({ queryKey: availabilityKey(instructorId) });
    },
  });

  const sorted = [...exceptions].sort((a, b) => a.starts_at.localeCompare(b.starts_at));

  return (
    <SectionCard title={t('availability.exceptionsTitle')} hint={t('availability.exceptionsHint', { zone })}>
      {sorted.length === 0 ? (
        <Text c="dimmed" mb="md">
          {t('availability.noException')}
        </Text>
      ) : (
        <ScrollTable label={t('availability.exceptionsTitle')} minWidth={560} mb="md">
          <Table striped verticalSpacing="sm" data-testid="exceptions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('availability.startsAt')}</Table.Th>
                <Table.Th scope="col">{t('availability.endsAt')}</Table.Th>
                <Table.Th scope="col">{t('availability.kind')}</Table.Th>
                <Table.Th scope="col">{t('availability.noteColumn')}</Table.Th>
                <Table.Th scope="col">{t('availability.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((exception) => {
                const start = formatDateTime(exception.starts_at, zone);
                return (
                  <Table.Tr key={exception.id ?? exception.starts_at}>
                    <Table.Td>{start}</Table.Td>
                    <Table.Td>{formatDateTime(exception.ends_at, zone)}</Table.Td>
                    <Table.Td>{t(`availability.kinds.${exception.kind}`)}</Table.Td>
                    <Table.Td>{exception.note ?? t('common.none')}</Table.Td>
                    <Table.Td>
                      <Button
                        variant="subtle"
                        color="red"
                        size="compact-sm"
                        aria-label={t('availability.removeOf', { date: start })}
                        onClick={() => setRemoving(exception)}
                        disabled={!exception.id}
                      >
                        {t('availability.remove')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}

      <form onSubmit={add.onSubmit(toException)} noValidate aria-labelledby="exception-form-title">
        <Title order={3} size="h5" id="exception-form-title" mb="xs">
          {t('availability.addTitle')}
        </Title>
        <Stack gap="sm">
          <FormError error={add.failure} />
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            <TextInput type="datetime-local" label={t('availability.startsAt')} required {...form.getInputProps('starts_at')} />
            <TextInput type="datetime-local" label={t('availability.endsAt')} required {...form.getInputProps('ends_at')} />
            <Select label={t('availability.kind')} data={kindOptions} allowDeselect={false} required {...form.getInputProps('kind')} />
            <TextInput label={t('availability.note')} maxLength={500} {...form.getInputProps('note')} />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button type="submit" loading={add.isPending}>
              {t('availability.add')}
            </Button>
          </Group>
        </Stack>
      </form>

      <AppModal opened={removing !== null} onClose={() => setRemoving(null)} title={t('availability.confirmTitle')}>
        {removing && (
          <Stack gap="md">
            <Text>
              {t('availability.confirmText', {
                kind: t(`availability.kinds.${removing.kind}`),
                start: formatDateTime(removing.starts_at, zone),
                end: formatDateTime(removing.ends_at, zone),
              })}
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setRemoving(null)}>
                {t('common.cancel')}
              </Button>
              <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(removing)}>
                {t('common.remove')}
              </Button>
            </Group>
          </Stack>
        )}
      </AppModal>
    </SectionCard>
  );
}
