import { Alert, Button, Card, Checkbox, Group, Modal, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { errorMessage, fieldErrors } from '../../api/problem.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatMinutes } from '../../lib/duration.ts';
import { formatDateTime } from '../../lib/format.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { LoadError } from '../../shell/LoadError.tsx';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { POSTABLE_KINDS, STUDENTS_KEY, hoursKey, studentKey, type Hours, type PostableKind } from './api.ts';
import { DurationInput } from './DurationInput.tsx';
import { EMPTY_HOURS, hoursEntryBody, validateHours, type HoursValues } from './hoursForm.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';

type Figure = 'purchased' | 'consumed' | 'remaining' | 'scheduled' | 'bookable';
const FIGURES: readonly { key: Figure; field: keyof Omit<Hours, 'entries'>; strong?: boolean }[] = [
  { key: 'purchased', field: 'purchased_minutes' },
  { key: 'consumed', field: 'consumed_minutes' },
  { key: 'remaining', field: 'remaining_minutes', strong: true },
  { key: 'scheduled', field: 'scheduled_minutes' },
  { key: 'bookable', field: 'bookable_minutes', strong: true },
];

/** The "Heures" tab (and "Mes heures"): the figures, the ledger, and the office's "Ajouter des heures" dialog. */
export function HoursPanel({ studentId, canPost }: { studentId: string; canPost: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [opened, dialog] = useDisclosure(false);
  const hours = useQuery({
    queryKey: hoursKey(studentId),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/hours', { params: { path: { id: studentId } } })),
  });

  if (hours.isPending) return <PageLoader />;
  if (hours.isError) return <LoadError error={hours.error} onRetry={() => void hours.refetch()} />;
  const data = hours.data;

  return (
    <Stack gap="lg">
      <Card withBorder padding="lg">
        <Group justify="space-between" mb="md" gap="sm">
          <Title order={2} size="h3">
            {t('students.hours.figures')}
          </Title>
          {canPost && <Button onClick={dialog.open}>{t('students.hours.add')}</Button>}
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }} spacing="sm">
          {FIGURES.map(({ key, field, strong }) => (
            <Paper key={key} component="dl" withBorder p="sm" radius="md" m={0} data-testid={`hours-${key}`}>
              <Text component="dt" size="sm" c="dimmed">
                {t(`students.hours.${key}`)}
              </Text>
              <Text component="dd" m={0} fw={strong ? 700 : 600} size="xl" c={data[field] < 0 ? 'red.8' : undefined}>
                {formatMinutes(data[field])}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
        {data.corrections_minutes !== 0 && (
          <Text size="sm" mt="sm">
            {t('students.hours.corrections')} : {formatMinutes(data.corrections_minutes, { signed: true })}
          </Text>
        )}
      </Card>

      <Card withBorder padding="lg">
        <Title order={2} size="h3" mb="md">
          {t('students.hours.ledger')}
        </Title>
        {data.entries.length === 0 ? (
          <Text c="dimmed">{t('students.hours.empty')}</Text>
        ) : (
          <ScrollTable label={t('students.hours.ledger')} minWidth={520}>
            <Table striped verticalSpacing="sm" data-testid="hours-ledger">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('students.hours.date')}</Table.Th>
                  <Table.Th scope="col">{t('students.hours.kind')}</Table.Th>
                  <Table.Th scope="col" style={{ textAlign: 'right' }}>
                    {t('students.hours.amount')}
                  </Table.Th>
                  <Table.Th scope="col">{t('students.hours.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.entries.map((entry) => (
                  <Table.Tr key={entry.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.created_at, zone)}</Table.Td>
                    <Table.Td>{t(`students.hours.kinds.${entry.kind}`)}</Table.Td>
                    <Table.Td style={{ textAlign: 'right', whiteSpace: 'nowrap' }} c={entry.minutes < 0 ? 'red.8' : undefined}>
                      {formatMinutes(entry.minutes, { signed: true })}
                    </Table.Td>
                    <Table.Td>{entry.reason ?? (entry.lesson_id ? t('students.hours.fromLesson') : t('common.none'))}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
      </Card>

      {canPost && (
        <Modal opened={opened} onClose={dialog.close} title={t('students.hours.addTitle')} centered>
          <AddHoursForm studentId={studentId} onDone={dialog.close} />
        </Modal>
      )}
    </Stack>
  );
}

function AddHoursForm({ studentId, onDone }: { studentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm<HoursValues>({
    mode: 'controlled',
    initialValues: EMPTY_HOURS,
    validate: (values) => validateHours(values, t),
  });
  const post = useMutation({
    mutationFn: (body: { kind: PostableKind; minutes: number; reason: string | null }) =>
      unwrap(api.POST('/api/v1/students/{id}/hours', { params: { path: { id: studentId } }, body })),
    onSuccess: (entry) => {
      const value = formatMinutes(Math.abs(entry.minutes));
      notifySuccess(entry.kind === 'correction' ? t('students.hours.corrected', { value: formatMinutes(entry.minutes, { signed: true }) }) : t('students.hours.added', { value }));
      void queryClient.invalidateQueries({ queryKey: hoursKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: studentKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: [...STUDENTS_KEY, 'list'] });
      void queryClient.invalidateQueries({ queryKey: [...STUDENTS_KEY, 'history', studentId] });
      onDone();
    },
    onError: (error) => {
      form.setErrors(fieldErrors(error, { minutes: 'hours' }));
    },
  });
  const correction = form.values.kind === 'correction';
  const durationLabel = t('students.hours.amount');

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        const body = hoursEntryBody(values);
        if (body) post.mutate(body);
      })}
      noValidate
    >
      <Stack gap="md">
        {post.isError && Object.keys(fieldErrors(post.error)).length === 0 && (
          <Alert color="red" role="alert">
            {errorMessage(post.error, t)}
          </Alert>
        )}
        <Select
          label={t('students.hours.kind')}
          data={POSTABLE_KINDS.map((value) => ({ value, label: t(`students.hours.kinds.${value}`) }))}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
          {...form.getInputProps('kind')}
        />
        <DurationInput label={durationLabel} required hours={form.getInputProps('hours')} minutes={form.getInputProps('minutes')} />
        {correction && <Checkbox label={t('students.hours.negative')} {...form.getInputProps('negative', { type: 'checkbox' })} />}
        <TextInput
          label={correction ? t('students.hours.reasonRequired') : t('students.hours.reasonOptional')}
          required={correction}
          autoComplete="off"
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={post.isPending}>
            {t('students.hours.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
