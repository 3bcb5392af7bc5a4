/**
 * The instructor's home: the day's lessons (the next one first, then those already over) and the minutes of the
 * week (planned, done or missed; cancellations left out), as the server counts them (GET /instructors/{id}/stats).
 */
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useCurrentSession } from '../../api/session.ts';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { addDays } from '../../lib/holidays.ts';
import { useNow } from '../../lib/useNow.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { LoadError } from '../../shell/LoadError.tsx';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { usePlanningData } from './data.ts';
import { LessonAgenda } from './LessonAgenda.tsx';
import { LESSONS_KEY, useLessonsOfDays } from './queries.ts';
import { mondayOf } from './time.ts';

export function InstructorDay({ instructorId }: { instructorId: string }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const timeZone = session.tenant.timezone;
  const today = todayIn(timeZone);
  const now = useNow();
  const data = usePlanningData(session.role);
  const day = useLessonsOfDays(today, 1, timeZone);
  const lessons = day.data ?? [];
  // The next one first: those not over yet, in time order, then those already over.
  const ordered = [...lessons.filter((l) => Date.parse(l.ends_at) > now), ...lessons.filter((l) => Date.parse(l.ends_at) <= now)];

  const monday = mondayOf(today);
  const sunday = addDays(monday, 6);
  const stats = useQuery({
    queryKey: [...LESSONS_KEY, 'instructor-stats', instructorId, monday],
    queryFn: () =>
      unwrap(api.GET('/api/v1/instructors/{id}/stats', { params: { path: { id: instructorId }, query: { from: monday, to: sunday } } })),
    staleTime: 60_000,
  });
  const total = stats.data?.total;
  const weekMinutes = total ? total.planned + total.done + total.no_show : 0;

  return (
    <>
      <Card withBorder padding="lg" component="section" aria-labelledby="my-day-title" data-testid="my-day">
        <Group justify="space-between" mb="md" gap="sm">
          <Title order={2} size="h3" id="my-day-title">
            {t('home.myDay')}
          </Title>
          <Button variant="light" component={Link} to={`/mon-planning?vue=jour&date=${today}`}>
            {t('home.openPlanning')}
          </Button>
        </Group>
        {day.isPending || !data.ready ? (
          <PageLoader />
        ) : day.isError ? (
          <LoadError error={day.error} onRetry={() => void day.refetch()} />
        ) : ordered.length === 0 ? (
          <Text c="dimmed">{t('home.dayEmpty')}</Text>
        ) : (
          <LessonAgenda
            lessons={ordered}
            data={data}
            role={session.role}
            timeZone={timeZone}
            label={t('home.myDay')}
            linkTo={(lesson) => `/mon-planning?vue=jour&date=${today}&seance=${lesson.id}`}
            now={now}
          />
        )}
      </Card>
      <Card withBorder padding="lg" component="section" aria-labelledby="my-week-title" data-testid="my-week">
        <Title order={2} size="h3" id="my-week-title" mb="xs">
          {t('home.myWeek')}
        </Title>
        {stats.isPending ? (
          <PageLoader />
        ) : stats.isError ? (
          <LoadError error={stats.error} onRetry={() => void stats.refetch()} />
        ) : (
          <Stack gap={4}>
            <Text size="xl" fw={700} data-testid="week-minutes">
              {formatMinutes(weekMinutes)}
            </Text>
            <Text size="sm" c="dimmed">
              {t('home.weekHint', { from: formatCalendarDate(monday), to: formatCalendarDate(sunday) })}
            </Text>
          </Stack>
        )}
      </Card>
    </>
  );
}
