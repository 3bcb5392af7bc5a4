import { useId, useRef, useState } from 'react';
import { Button, Card, FileInput, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type ResponseBody } from '../../api/client.ts';
import { instructorBusyPrefix } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';

type CalendarList = ResponseBody<'/api/v1/instructors/{id}/external-calendars', 'get', 200>;
type ExternalCalendar = CalendarList['items'][number];

/** The list of an instructor's external calendars. */
const externalCalendarsKey = (instructorId: string) => ['external-calendars', instructorId] as const;

/** As on the server: an uploaded `.ics` file is at most 1 MB. */
const MAX_ICS_BYTES = 1024 * 1024;
const ICS_ACCEPT = '.ics,text/calendar';
const URL_PATTERN = /^(https?|webcal):\/\/\S+$/i;

type Source = 'url' | 'file';

interface AddValues {
  source: Source;
  name: string;
  url: string;
  file: File | null;
}

/** What the form sends: an address to follow, or a file whose text is read just before sending. */
type NewCalendar = { name: string; url: string } | { name: string; file: File };

/** The browser could not read the chosen file (moved or deleted since it was chosen). */
class UnreadableFile extends Error {}

/** Why a chosen file cannot be sent, or null (the server checks the content anyway). */
function icsFileProblem(file: Pick<File, 'name' | 'size' | 'type'>): 'tooLarge' | 'badType' | null {
  if (!/\.ics$/i.test(file.name) && file.type.toLowerCase() !== 'text/calendar') return 'badType';
  return file.size > MAX_ICS_BYTES ? 'tooLarge' : null;
}

async function toBody(vars: NewCalendar) {
  if ('url' in vars) return { name: vars.name, url: vars.url };
  let ics: string;
  try {
    ics = await vars.file.text();
  } catch {
    throw new UnreadableFile();
  }
  return { name: vars.name, ics };
}

/**
 * "Agendas externes": the calendars (an ICS address followed every hour, or an imported `.ics` file) whose busy times
 * the planning warns about, for the office on any instructor and for an instructor on their own page.
 */
export function ExternalCalendarsCard({ instructorId }: { instructorId: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [removing, setRemoving] = useState<ExternalCalendar | null>(null);
  const key = externalCalendarsKey(instructorId);
  const formTitleId = useId();
  const sourceLabelId = useId();

  const calendars = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/v1/instructors/{id}/external-calendars', { params: { path: { id: instructorId } } })),
  });

  const form = useForm<AddValues>({
    mode: 'controlled',
    initialValues: { source: 'url', name: '', url: '', file: null },
    validate: {
      name: (value) => (value.trim() === '' ? t('validation.required') : null),
      url: (value, values) => {
        if (values.source !== 'url') return null;
        if (value.trim() === '') return t('validation.required');
        return URL_PATTERN.test(value.trim()) ? null : t('externalCalendars.urlInvalid');
      },
      file: (value, values) => {
        if (values.source !== 'file') return null;
        if (value === null) return t('externalCalendars.noFile');
        const problem = icsFileProblem(value);
        return problem ? t(`externalCalendars.${problem}`) : null;
      },
    },
  });

  const add = useApiForm(form, {
    mutationFn: async (vars: NewCalendar) =>
      unwrap(
        api.POST('/api/v1/instructors/{id}/external-calendars', {
          params: { path: { id: instructorId } },
          body: await toBody(vars),
        }),
      ),
    // The server names the file's content `ics`: its message goes under the file.
    rename: { ics: 'file' },
    onError: (error) => {
      if (error instanceof UnreadableFile) form.setFieldError('file', t('externalCalendars.unreadable'));
      else if (error instanceof ApiError && error.status === 413) form.setFieldError('file', t('externalCalendars.tooLarge'));
    },
    onSuccess: (calendar) => {
      notifySuccess(t('externalCalendars.added', { name: calendar.name }));
      form.setValues({ name: '', url: '', file: null });
      form.clearErrors();
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: instructorBusyPrefix(instructorId) });
    },
  });
  const toNew = ({ source, name, url, file }: AddValues): NewCalendar | null => {
    if (source === 'url') return { name: name.trim(), url: url.trim() };
    return file ? { name: name.trim(), file } : null;
  };

  /**
   * The button that opened the confirmation is gone with its calendar: the card's heading takes the focus. The
   * calendar leaves the list at once, so that the dialog does not give the focus back to its vanished button.
   */
  const afterRemove = (calendar: ExternalCalendar) => {
    setRemoving(null);
    queryClient.setQueryData<CalendarList>(key, (list) => (list ? { ...list, items: list.items.filter((c) => c.id !== calendar.id) } : list));
    heading.current?.focus();
    void queryClient.invalidateQueries({ queryKey: key });
    // The planning's busy blocks of this instructor.
    void queryClient.invalidateQueries({ queryKey: instructorBusyPrefix(instructorId) });
  };
  const remove = useMutation({
    mutationFn: (calendar: ExternalCalendar) =>
      unwrap(
        api.DELETE('/api/v1/instructors/{id}/external-calendars/{calendar_id}', {
          params: { path: { id: instructorId, calendar_id: calendar.id } },
        }),
      ),
    onSuccess: (_, calendar) => {
      notifySuccess(t('externalCalendars.removed', { name: calendar.name }));
      afterRemove(calendar);
    },
    // A 404: removed meanwhile (by the office, or from another device); the list says how things are now.
    onError: (error, calendar) => {
      notifyError(error, t);
      afterRemove(calendar);
    },
  });

  const source = form.values.source;
  // An unreadable file is said under the file, not above the form.
  const failure = add.failure instanceof UnreadableFile ? null : add.failure;

  return (
    <SectionCard title={t('externalCalendars.title')} hint={t('externalCalendars.hint')} headingRef={heading} data-testid="external-calendars">
      <Stack gap="lg">
        <QueryView query={calendars} empty={t('externalCalendars.empty')}>
          {({ items }) => (
            <Stack
              component="ul"
              role="list"
              gap="xs"
              aria-label={t('externalCalendars.listLabel')}
              aria-busy={calendars.isFetching}
              style={{ listStyle: 'none', margin: 0, padding: 0 }}
            >
              {items.map((calendar) => (
                <Card component="li" key={calendar.id} withBorder padding="sm" data-testid="external-calendar">
                  <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
                    <Stack gap={2} style={{ flex: '1 1 14rem', minWidth: 0 }}>
                      <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                        {calendar.name}
                      </Text>
                      <Text size="sm">{calendar.url ? t('externalCalendars.followed') : t('externalCalendars.imported')}</Text>
                      <Text size="sm">
                        {calendar.last_fetched_at
                          ? t('externalCalendars.lastFetched', { date: formatDateTime(calendar.last_fetched_at, zone) })
                          : t('externalCalendars.neverFetched')}
                      </Text>
                      <Text size="sm">
                        {calendar.busy_count === 0
                          ? t('externalCalendars.busyNone')
                          : t('externalCalendars.busyCount', { count: calendar.busy_count })}
                      </Text>
                      {calendar.last_error && (
                        <Text size="sm" c="red.9" style={{ overflowWrap: 'anywhere' }}>
                          {t('externalCalendars.lastError', { message: calendar.last_error })}
                        </Text>
                      )}
                    </Stack>
                    <Button
                      variant="light"
                      color="red"
                      size="compact-sm"
                      aria-label={t('externalCalendars.removeOf', { name: calendar.name })}
                      onClick={() => setRemoving(calendar)}
                    >
                      {t('externalCalendars.remove')}
                    </Button>
                  </Group>
                </Card>
              ))}
            </Stack>
          )}
        </QueryView>

        <form onSubmit={add.onSubmit(toNew)} noValidate aria-labelledby={formTitleId}>
          <Title order={3} size="h5" id={formTitleId} mb="xs">
            {t('externalCalendars.addTitle')}
          </Title>
          <Stack gap="sm">
            <FormError error={failure} />
            <Stack gap={4}>
              <Text size="sm" fw={500} id={sourceLabelId}>
                {t('externalCalendars.source')}
              </Text>
              <SegmentedControl
                aria-labelledby={sourceLabelId}
                data={[
                  { value: 'url', label: t('externalCalendars.sourceUrl') },
                  { value: 'file', label: t('externalCalendars.sourceFile') },
                ]}
                value={source}
                onChange={(value) => {
                  form.setFieldValue('source', value === 'file' ? 'file' : 'url');
                  form.clearFieldError('url');
                  form.clearFieldError('file');
                }}
                disabled={add.isPending}
                style={{ alignSelf: 'flex-start' }}
              />
            </Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label={t('externalCalendars.name')}
                description={t('externalCalendars.nameDescription')}
                autoComplete="off"
                required
                maxLength={200}
                {...form.getInputProps('name')}
              />
              {source === 'url' ? (
                <TextInput
                  key="url"
                  type="url"
                  inputMode="url"
                  label={t('externalCalendars.url')}
                  description={t('externalCalendars.urlDescription')}
                  placeholder="https://…"
                  autoComplete="off"
                  spellCheck={false}
                  required
                  {...form.getInputProps('url')}
                />
              ) : (
                <FileInput
                  key="file"
                  label={t('externalCalendars.file')}
                  description={t('externalCalendars.fileDescription')}
                  placeholder={t('externalCalendars.filePlaceholder')}
                  accept={ICS_ACCEPT}
                  clearable
                  clearButtonProps={{ 'aria-label': t('externalCalendars.clearFile') }}
                  required
                  {...form.getInputProps('file')}
                  // A button named by its label alone would not say which file is chosen.
                  aria-label={form.values.file ? t('externalCalendars.fileChosen', { name: form.values.file.name }) : undefined}
                />
              )}
            </SimpleGrid>
            <Group justify="flex-end">
              <Button type="submit" loading={add.isPending}>
                {t('externalCalendars.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>

      <AppModal opened={removing !== null} onClose={() => setRemoving(null)} title={t('externalCalendars.confirmTitle')}>
        {removing && (
          <Stack gap="md">
            <Text style={{ overflowWrap: 'anywhere' }}>{t('externalCalendars.confirmText', { name: removing.name })}</Text>
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
