import { Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Notification } from '../api/client.ts';
import { formatDateTime, formatSince } from '../lib/format.ts';
import { eventLabel, isUnread } from '../lib/notifications.ts';

/**
 * What a notification says: "Non lue" (a badge, in words, and the title in bold) when unread, its title, its text, the
 * kind of event ("Séance déplacée") and how long ago it came (the exact moment, in the school's zone, as the time's
 * title). Phrasing content only (spans), so
 * that it may sit inside a button.
 */
export function NotificationContent({ notification, zone, now }: { notification: Notification; zone: string; now: number }) {
  const { t } = useTranslation();
  const unread = isUnread(notification);
  return (
    <Stack component="span" gap={2} style={{ minWidth: 0 }}>
      <Group component="span" gap={6} wrap="wrap">
        {unread && (
          <Badge component="span" color="blue.8" variant="filled" size="sm" tt="none" style={{ minWidth: 'max-content' }} data-testid="unread-mark">
            {t('notifications.unread')}
          </Badge>
        )}
        <Text component="span" fw={unread ? 700 : 500} style={{ overflowWrap: 'anywhere' }}>
          {notification.title}
        </Text>
      </Group>
      <Text component="span" size="sm" style={{ overflowWrap: 'anywhere' }}>
        {notification.body}
      </Text>
      <Text component="span" size="xs" c="dimmed">
        {eventLabel(notification.event, t)}
        {' · '}
        <time dateTime={notification.created_at} title={formatDateTime(notification.created_at, zone)}>
          {formatSince(notification.created_at, zone, new Date(now))}
        </time>
      </Text>
    </Stack>
  );
}
