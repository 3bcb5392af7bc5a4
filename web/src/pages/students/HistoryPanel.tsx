import { Button, Card, Group, Text, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatDateTime, formatMoment } from '../../lib/format.ts';
import { useCursorList } from '../../lib/useCursorList.ts';
import { LoadError } from '../../shell/LoadError.tsx';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { historyKey } from './api.ts';
import { lessonStartOf } from './history.ts';

/** The "Historique" tab: the file's timeline, newest first, page after page. */
export function HistoryPanel({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const history = useCursorList(historyKey(studentId), (cursor) =>
    unwrap(api.GET('/api/v1/students/{id}/history', { params: { path: { id: studentId }, query: { limit: 50, cursor } } })),
  );

  return (
    <Card withBorder padding="lg">
      <Title order={2} size="h3" mb="md">
        {t('students.history.title')}
      </Title>
      {history.isPending ? (
        <PageLoader />
      ) : history.isError ? (
        <LoadError error={history.error} onRetry={() => void history.refetch()} />
      ) : history.items.length === 0 ? (
        <Text c="dimmed">{t('students.history.empty')}</Text>
      ) : (
        <Timeline bulletSize={14} lineWidth={2} active={-1} data-testid="history" component="ol" style={{ listStyle: 'none', paddingInlineStart: 0 }}>
          {history.items.map((item) => {
            const lessonStart = lessonStartOf(item);
            const title = lessonStart ? t('students.history.lessonAt', { label: item.label, when: formatMoment(lessonStart, zone) }) : item.label;
            return (
              <Timeline.Item key={item.id} title={title} component="li">
                <Text size="sm" c="dimmed">
                  <time dateTime={item.at}>{formatDateTime(item.at, zone)}</time>
                  {' · '}
                  {item.actor_name ? t('students.history.by', { name: item.actor_name }) : t('students.history.system')}
                </Text>
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      {history.hasNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            {t('students.loadMore')}
          </Button>
        </Group>
      )}
    </Card>
  );
}
