import { useId, useState } from 'react';
import { ActionIcon, Anchor, Box, Button, Group, Popover, Text, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Notification, Session } from '../api/client.ts';
import { NotificationContent } from '../components/NotificationContent.tsx';
import { PageLoader } from './PageLoader.tsx';
import { LoadError } from './LoadError.tsx';
import {
  isUnread,
  notificationPath,
  NOTIFICATIONS_PATH,
  PREFERENCES_PATH,
  useLatestNotifications,
  useReadAll,
  useSetRead,
  useUnreadCount,
} from '../lib/notifications.ts';
import { useNow } from '../lib/useNow.ts';

function BellIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** "Notifications : 3 non lues" (the count said in the button's name, the badge being only its picture). */
function useBellLabel(count: number | undefined): string {
  const { t } = useTranslation();
  if (count === undefined) return t('notifications.bell.labelUnknown');
  if (count === 0) return t('notifications.bell.labelNone');
  return t('notifications.bell.label', { count });
}

/**
 * The bell of the shell's header, for every role: the unread count as a badge (polled every minute and on window focus),
 * and a popover listing the latest 10 notifications. Clicking one marks it read and opens its page when it has one.
 */
export function NotificationBell({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const unread = useUnreadCount();
  const count = unread.data;
  const label = useBellLabel(count);
  const headingId = useId();

  // Said politely when new notifications arrive while the page is open (not on the first count).
  const [seen, setSeen] = useState(count);
  const [arrived, setArrived] = useState('');
  if (count !== seen) {
    setSeen(count);
    if (seen !== undefined && count !== undefined && count > seen) setArrived(t('notifications.bell.arrived', { count }));
  }

  const shown = count === undefined ? '' : count > 99 ? '99+' : String(count);

  return (
    <>
      <Popover
        opened={opened}
        onChange={setOpened}
        position="bottom-end"
        width={360}
        shadow="md"
        withArrow
        trapFocus
        returnFocus
        withinPortal
        // The header is always in view: the list stays open (and jsdom, without layout, does not hide it).
        hideDetached={false}
      >
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            color="gray.8"
            size="lg"
            aria-label={label}
            onClick={() => setOpened((o) => !o)}
            data-testid="notification-bell"
            data-count={count ?? ''}
            style={{ position: 'relative', overflow: 'visible' }}
          >
            <BellIcon />
            {count !== undefined && count > 0 && (
              <Box
                component="span"
                aria-hidden="true"
                data-testid="notification-badge"
                bg="red.8"
                c="white"
                fz={11}
                fw={700}
                style={{
                  position: 'absolute',
                  top: -4,
                  right: -6,
                  minWidth: 18,
                  height: 18,
                  padding: '0 4px',
                  borderRadius: 9,
                  lineHeight: '18px',
                  textAlign: 'center',
                  pointerEvents: 'none',
                }}
              >
                {shown}
              </Box>
            )}
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p={0} maw="calc(100vw - 16px)" aria-labelledby={headingId} data-testid="notification-popover">
          {opened && <BellPanel session={session} headingId={headingId} count={count} onClose={() => setOpened(false)} />}
        </Popover.Dropdown>
      </Popover>
      <VisuallyHidden role="status" data-testid="notification-arrived">
        {arrived}
      </VisuallyHidden>
    </>
  );
}

function BellPanel({ session, headingId, count, onClose }: { session: Session; headingId: string; count: number | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const latest = useLatestNotifications(true);
  const setRead = useSetRead();
  const readAll = useReadAll();
  const now = useNow();
  const zone = session.tenant.timezone;
  const items = latest.data ?? [];
  const anyUnread = (count ?? 0) > 0 || items.some(isUnread);

  const open = (notification: Notification) => {
    if (isUnread(notification)) setRead.mutate({ id: notification.id, read: true });
    const path = notificationPath(notification.link);
    if (path !== null) {
      onClose();
      void navigate(path);
    }
  };

  return (
    <Box>
      <Group justify="space-between" gap="xs" px="md" py="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Title order={2} size="h5" id={headingId}>
          {t('notifications.title')}
        </Title>
        <Button variant="subtle" size="compact-sm" disabled={!anyUnread} loading={readAll.isPending} onClick={() => readAll.mutate()}>
          {t('notifications.bell.readAll')}
        </Button>
      </Group>
      <Box px="xs" py="xs">
        {latest.isPending ? (
          <PageLoader />
        ) : latest.isError ? (
          <LoadError error={latest.error} onRetry={() => void latest.refetch()} />
        ) : items.length === 0 ? (
          <Text c="dimmed" size="sm" p="sm">
            {t('notifications.bell.empty')}
          </Text>
        ) : (
          <Box
            component="ul"
            aria-label={t('notifications.bell.latest')}
            aria-busy={latest.isFetching}
            m={0}
            p={0}
            style={{ listStyle: 'none', maxHeight: 'min(60vh, 26rem)', overflowY: 'auto' }}
          >
            {items.map((notification) => (
              <li key={notification.id} data-testid="bell-notification" data-unread={isUnread(notification) ? 'true' : 'false'}>
                <UnstyledButton
                  onClick={() => open(notification)}
                  w="100%"
                  p="xs"
                  className="notification-item"
                  style={{
                    display: 'block',
                    borderRadius: 'var(--mantine-radius-sm)',
                    borderLeft: `3px solid ${isUnread(notification) ? 'var(--mantine-color-blue-8)' : 'transparent'}`,
                  }}
                >
                  <NotificationContent notification={notification} zone={zone} now={now} />
                </UnstyledButton>
              </li>
            ))}
          </Box>
        )}
      </Box>
      <Group justify="space-between" gap="xs" px="md" py="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
        <Anchor component={Link} to={NOTIFICATIONS_PATH} onClick={onClose} size="sm">
          {t('notifications.bell.all')}
        </Anchor>
        <Anchor component={Link} to={PREFERENCES_PATH} onClick={onClose} size="sm">
          {t('notifications.bell.preferences')}
        </Anchor>
      </Group>
    </Box>
  );
}
