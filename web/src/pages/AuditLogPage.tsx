import { useState } from 'react';
import { Alert, Button, Card, Code, Group, Stack, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type AuditEntry } from '../api/client.ts';
import { auditLogKey } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { AppModal } from '../components/AppModal.tsx';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { formatDateTime } from '../lib/format.ts';
import { PageHeader } from '../shell/PageHeader.tsx';

const PAGE_SIZE = 50;

interface Filters {
  action: string;
  entity: string;
}

export default function AuditLogPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [filters, setFilters] = useState<Filters>({ action: '', entity: '' });
  // Cursors of the pages seen so far: the last one is the current page (null = first page).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const [selected, setSelected] = useState<AuditEntry | null>(null);

  const log = useQuery({
    queryKey: auditLogKey(filters, cursor),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/audit-log', {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(cursor !== null ? { cursor } : {}),
              ...(filters.action ? { action: filters.action } : {}),
              ...(filters.entity ? { entity: filters.entity } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const form = useForm<Filters>({ mode: 'controlled', initialValues: { action: '', entity: '' } });
  const applyFilters = (values: Filters) => {
    setFilters({ action: values.action.trim(), entity: values.entity.trim() });
    setCursors([null]);
  };

  return (
    <>
      <PageHeader title={t('audit.title')} intro={t('audit.intro')} />
      <Stack gap="lg">
        <VerifyCard />
        <Card withBorder padding="lg">
          <form onSubmit={form.onSubmit(applyFilters)}>
            <Group align="flex-end" gap="sm" mb="md" wrap="wrap">
              <TextInput
                label={t('audit.filterAction')}
                placeholder={t('audit.filterHint', { example: 'user.update' })}
                {...form.getInputProps('action')}
              />
              <TextInput
                label={t('audit.filterEntity')}
                placeholder={t('audit.filterHint', { example: 'user' })}
                {...form.getInputProps('entity')}
              />
              <Button type="submit" variant="light">
                {t('audit.apply')}
              </Button>
              {(filters.action !== '' || filters.entity !== '') && (
                <Button
                  variant="subtle"
                  onClick={() => {
                    form.reset();
                    applyFilters({ action: '', entity: '' });
                  }}
                >
                  {t('audit.reset')}
                </Button>
              )}
            </Group>
          </form>

          <QueryView query={log} empty={t('audit.empty')}>
            {(page) => (
              <ResponsiveTable
                rows={page.items}
                rowKey={(entry) => entry.id}
                minWidth={820}
                verticalSpacing="xs"
                busy={log.isFetching}
                label={t('audit.title')}
                columns={[
                  { key: 'seq', header: t('audit.seq'), cell: (entry) => entry.seq },
                  { key: 'time', header: t('audit.time'), nowrap: true, primary: true, cell: (entry) => formatDateTime(entry.occurred_at, zone, true) },
                  { key: 'actor', header: t('audit.actor'), cell: (entry) => entry.actor_email ?? t('audit.system') },
                  { key: 'action', header: t('audit.action'), cell: (entry) => <Code>{entry.action}</Code> },
                  { key: 'entity', header: t('audit.entity'), cell: (entry) => entry.entity },
                  {
                    key: 'entityId',
                    header: t('audit.entityId'),
                    cell: (entry) => (
                      <Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                        {entry.entity_id ?? t('audit.none')}
                      </Text>
                    ),
                  },
                  {
                    key: 'details',
                    header: <VisuallyHidden>{t('audit.details')}</VisuallyHidden>,
                    action: true,
                    cell: (entry) => (
                      <Button size="compact-sm" variant="subtle" onClick={() => setSelected(entry)} aria-label={t('audit.detailsOf', { seq: entry.seq })}>
                        {t('audit.details')}
                      </Button>
                    ),
                  },
                ]}
              />
            )}
          </QueryView>

          <Group justify="space-between" mt="md">
            <Text size="sm" c="dimmed">
              {t('audit.page', { page: cursors.length })}
            </Text>
            <Group gap="xs">
              <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors([null])}>
                {t('audit.first')}
              </Button>
              <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t('audit.previous')}
              </Button>
              <Button
                variant="default"
                disabled={!log.data?.next_cursor || log.isPlaceholderData}
                onClick={() => {
                  const next = log.data?.next_cursor;
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                {t('audit.next')}
              </Button>
            </Group>
          </Group>
        </Card>
      </Stack>

      <AppModal opened={selected !== null} onClose={() => setSelected(null)} title={selected ? t('audit.detailsOf', { seq: selected.seq }) : ''} size="xl">
        {selected && <EntryDetails entry={selected} zone={zone} />}
      </AppModal>
    </>
  );
}

function EntryDetails({ entry, zone }: { entry: AuditEntry; zone: string }) {
  const { t } = useTranslation();
  const show = (value: unknown) => (value === null || value === undefined ? t('audit.none') : JSON.stringify(value, null, 2));
  return (
    <Stack gap="sm">
      <Text size="sm">
        {t('audit.time')} : {formatDateTime(entry.occurred_at, zone, true)}
      </Text>
      <Text size="sm">
        {t('audit.actor')} : {entry.actor_email ?? t('audit.system')}
      </Text>
      <Text size="sm">
        {t('audit.requestId')} : {entry.request_id ?? t('audit.none')}
      </Text>
      <Text size="sm">
        {t('audit.ip')} : {entry.ip ?? t('audit.none')}
      </Text>
      <Title order={3} size="h5">
        {t('audit.before')}
      </Title>
      <Code block className="json-block">
        {show(entry.before)}
      </Code>
      <Title order={3} size="h5">
        {t('audit.after')}
      </Title>
      <Code block className="json-block">
        {show(entry.after)}
      </Code>
    </Stack>
  );
}

function VerifyCard() {
  const { t } = useTranslation();
  const verify = useMutation({
    mutationFn: () => unwrap(api.GET('/api/v1/audit-log/verify')),
  });

  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" align="center" gap="sm">
        <Button onClick={() => verify.mutate()} loading={verify.isPending}>
          {t('audit.verify')}
        </Button>
      </Group>
      <div aria-live="polite">
        {verify.isSuccess &&
          (verify.data.ok ? (
            <Alert color="green" mt="md" data-testid="audit-verify-result" data-ok="true">
              {t('audit.verifyOk', { count: verify.data.checked })}
            </Alert>
          ) : (
            <Alert color="red" mt="md" data-testid="audit-verify-result" data-ok="false">
              {typeof verify.data.first_broken === 'number'
                ? t('audit.verifyBroken', { count: verify.data.checked, seq: verify.data.first_broken })
                : t('audit.verifyBrokenUnknown', { count: verify.data.checked })}
            </Alert>
          ))}
        <FormError error={verify.error} />
      </div>
    </Card>
  );
}
