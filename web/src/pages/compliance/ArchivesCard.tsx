import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, List, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ARCHIVES_KEY, TECHNICAL_EVENTS_KEY } from '../../api/keys.ts';
import { ApiError } from '../../api/problem.ts';
import { useCurrentSession } from '../../api/session.ts';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatCalendarDate, formatDateTime } from '../../lib/format.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { createArchive, downloadArchive, useArchives, type ArchivesOverview, type FiscalArchive } from './api.ts';

/** The years offered: this one (in the school's zone) and the nine before (the books are kept six years). */
const YEARS_BACK = 10;
const VERIFY_COMMAND = 'volant admin verify-archive FICHIER.zip';
const OPENSSL_COMMAND = 'openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin -in manifest.json -sigfile manifest.sig';

const kilobytes = (bytes: number) => Math.max(1, Math.round(bytes / 1024)).toLocaleString('fr-FR');

/**
 * The fiscal archives (ADMIN): "Archiver l'année" makes the year's signed zip (its days closed so far) and downloads
 * it; the list downloads any again; the school's public key and how to verify an archive without Volant.
 */
export function ArchivesCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const thisYear = Number(todayIn(useCurrentSession().tenant.timezone).slice(0, 4));
  const [year, setYear] = useState(String(thisYear));
  const archives = useArchives();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ARCHIVES_KEY });
    void queryClient.invalidateQueries({ queryKey: TECHNICAL_EVENTS_KEY });
  };
  const create = useMutation({
    mutationFn: (value: number) => createArchive(value),
    onSuccess: (_, value) => {
      notifySuccess(t('compliance.archives.created', { year: String(value) }));
      refresh();
    },
  });
  const years = Array.from({ length: YEARS_BACK }, (_, i) => String(thisYear - i));

  return (
    <SectionCard title={t('compliance.archives.title')} hint={t('compliance.archives.hint')} data-testid="archives">
      <Stack gap="md">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label={t('compliance.archives.year')}
            data={years}
            value={year}
            onChange={(value) => {
              if (value) setYear(value);
            }}
            allowDeselect={false}
            w={160}
          />
          <Button onClick={() => create.mutate(Number(year))} loading={create.isPending}>
            {t('compliance.archives.create')}
          </Button>
        </Group>
        {/* Both are alerts: read out when they appear. */}
        {create.error instanceof ApiError && create.error.status === 422 ? (
          <Alert color="orange" role="alert" data-testid="archive-refused">
            {create.error.problem.detail ?? create.error.message}
          </Alert>
        ) : (
          <FormError error={create.error} />
        )}
        <QueryView query={archives}>
          {(overview) => (
            <Stack gap="lg">
              <ArchiveList archives={overview.archives} onDownloaded={refresh} />
              <ArchiveKey overview={overview} />
            </Stack>
          )}
        </QueryView>
      </Stack>
    </SectionCard>
  );
}

function ArchiveList({ archives, onDownloaded }: { archives: FiscalArchive[]; onDownloaded: () => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const download = useMutation({
    mutationFn: downloadArchive,
    onSuccess: onDownloaded,
    onError: (error) => notifyError(error, t),
  });
  if (archives.length === 0) return <Text c="dimmed">{t('compliance.archives.empty')}</Text>;
  const period = (a: FiscalArchive) => ({ from: formatCalendarDate(a.covers_from), to: formatCalendarDate(a.covers_to) });
  return (
    <ResponsiveTable
      rows={archives}
      rowKey={(a) => a.id}
      rowProps={(a) => ({ 'data-testid': 'archive', 'data-year': String(a.year) })}
      minWidth={720}
      label={t('compliance.archives.list')}
      columns={[
        { key: 'year', header: t('compliance.archives.columns.year'), primary: true, cell: (a) => a.year },
        { key: 'period', header: t('compliance.archives.columns.period'), nowrap: true, cell: (a) => t('compliance.archives.period', period(a)) },
        {
          key: 'state',
          header: t('compliance.archives.columns.state'),
          cell: (a) => (
            <Badge
              color={a.complete ? 'green' : 'orange'}
              variant="light"
              title={a.complete ? t('compliance.archives.completeHint') : t('compliance.archives.partialHint')}
              style={{ minWidth: 'max-content' }}
            >
              {a.complete ? t('compliance.archives.complete') : t('compliance.archives.partial')}
            </Badge>
          ),
        },
        { key: 'size', header: t('compliance.archives.columns.size'), align: 'right', nowrap: true, cell: (a) => t('compliance.archives.size', { size: kilobytes(a.size_bytes) }) },
        { key: 'created', header: t('compliance.archives.columns.createdAt'), nowrap: true, cell: (a) => formatDateTime(a.created_at, zone) },
        {
          key: 'download',
          header: t('compliance.archives.columns.download'),
          action: true,
          cell: (a) => (
            <Button
              size="compact-sm"
              variant="light"
              loading={download.isPending && download.variables.id === a.id}
              onClick={() => download.mutate(a)}
              aria-label={t('compliance.archives.downloadOf', { year: String(a.year), ...period(a) })}
            >
              {t('compliance.archives.download')}
            </Button>
          ),
        },
      ]}
    />
  );
}

/** The school's archive key (fingerprint and PEM) and the two ways to verify an archive offline. */
function ArchiveKey({ overview }: { overview: ArchivesOverview }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="archive-key">
      <Title order={3} size="h4">
        {t('compliance.archives.key.title')}
      </Title>
      <Text size="sm">
        {t('compliance.archives.key.fingerprint')} : <Code data-testid="archive-fingerprint">{overview.fingerprint}</Code>
      </Text>
      <Text size="sm" fw={500}>
        {t('compliance.archives.key.pem')}
      </Text>
      <Code block className="json-block" data-testid="archive-pem">
        {overview.public_key_pem.trim()}
      </Code>
      <Title order={3} size="h4">
        {t('compliance.archives.key.verify')}
      </Title>
      <Text size="sm">{t('compliance.archives.key.intro')}</Text>
      <List type="ordered" size="sm" spacing="xs">
        <List.Item>
          {t('compliance.archives.key.withVolant')}
          <Code block className="json-block" mt={4}>
            {VERIFY_COMMAND}
          </Code>
        </List.Item>
        <List.Item>
          {t('compliance.archives.key.withOpenssl')}
          <Code block className="json-block" mt={4}>
            {OPENSSL_COMMAND}
          </Code>
        </List.Item>
      </List>
    </Stack>
  );
}
