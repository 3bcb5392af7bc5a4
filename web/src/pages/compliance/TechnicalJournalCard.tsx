import { useState } from 'react';
import { Badge, Button, Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { technicalEventsKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { TechnicalEvent } from './api.ts';
import { eventSummary } from './journal.ts';

const PAGE_SIZE = 25;

/**
 * The journal of technical events (ADMIN), newest first and page by page like the audit log: start-ups and stops,
 * closures, archives and their downloads, restores, jumps of the clock, each with a one-line summary.
 */
export function TechnicalJournalCard() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  // Cursors of the pages seen so far: the last one is the current page (null = first page).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const events = useQuery({
    queryKey: technicalEventsKey(cursor),
    queryFn: () => unwrap(api.GET('/api/v1/technical-events', { params: { query: { limit: PAGE_SIZE, ...(cursor !== null ? { cursor } : {}) } } })),
    placeholderData: keepPreviousData,
  });
  const next = events.data?.next_cursor;

  return (
    <SectionCard title={t('compliance.journal.title')} hint={t('compliance.journal.hint')} data-testid="technical-journal">
      <QueryView query={events} empty={t('compliance.journal.empty')}>
        {(page) => (
          <ResponsiveTable
            rows={page.items}
            rowKey={(event) => String(event.id)}
            rowProps={(event) => ({ 'data-testid': 'technical-event', 'data-kind': event.kind })}
            minWidth={640}
            verticalSpacing="xs"
            busy={events.isFetching}
            label={t('compliance.journal.title')}
            columns={[
              { key: 'time', header: t('compliance.journal.columns.time'), nowrap: true, cell: (event) => formatDateTime(event.occurred_at, zone, true) },
              { key: 'kind', header: t('compliance.journal.columns.kind'), primary: true, cell: (event) => <EventKindLabel event={event} /> },
              { key: 'detail', header: t('compliance.journal.columns.detail'), cell: (event) => eventSummary(event, t) ?? t('compliance.journal.none') },
            ]}
          />
        )}
      </QueryView>
      <Group justify="space-between" mt="md" gap="sm">
        <Text size="sm" c="dimmed">
          {t('compliance.journal.page', { page: cursors.length })}
        </Text>
        <Group gap="xs" role="group" aria-label={t('compliance.journal.pages')}>
          <Button variant="default" size="sm" disabled={cursors.length <= 1} onClick={() => setCursors([null])}>
            {t('compliance.journal.first')}
          </Button>
          <Button variant="default" size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('compliance.journal.previous')}
          </Button>
          <Button
            variant="default"
            size="sm"
            disabled={!next || events.isPlaceholderData}
            onClick={() => {
              if (next) setCursors((c) => [...c, next]);
            }}
          >
            {t('compliance.journal.next')}
          </Button>
        </Group>
      </Group>
    </SectionCard>
  );
}

function EventKindLabel({ event }: { event: TechnicalEvent }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="wrap">
      <Text span fw={600} size="sm">
        {t(`compliance.journal.kinds.${event.kind}`)}
      </Text>
      {event.installation && (
        <Badge color="gray" variant="light" title={t('compliance.journal.installationHint')} style={{ minWidth: 'max-content' }}>
          {t('compliance.journal.installation')}
        </Badge>
      )}
    </Group>
  );
}
