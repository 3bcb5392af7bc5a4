import { useState } from 'react';
import { Badge, Card, Group, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type NotificationDelivery } from '../api/client.ts';
import { deliveryListKey } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable, type Column } from '../components/ResponsiveTable.tsx';
import { formatDateTime } from '../lib/format.ts';
import { eventLabel } from '../lib/notifications.ts';
import { useCursorList } from '../lib/useCursorList.ts';
import { PageHeader } from '../shell/PageHeader.tsx';

const PAGE_SIZE = 50;
const STATUSES = ['queued', 'sent', 'failed', 'skipped'] as const;
const CHANNELS = ['email', 'sms'] as const;
type DeliveryStatus = (typeof STATUSES)[number];
type DeliveryChannel = (typeof CHANNELS)[number];
const asStatus = (value: string | null) => STATUSES.find((s) => s === value) ?? null;
const asChannel = (value: string | null) => CHANNELS.find((c) => c === value) ?? null;
/** Filled badges: white text on shade 8 or 9 (≥ 4.5:1, see theme.ts); the status is in words too. */
const STATUS_COLOR: Record<DeliveryStatus, string> = { sent: 'green.9', queued: 'blue.8', failed: 'red.8', skipped: 'gray.7' };

/** The status, coloured and in words (a status this version does not know keeps its name, in grey). */
function DeliveryStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = asStatus(status);
  return (
    <Badge color={known ? STATUS_COLOR[known] : 'gray.7'} variant="filled" tt="none" data-status={status} style={{ minWidth: 'max-content' }}>
      {known ? t(`deliveries.statuses.${known}`) : status}
    </Badge>
  );
}

/** /envois — "Journal des envois" (ADMIN): every e-mail and SMS, its state, the reason of a failure or a skip. */
export default function DeliveriesPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const [channel, setChannel] = useState<DeliveryChannel | null>(null);

  const deliveries = useCursorList(deliveryListKey({ status, channel }), (cursor) =>
    unwrap(
      api.GET('/api/v1/notification-deliveries', {
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}), ...(channel ? { channel } : {}) } },
      }),
    ),
  );
  const none = t('deliveries.none');

  const columns: Column<NotificationDelivery>[] = [
    { key: 'created', header: t('deliveries.createdAt'), primary: true, nowrap: true, cell: (d) => formatDateTime(d.created_at, zone) },
    {
      key: 'recipient',
      header: t('deliveries.recipient'),
      cell: (d) => (
        <Stack gap={0}>
          <Text size="sm" span>
            {d.recipient_name}
          </Text>
          <Text size="xs" c="dimmed" span style={{ overflowWrap: 'anywhere' }}>
            {d.address}
          </Text>
        </Stack>
      ),
    },
    { key: 'event', header: t('deliveries.event'), cell: (d) => eventLabel(d.event, t) },
    {
      key: 'channel',
      header: t('deliveries.channel'),
      cell: (d) => {
        const known = asChannel(d.channel);
        return known ? t(`deliveries.channels.${known}`) : d.channel;
      },
    },
    { key: 'status', header: t('deliveries.status'), cell: (d) => <DeliveryStatusBadge status={d.status} /> },
    { key: 'reason', header: t('deliveries.reason'), cell: (d) => d.reason ?? none },
    { key: 'attempts', header: t('deliveries.attempts'), align: 'right', cell: (d) => d.attempts },
    {
      key: 'sent',
      header: t('deliveries.sentAt'),
      cell: (d) => {
        // Sent: when; held back (quiet hours, a retry): not before when; skipped or failed: nothing.
        if (d.sent_at) return formatDateTime(d.sent_at, zone);
        if (d.send_after) return t('deliveries.notBefore', { date: formatDateTime(d.send_after, zone) });
        return none;
      },
    },
  ];

  return (
    <>
      <PageHeader title={t('deliveries.title')} intro={t('deliveries.intro')} />
      <Card withBorder padding="lg">
        <Group mb="md" gap="sm" wrap="wrap">
          <Select
            label={t('deliveries.filterStatus')}
            placeholder={t('deliveries.allStatuses')}
            data={STATUSES.map((s) => ({ value: s, label: t(`deliveries.statuses.${s}`) }))}
            value={status}
            onChange={(value) => setStatus(asStatus(value))}
            clearable
            w={200}
          />
          <Select
            label={t('deliveries.filterChannel')}
            placeholder={t('deliveries.allChannels')}
            data={CHANNELS.map((c) => ({ value: c, label: t(`deliveries.channels.${c}`) }))}
            value={channel}
            onChange={(value) => setChannel(asChannel(value))}
            clearable
            w={200}
          />
        </Group>
        <QueryView query={deliveries} empty={t('deliveries.empty')}>
          {(items) => (
            <ResponsiveTable
              rows={items}
              columns={columns}
              rowKey={(d) => d.id}
              rowProps={(d) => ({ 'data-testid': 'delivery', 'data-status': d.status })}
              label={t('deliveries.list')}
              minWidth={960}
              verticalSpacing="xs"
              busy={deliveries.isFetching}
            />
          )}
        </QueryView>
      </Card>
    </>
  );
}
