import { Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { historyKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatDateTime, formatMoment } from '../../lib/format.ts';
import { useCursorList } from '../../lib/useCursorList.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { lessonStartOf } from './history.ts';

/** The "Historique" tab: the file's timeline, newest first, page after page. */
export function HistoryPanel({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const history = useCursorList(historyKey(studentId), (cursor) =>
    unwrap(api.GET('/api/v1/students/{id}/history', { params: { path: { id: studentId }, query: { limit: 50, cursor } } })),
  );

  return (
    <SectionCard title={t('students.history.title')}>
      <QueryView query={history} empty={t('students.history.empty')} moreLabel={t('students.loadMore')}>
        {(items) => (
          <Timeline bulletSize={14} lineWidth={2} active={-1} data-testid="history" component="ol" style={{ listStyle: 'none', paddingInlineStart: 0 }}>
            {items.map((item) => {
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
      </QueryView>
    </SectionCard>
  );
}
