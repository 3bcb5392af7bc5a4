import { useMemo } from 'react';
import { Anchor, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { hoursKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import type { Child } from '../../lib/guardian.ts';
import { useNow } from '../../lib/useNow.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { usePlanningData } from '../planning/data.ts';
import { LessonAgenda } from '../planning/LessonAgenda.tsx';
import { UPCOMING_WEEKS, useLessonsOfDays } from '../planning/queries.ts';
import { dayOf } from '../planning/time.ts';

/** How many of the next lessons the home page lists (the planning has them all). */
const SHOWN = 3;
const FIGURES = [
  { key: 'remaining', field: 'remaining_minutes' },
  { key: 'scheduled', field: 'scheduled_minutes' },
  { key: 'bookable', field: 'bookable_minutes' },
] as const;

/** A guardian's home page: the next lessons of the child they follow, and the child's hours. */
export function ChildHome({ child }: { child: Child }) {
  return (
    <Stack gap="lg" maw={640}>
      <UpcomingLessons child={child} />
      <ChildHours child={child} />
    </Stack>
  );
}

function UpcomingLessons({ child }: { child: Child }) {
  const { t } = useTranslation();
  const timeZone = useCurrentSession().tenant.timezone;
  const today = todayIn(timeZone);
  const now = useNow();
  const data = usePlanningData();
  const lessons = useLessonsOfDays(today, UPCOMING_WEEKS * 7, timeZone);
  const title = t('guardians.home.upcoming', { name: child.first_name });
  return (
    <SectionCard title={title} data-testid="child-upcoming">
      <QueryView query={lessons}>
        {(all) => {
          const next = all.filter((l) => Date.parse(l.ends_at) > now && l.status === 'planned').slice(0, SHOWN);
          return (
            <Stack gap="sm">
              {next.length === 0 ? (
                <Text c="dimmed">{t('guardians.home.upcomingEmpty', { count: UPCOMING_WEEKS })}</Text>
              ) : (
                <NextLessons lessons={next} data={data} timeZone={timeZone} label={t('guardians.home.upcomingLabel', { name: child.first_name })} now={now} />
              )}
              <Anchor component={Link} to="/mon-planning">
                {t('guardians.home.openPlanning')}
              </Anchor>
            </Stack>
          );
        }}
      </QueryView>
    </SectionCard>
  );
}

function NextLessons({
  lessons,
  data,
  timeZone,
  label,
  now,
}: {
  lessons: Parameters<typeof LessonAgenda>[0]['lessons'];
  data: ReturnType<typeof usePlanningData>;
  timeZone: string;
  label: string;
  now: number;
}) {
  const linkTo = useMemo(
    () => (lesson: { id: string; starts_at: string }) => `/mon-planning?seance=${encodeURIComponent(lesson.id)}&date=${dayOf(lesson.starts_at, timeZone)}`,
    [timeZone],
  );
  // Read as the student reads their own ("avec Julien Moreau"): the guardian reads the child's lessons.
  return <LessonAgenda lessons={lessons} data={data} role="STUDENT" timeZone={timeZone} label={label} linkTo={linkTo} now={now} />;
}

function ChildHours({ child }: { child: Child }) {
  const { t } = useTranslation();
  const hours = useQuery({
    queryKey: hoursKey(child.id),
    queryFn: () => unwrap(api.GET('/api/v1/students/{id}/hours', { params: { path: { id: child.id } } })),
  });
  return (
    <SectionCard title={t('guardians.home.hours', { name: child.first_name })} data-testid="child-hours">
      <QueryView query={hours}>
        {(data) => (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 2, xs: 3 }} spacing="sm">
              {FIGURES.map(({ key, field }) => (
                <Paper key={key} component="dl" withBorder p="sm" radius="md" m={0} data-testid={`child-hours-${key}`}>
                  <Text component="dt" size="sm" c="dimmed">
                    {t(`students.hours.${key}`)}
                  </Text>
                  <Text component="dd" m={0} fw={700} size="lg" c={data[field] < 0 ? 'red.8' : undefined}>
                    {formatMinutes(data[field])}
                  </Text>
                </Paper>
              ))}
            </SimpleGrid>
            <Anchor component={Link} to="/mes-heures">
              {t('guardians.home.openHours')}
            </Anchor>
          </Stack>
        )}
      </QueryView>
    </SectionCard>
  );
}
