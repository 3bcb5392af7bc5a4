import { Anchor, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AnalyticsFilters } from '../../api/keys.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { useInstructorFigures, type InstructorFigures } from './api.ts';
import { ExportButton, OverbookedBadge } from './parts.tsx';
import { formatRate } from './period.ts';

/**
 * "Moniteurs" (ADMIN): each instructor's lessons and hours done, no-shows and cancellations, their busiest week
 * ("Surchargé" past the legal 35 hours) and their first-attempt practical pass rate; the name opens their file.
 */
export function InstructorsCard({ filters }: { filters: AnalyticsFilters }) {
  const { t } = useTranslation();
  const figures = useInstructorFigures(filters);
  const count = (n: number) => n.toLocaleString('fr-FR');
  return (
    <SectionCard title={t('analytics.instructors.title')} hint={t('analytics.instructors.hint')} data-testid="instructors" actions={<ExportButton report="instructors" filters={filters} />}>
      <QueryView query={figures} empty={t('analytics.instructors.empty')}>
        {(rows) => (
          <ResponsiveTable<InstructorFigures>
            rows={rows}
            rowKey={(row) => row.instructor_id}
            rowProps={(row) => ({ 'data-testid': 'instructor-figures', 'data-overbooked': String(row.overbooked) })}
            minWidth={860}
            label={t('analytics.instructors.list')}
            busy={figures.isFetching}
            columns={[
              {
                key: 'name',
                header: t('analytics.instructors.columns.name'),
                primary: true,
                cell: (row) => (
                  <Anchor component={Link} to={`/moniteurs/${row.instructor_id}`} fw={600}>
                    {row.name}
                  </Anchor>
                ),
              },
              { key: 'lessons', header: t('analytics.instructors.columns.lessons'), align: 'right', cell: (row) => count(row.lessons_done) },
              { key: 'hours', header: t('analytics.instructors.columns.hours'), align: 'right', nowrap: true, cell: (row) => formatMinutes(row.minutes_done) },
              { key: 'noShows', header: t('analytics.instructors.columns.noShows'), align: 'right', cell: (row) => count(row.no_shows) },
              { key: 'cancellations', header: t('analytics.instructors.columns.cancellations'), align: 'right', cell: (row) => count(row.cancellations) },
              {
                key: 'busiest',
                header: t('analytics.instructors.columns.busiest'),
                cell: (row) => (
                  <Group gap="xs" wrap="wrap">
                    <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {formatMinutes(row.busiest_week_minutes)}
                    </Text>
                    {row.overbooked && <OverbookedBadge />}
                  </Group>
                ),
              },
              {
                key: 'passRate',
                header: t('analytics.instructors.columns.passRate'),
                nowrap: true,
                cell: (row) => {
                  const rate = formatRate(row.practical_first_attempt.rate_bp);
                  if (rate === null) return t('analytics.none');
                  const { passed, attempts } = row.practical_first_attempt;
                  return `${rate} (${t('analytics.instructors.passDetail', { passed, attempts })})`;
                },
              },
            ]}
          />
        )}
      </QueryView>
    </SectionCard>
  );
}
