import { Anchor, Badge, Group, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { isOperation, useConnectorEvents, type ConnectorEvent, type ConnectorName } from './api.ts';

/**
 * "Journal des échanges" of a platform (ADMIN): each call, newest first, with its operation, the request summarised
 * (never a secret nor a document), the answer's status, how long it took and the fault in French; "Afficher plus"
 * loads older ones.
 */
export function ConnectorEvents({ name }: { name: ConnectorName }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const events = useConnectorEvents(name);
  const title = t('connectors.events.title');
  const operation = (event: ConnectorEvent) => (isOperation(event.operation) ? t(`connectors.events.operations.${event.operation}`) : event.operation);
  return (
    // Not a second region: the table's scroll box is the region named "Journal des échanges".
    <div data-testid="connector-events">
      <Title order={3} size="h4">
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('connectors.events.hint')}
      </Text>
      <QueryView query={events} empty={t('connectors.events.empty')} moreLabel={t('connectors.events.more')}>
        {(items) => (
          <ResponsiveTable
            rows={items}
            rowKey={(event) => event.id}
            rowProps={(event) => ({ 'data-testid': 'connector-event', 'data-operation': event.operation, 'data-ok': String(event.ok) })}
            label={title}
            minWidth={760}
            verticalSpacing="xs"
            busy={events.isFetching}
            columns={[
              { key: 'date', header: t('connectors.events.columns.date'), nowrap: true, cell: (event) => formatDateTime(event.created_at, zone, true) },
              { key: 'operation', header: t('connectors.events.columns.operation'), primary: true, cell: operation },
              {
                key: 'request',
                header: t('connectors.events.columns.request'),
                cell: (event) => (
                  <>
                    <Text span size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {event.request}
                    </Text>
                    {event.student_id && (
                      <>
                        {' '}
                        <Anchor component={Link} to={`/eleves/${event.student_id}`} size="sm">
                          {t('connectors.events.student')}
                        </Anchor>
                      </>
                    )}
                  </>
                ),
              },
              {
                key: 'status',
                header: t('connectors.events.columns.status'),
                nowrap: true,
                cell: (event) => (
                  <Group gap={6} wrap="nowrap">
                    <Badge color={event.ok ? 'teal' : 'red'} variant="light" style={{ minWidth: 'max-content' }}>
                      {event.ok ? t('connectors.events.ok') : t('connectors.events.failed')}
                    </Badge>
                    <Text span size="sm">
                      {event.status_code ?? t('connectors.events.noAnswer')}
                    </Text>
                  </Group>
                ),
              },
              {
                key: 'duration',
                header: t('connectors.events.columns.duration'),
                align: 'right',
                nowrap: true,
                cell: (event) => t('connectors.events.duration', { value: event.duration_ms.toLocaleString('fr-FR') }),
              },
              { key: 'error', header: t('connectors.events.columns.error'), cell: (event) => event.error ?? t('common.none') },
            ]}
          />
        )}
      </QueryView>
    </div>
  );
}
