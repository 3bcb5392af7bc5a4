import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { useInstructorFigures } from './api.ts';
import { FigureItem, FigureList, OverbookedBadge } from './parts.tsx';
import { presetPeriod } from './period.ts';

/**
 * "Mes statistiques" on an instructor's home: this month's lessons and hours done, their students' no-shows and their
 * busiest week (the server sends only the instructor's own row).
 */
export function MyFiguresCard() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const month = presetPeriod('ce-mois', todayIn(zone));
  const figures = useInstructorFigures({ ...month, agency: null });
  return (
    <SectionCard
      title={t('analytics.mine.title')}
      hint={t('analytics.mine.hint', { from: formatCalendarDate(month.from), to: formatCalendarDate(month.to) })}
      data-testid="my-figures"
    >
      <QueryView query={figures} empty={t('analytics.mine.empty')}>
        {(rows) => {
          const mine = rows[0];
          if (!mine) return null;
          return (
            <FigureList cols={4}>
              <FigureItem label={t('analytics.mine.lessons')} value={mine.lessons_done.toLocaleString('fr-FR')} testId="my-lessons" />
              <FigureItem label={t('analytics.mine.hours')} value={formatMinutes(mine.minutes_done)} testId="my-hours" />
              <FigureItem label={t('analytics.mine.noShows')} value={mine.no_shows.toLocaleString('fr-FR')} testId="my-no-shows" />
              <FigureItem
                label={t('analytics.mine.busiest')}
                value={
                  <Group component="span" gap="xs" wrap="wrap">
                    <Text span inherit>
                      {formatMinutes(mine.busiest_week_minutes)}
                    </Text>
                    {mine.overbooked && <OverbookedBadge />}
                  </Group>
                }
                testId="my-busiest"
              />
            </FigureList>
          );
        }}
      </QueryView>
    </SectionCard>
  );
}
