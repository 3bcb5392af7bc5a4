import { useRef, useState } from 'react';
import { Button, Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Notification } from '../../api/client.ts';
import { notificationListKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { NotificationContent } from '../../components/NotificationContent.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { isUnread, notificationPath, PREFERENCES_PATH, useReadAll, useSetRead, useUnreadCount } from '../../lib/notifications.ts';
import { useCursorList } from '../../lib/useCursorList.ts';
import { useNow } from '../../lib/useNow.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';

const PAGE_SIZE = 30;
/** `?filtre=non-lues` shows the unread ones only. */
const FILTER_PARAM = 'filtre';
const UNREAD_VALUE = 'non-lues';

/** /notifications — the person's notifications, newest first, all or unread only, page after page. */
export function NotificationList() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [params, setParams] = useSearchParams();
  const filter = params.get(FILTER_PARAM) === UNREAD_VALUE ? 'unread' : 'all';
  const listHeading = useRef<HTMLHeadingElement>(null);
  // The last action's result, said by the live region under the list.
  const [result, setResult] = useState('');
  const now = useNow();
  const count = useUnreadCount().data;
  const setRead = useSetRead();
  const readAll = useReadAll();

  const list = useCursorList(notificationListKey(filter), (cursor) =>
    unwrap(
      api.GET('/api/v1/notifications', {
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}), ...(filter === 'unread' ? { unread: true } : {}) } },
      }),
    ),
  );

  const toggle = (notification: Notification) => {
    const read = isUnread(notification);
    setRead.mutate(
      { id: notification.id, read },
      {
        onSuccess: () => {
          setResult(t(read ? 'notifications.page.markedRead' : 'notifications.page.markedUnread', { title: notification.title }));
          // Read, it leaves the list of unread ones (and its button with it): the list's heading takes the focus.
          if (read && filter === 'unread') listHeading.current?.focus();
        },
      },
    );
  };
  const markAll = () =>
    readAll.mutate(undefined, {
      onSuccess: ({ updated }) => {
        setResult(updated === 0 ? t('notifications.page.readAllNone') : t('notifications.page.readAllDone', { count: updated }));
        if (filter === 'unread') listHeading.current?.focus();
      },
    });

  return (
    <>
      <PageHeader
        title={t('notifications.title')}
        intro={t('notifications.page.intro')}
        actions={
          <Group gap="xs">
            <Button onClick={markAll} loading={readAll.isPending} disabled={count === 0}>
              {t('notifications.page.readAll')}
            </Button>
            <Button component={Link} to={PREFERENCES_PATH} variant="default">
              {t('notifications.page.preferences')}
            </Button>
          </Group>
        }
      />
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Group gap="sm">
            <Text id="notifications-filter" fw={500}>
              {t('notifications.page.filter')}
            </Text>
            <SegmentedControl
              aria-labelledby="notifications-filter"
              value={filter}
              onChange={(value) => setParams(value === 'unread' ? { [FILTER_PARAM]: UNREAD_VALUE } : {}, { replace: true })}
              data={[
                { value: 'all', label: t('notifications.page.filterAll') },
                { value: 'unread', label: t('notifications.page.filterUnread') },
              ]}
            />
          </Group>
          <Title order={2} size="h4" ref={listHeading} tabIndex={-1} style={{ outline: 'none' }}>
            {t('notifications.page.list')}
          </Title>
          <QueryView query={list} empty={filter === 'unread' ? t('notifications.page.emptyUnread') : t('notifications.page.empty')}>
            {(items) => (
              <Stack
                component="ul"
                gap="xs"
                aria-label={t('notifications.page.list')}
                aria-busy={list.isFetching}
                m={0}
                p={0}
                style={{ listStyle: 'none' }}
                data-testid="notification-list"
              >
                {items.map((notification) => {
                  const unread = isUnread(notification);
                  const path = notificationPath(notification.link);
                  return (
                    <Card
                      key={notification.id}
                      component="li"
                      withBorder
                      padding="sm"
                      radius="md"
                      data-testid="notification"
                      data-unread={unread ? 'true' : 'false'}
                      style={{ borderLeft: `4px solid ${unread ? 'var(--mantine-color-blue-8)' : 'var(--mantine-color-gray-3)'}` }}
                    >
                      <Group justify="space-between" align="flex-start" gap="sm">
                        <div style={{ flex: '1 1 16rem', minWidth: 0 }}>
                          <NotificationContent notification={notification} zone={zone} now={now} />
                        </div>
                        <Group gap="xs">
                          {path !== null && (
                            <Button
                              component={Link}
                              to={path}
                              size="compact-sm"
                              variant="light"
                              aria-label={t('notifications.page.openOf', { title: notification.title })}
                              onClick={() => {
                                if (unread) setRead.mutate({ id: notification.id, read: true });
                              }}
                            >
                              {t('notifications.page.open')}
                            </Button>
                          )}
                          <Button
                            size="compact-sm"
                            variant="default"
                            aria-label={t(unread ? 'notifications.page.markReadOf' : 'notifications.page.markUnreadOf', { title: notification.title })}
                            loading={setRead.isPending && setRead.variables.id === notification.id}
                            onClick={() => toggle(notification)}
                          >
                            {unread ? t('notifications.page.markRead') : t('notifications.page.markUnread')}
                          </Button>
                        </Group>
                      </Group>
                    </Card>
                  );
                })}
              </Stack>
            )}
          </QueryView>
          <Text size="sm" role="status" data-testid="notifications-result">
            {result}
          </Text>
        </Stack>
      </Card>
    </>
  );
}
