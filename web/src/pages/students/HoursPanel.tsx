import { Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { STUDENT_LISTS_KEY, historyKey, hoursKey, studentKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { POSTABLE_KINDS, type Hours } from './api.ts';
import { Ledger, type Viewer } from './HoursLedger.tsx';
import { DurationInput } from './DurationInput.tsx';
import { EMPTY_HOURS, hoursEntryBody, validateHours, type HoursValues } from './hoursForm.ts';

type Figure = 'purchased' | 'consumed' | 'remaining' | 'scheduled' | 'bookable';
const FIGURES: readonly { key: Figure; field: keyof Omit<Hours, 'entries'>; strong?: boolean }[] = [
  { key: 'purchased', field: 'purchased_minutes' },
  { key: 'consumed', field: 'consumed_minutes' },
  { key: 'remaining', field: 'remaining_minutes', strong: true },
  { key: 'scheduled', field: 'scheduled_minutes' },
  { key: 'bookable', field: 'bookable_minutes', strong: true },
];

type ConfirmationFigure = 'confirmedFigure' | 'pendingFigure' | 'disputedFigure';
const CONFIRMATION_FIGURES: readonly { key: ConfirmationFigure; field: 'confirmed_minutes' | 'pending_minutes' | 'disputed_minutes' }[] = [
  { key: 'confirmedFigure', field: 'confirmed_minutes' },
  { key: 'pendingFigure', field: 'pending_minutes' },
  { key: 'disputedFigure', field: 'disputed_minutes' },
];

/** The "Heures" tab (and "Mes heures"): the figures, the ledger, and the office's "Ajouter des heures" dialog. */
export function HoursPanel({ studentId, canPost }: { studentId: string; canPost: boolean }) {
  const hours = useQuery({
    queryKey: hoursKey(studentId),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/hours', { params: { path: { id: studentId } } })),
  });
  return <QueryView query={hours}>{(data) => <HoursView studentId={studentId} data={data} canPost={canPost} />}</QueryView>;
}

function HoursView({ studentId, data, canPost }: { studentId: string; data: Hours; canPost: boolean }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [opened, dialog] = useDisclosure(false);
  const role = useCurrentSession().role;
  const viewer: Viewer = role === 'STUDENT' ? 'student' : role === 'ADMIN' || role === 'SECRETARY' ? 'office' : 'other';
  const lessonMinutes = data.confirmed_minutes + data.pending_minutes + data.disputed_minutes;

  return (
    <Stack gap="lg">
      <SectionCard title={t('students.hours.figures')} actions={canPost && <Button onClick={dialog.open}>{t('students.hours.add')}</Button>}>
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
        {lessonMinutes > 0 && (
          <SimpleGrid cols={3} spacing="sm" mt="sm" data-testid="hours-confirmations">
            {CONFIRMATION_FIGURES.map(({ key, field }) => (
              <Paper key={key} component="dl" withBorder p="xs" radius="md" m={0} data-testid={`hours-${key}`}>
                <Text component="dt" size="xs" c="dimmed">
                  {t(`students.hours.${key}`)}
                </Text>
                <Text component="dd" m={0} fw={600}>
                  {formatMinutes(data[field])}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
        )}
        {data.corrections_minutes !== 0 && (
          <Text size="sm" mt="sm">
            {t('students.hours.corrections')} : {formatMinutes(data.corrections_minutes, { signed: true })}
          </Text>
        )}
      </SectionCard>

      <SectionCard title={t('students.hours.ledger')}>
        {data.entries.length === 0 ? (
          <Text c="dimmed">{t('students.hours.empty')}</Text>
        ) : (
          <Ledger studentId={studentId} entries={data.entries} zone={zone} viewer={viewer} />
        )}
      </SectionCard>

      {canPost && (
        <AppModal opened={opened} onClose={dialog.close} title={t('students.hours.addTitle')}>
          <AddHoursForm studentId={studentId} onDone={dialog.close} />
        </AppModal>
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
  const post = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof hoursEntryBody>>) =>
      unwrap(api.POST('/api/v1/students/{id}/hours', { params: { path: { id: studentId } }, body })),
    onSuccess: (entry) => {
      const value = formatMinutes(Math.abs(entry.minutes));
      notifySuccess(entry.kind === 'correction' ? t('students.hours.corrected', { value: formatMinutes(entry.minutes, { signed: true }) }) : t('students.hours.added', { value }));
      void queryClient.invalidateQueries({ queryKey: hoursKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: studentKey(studentId) });
      void queryClient.invalidateQueries({ queryKey: STUDENT_LISTS_KEY });
      void queryClient.invalidateQueries({ queryKey: historyKey(studentId) });
      onDone();
    },
    rename: { minutes: 'hours' },
  });
  const correction = form.values.kind === 'correction';
  const durationLabel = t('students.hours.amount');

  return (
    <form onSubmit={post.onSubmit(hoursEntryBody)} noValidate>
      <Stack gap="md">
        <FormError error={post.failure} />
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
