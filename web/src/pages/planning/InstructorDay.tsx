/**
 * The instructor's home: the day's lessons (the next one first, then those already over) and the minutes of the
 * week (planned, done or missed; cancellations left out), as the server counts them (GET /instructors/{id}/stats).
 */
import { Button, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { instructorStatsKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { addDays } from '../../lib/holidays.ts';
import { useNow } from '../../lib/useNow.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { usePlanningData } from './data.ts';
import { LessonAgenda } from './LessonAgenda.tsx';
import { useLessonsOfDays } from './queries.ts';
import { mondayOf } from './time.ts';
import type { Lesson } from './types.ts';

export function InstructorDay({ instructorId }: { instructorId: string }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const timeZone = session.tenant.timezone;
  const today = todayIn(timeZone);
  const now = useNow();
  const data = usePlanningData();
  const day = useLessonsOfDays(today, 1, timeZone);

  const monday = mondayOf(today);
  const sunday = addDays(monday, 6);
  const stats = useQuery({
    queryKey: instructorStatsKey(instructorId, monday),
    queryFn: () =>
      unwrap(api.GET('/api/v1/instructors/{id}/stats', { params: { path: { id: instructorId }, query: { from: monday, to: sunday } } })),
    staleTime: 60_000,
  });

  return (
    <>
      <SectionCard
        title={t('home.myDay')}
        data-testid="my-day"
        actions={
          <Button variant="light" component={Link} to={`/mon-planning?vue=jour&date=${today}`}>
            {t('home.openPlanning')}
          </Button>
        }
      >
        <QueryView query={day} empty={t('home.dayEmpty')}>
          {(lessons) =>
            // The names of the instructors, students and cars come with the planning's data.
            data.ready ? (
              <LessonAgenda
                lessons={nextFirst(lessons, now)}
                data={data}
                role={session.role}
                timeZone={timeZone}
                label={t('home.myDay')}
                linkTo={(lesson) => `/mon-planning?vue=jour&date=${today}&seance=${lesson.id}`}
                now={now}
              />
            ) : (
              <PageLoader />
            )
          }
        </QueryView>
      </SectionCard>
      <SectionCard title={t('home.myWeek')} data-testid="my-week">
        <QueryView query={stats}>
          {({ total }) => (
            <Stack gap={4}>
              <Text size="xl" fw={700} data-testid="week-minutes">
                {formatMinutes(total.planned + total.done + total.no_show)}
              </Text>
              <Text size="sm" c="dimmed">
                {t('home.weekHint', { from: formatCalendarDate(monday), to: formatCalendarDate(sunday) })}
              </Text>
            </Stack>
          )}
        </QueryView>
      </SectionCard>
    </>
  );
}

/** The next lesson first: those not over yet, in time order, then those already over. */
function nextFirst(lessons: readonly Lesson[], now: number): Lesson[] {
  return [...lessons.filter((l) => Date.parse(l.ends_at) > now), ...lessons.filter((l) => Date.parse(l.ends_at) <= now)];
}
