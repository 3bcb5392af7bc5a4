import { useId } from 'react';
import { Anchor, Button, Checkbox, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap, type ChannelChoice, type NotificationPreferences, type QuietHours } from '../../api/client.ts';
import { NOTIFICATION_PREFERENCES_KEY } from '../../api/keys.ts';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { eventLabel, NOTIFICATIONS_PATH } from '../../lib/notifications.ts';
import { notifyStale, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';

type Channels = Record<string, ChannelChoice>;
interface Values {
  channels: Channels;
  quiet_hours: QuietHours;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const NONE: ChannelChoice = { email: false, sms: false, in_app: true };

/** "21:00:00" → "21:00" (the inputs and the server speak HH:MM). */
const hhmm = (value: string) => value.slice(0, 5);

/** /notifications/preferences — which channels tell the person of which event, and their quiet hours. */
export function PreferencesPage() {
  const { t } = useTranslation();
  const preferences = useQuery({
    queryKey: NOTIFICATION_PREFERENCES_KEY,
    queryFn: () => unwrap(api.GET('/api/v1/me/notification-preferences')),
  });
  return (
    <>
      <PageHeader
        title={t('notifications.preferences.title')}
        intro={t('notifications.preferences.intro')}
        actions={
          <Anchor component={Link} to={NOTIFICATIONS_PATH}>
            {t('notifications.preferences.back')}
          </Anchor>
        }
      />
      <QueryView query={preferences}>
        {/* Keyed by version: a newer version (after a save or a 412) starts the form afresh. */}
        {(data) => <PreferencesForm key={data.version} current={data} />}
      </QueryView>
    </>
  );
}

function PreferencesForm({ current }: { current: NotificationPreferences }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const inAppId = useId();
  const smsId = useId();
  const smsAvailable = current.sms_available;
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      channels: Object.fromEntries(current.events.map((event) => [event, { ...NONE, ...(current.channels[event] ?? {}), in_app: true }])),
      quiet_hours: { start: hhmm(current.quiet_hours.start), end: hhmm(current.quiet_hours.end) },
    },
    validate: {
      quiet_hours: {
        start: (value) => (TIME.test(value) ? null : t('notifications.preferences.timeFormat')),
        end: (value) => (TIME.test(value) ? null : t('notifications.preferences.timeFormat')),
      },
    },
  });
  const save = useApiForm(form, {
    mutationFn: (values: Values) =>
      unwrap(
        api.PUT('/api/v1/me/notification-preferences', {
          body: { channels: values.channels, quiet_hours: values.quiet_hours, version: current.version },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(NOTIFICATION_PREFERENCES_KEY, saved);
      notifySuccess(t('notifications.preferences.saved'));
    },
    onStale: () => {
      notifyStale(t('notifications.preferences.stale'));
      void queryClient.invalidateQueries({ queryKey: NOTIFICATION_PREFERENCES_KEY });
    },
  });

  const eventName = (event: string) => eventLabel(event, t);
  const choice = (event: string): ChannelChoice => form.values.channels[event] ?? NONE;
  const set = (event: string, channel: 'email' | 'sms', on: boolean) =>
    form.setFieldValue(`channels.${event}`, { ...choice(event), [channel]: on, in_app: true });
  const box = (event: string, channel: 'email' | 'sms' | 'in_app', label: string) => {
    const name = t('notifications.preferences.checkboxOf', { event: eventName(event), channel: label });
    if (channel === 'in_app') return <Checkbox aria-label={name} checked readOnly disabled aria-describedby={inAppId} />;
    if (channel === 'sms' && !smsAvailable) return <Checkbox aria-label={name} checked={false} readOnly disabled aria-describedby={smsId} />;
    return <Checkbox aria-label={name} checked={choice(event)[channel]} onChange={(e) => set(event, channel, e.currentTarget.checked)} />;
  };

  const email = t('notifications.preferences.email');
  const sms = t('notifications.preferences.sms');
  const inApp = t('notifications.preferences.inApp');
  const columns: Column<string>[] = [
    { key: 'event', header: t('notifications.preferences.event'), primary: true, cell: eventName },
    { key: 'email', header: email, cell: (event) => box(event, 'email', email) },
    { key: 'sms', header: sms, cell: (event) => box(event, 'sms', sms) },
    { key: 'in_app', header: inApp, cell: (event) => box(event, 'in_app', inApp) },
  ];

  return (
    <form onSubmit={save.onSubmit((values) => values)} noValidate data-testid="notification-preferences">
      <Stack gap="lg">
        <FormError error={save.failure} />
        <SectionCard title={t('notifications.preferences.channelsTitle')}>
          <Stack gap="sm">
            <Text size="sm" id={inAppId}>
              {t('notifications.preferences.inAppAlways')}
            </Text>
            {!smsAvailable && (
              <Text size="sm" id={smsId} data-testid="sms-unavailable">
                {t('notifications.preferences.smsUnavailable')}
              </Text>
            )}
            {current.events.length === 0 ? (
              <Text c="dimmed">{t('notifications.preferences.noEvent')}</Text>
            ) : (
              <ResponsiveTable
                rows={current.events}
                columns={columns}
                rowKey={(event) => event}
                rowProps={(event) => ({ 'data-testid': `event-${event}` })}
                label={t('notifications.preferences.table')}
                minWidth={520}
                highlightOnHover={false}
              />
            )}
          </Stack>
        </SectionCard>
        <SectionCard title={t('notifications.preferences.quietTitle')} hint={t('notifications.preferences.quietHint')}>
          <SimpleGrid cols={{ base: 1, xs: 2 }} maw={480}>
            <TextInput type="time" label={t('notifications.preferences.quietStart')} required {...form.getInputProps('quiet_hours.start')} />
            <TextInput type="time" label={t('notifications.preferences.quietEnd')} required {...form.getInputProps('quiet_hours.end')} />
          </SimpleGrid>
        </SectionCard>
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t('notifications.preferences.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
