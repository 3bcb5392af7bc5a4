/**
 * The instructor's home: the lessons of yesterday still to mark, the day's lessons (the next one first, then those
 * already over), tomorrow's, and the minutes of the week (planned, done or missed; cancellations left out), as the
 * server counts them (GET /instructors/{id}/stats). A lesson opens in its panel right here, so that the day works
 * without network too: its lessons, names and the booklets of its students are kept in the browser (offline/), and a
 * lesson marked done or absent offline waits in the outbox, shown "en attente d'envoi".
 */
import { useEffect, useMemo, useState } from 'react';
import { Button, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { bookletKey, instructorStatsKey, studentKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { addDays } from '../../lib/holidays.ts';
import { useNow } from '../../lib/useNow.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { useOnline, useOutboxEntries } from '../../offline/runtime.ts';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { usePlanningData } from './data.ts';
import { LessonAgenda } from './LessonAgenda.tsx';
import { LessonDrawer } from './LessonDrawer.tsx';
import { useLessonsOfDays } from './queries.ts';
import { dayOf, mondayOf } from './time.ts';
import type { Lesson } from './types.ts';

const NO_LESSONS: Lesson[] = [];

export function InstructorDay({ instructorId }: { instructorId: string }) {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const timeZone = session.tenant.timezone;
  const today = todayIn(timeZone);
  const yesterday = addDays(today, -1);
  const tomorrow = addDays(today, 1);
  const now = useNow();
  const data = usePlanningData();
  // Yesterday, today and tomorrow in one request: what the phone keeps for a day without network.
  const days = useLessonsOfDays(yesterday, 3, timeZone);
  const [openId, setOpenId] = useState<string | null>(null);
  const waiting = useOutboxEntries();

  const lessons = days.data ?? NO_LESSONS;
  const ofDay = (day: string) => lessons.filter((l) => dayOf(l.starts_at, timeZone) === day);
  const todays = ofDay(today);
  const waitingIds = new Set(waiting.map((e) => e.lessonId));
  // Yesterday's lessons nobody marked yet (or marked here and not yet sent).
  const toMark = ofDay(yesterday).filter((l) => (l.status === 'planned' && l.kind !== 'unavailability') || waitingIds.has(l.id));
  const tomorrows = ofDay(tomorrow);
  // Today's part of the three days; what was loaded stays shown when a refresh fails (no network).
  const dayQuery = {
    isPending: days.isPending,
    isError: days.isError && days.data === undefined,
    error: days.error,
    data: days.data === undefined ? undefined : todays,
    refetch: () => void days.refetch(),
  };
  useKeepStudentsForTheDay(lessons);

  const monday = mondayOf(today);
  const sunday = addDays(monday, 6);
  const stats = useQuery({
    queryKey: instructorStatsKey(instructorId, monday),
    queryFn: () =>
      unwrap(api.GET('/api/v1/instructors/{id}/stats', { params: { path: { id: instructorId }, query: { from: monday, to: sunday } } })),
    staleTime: 60_000,
  });

  const agenda = (list: readonly Lesson[], label: string, testId?: string) =>
    // The names of the instructors, students and cars come with the planning's data.
    data.ready ? (
      <LessonAgenda lessons={list} data={data} role={session.role} timeZone={timeZone} label={label} onOpen={(l) => setOpenId(l.id)} now={now} data-testid={testId} />
    ) : (
      <PageLoader />
    );

  return (
    <>
      {toMark.length > 0 && (
        <SectionCard title={t('offline.toMark')} data-testid="to-mark">
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {t('offline.toMarkHint')}
            </Text>
            {agenda(toMark, t('offline.toMark'))}
          </Stack>
        </SectionCard>
      )}
      <SectionCard
        title={t('home.myDay')}
        data-testid="my-day"
        actions={
          <Button variant="light" component={Link} to={`/mon-planning?vue=jour&date=${today}`}>
            {t('home.openPlanning')}
          </Button>
        }
      >
        <QueryView query={dayQuery} empty={t('home.dayEmpty')}>
          {(list) => agenda(nextFirst(list, now), t('home.myDay'))}
        </QueryView>
      </SectionCard>
      {days.data !== undefined && (
        <SectionCard title={t('offline.tomorrow')} data-testid="tomorrow">
          {tomorrows.length === 0 ? <Text c="dimmed">{t('offline.tomorrowEmpty')}</Text> : agenda(tomorrows, t('offline.tomorrow'))}
        </SectionCard>
      )}
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
      <LessonDrawer
        lessonId={openId}
        lesson={openId ? lessons.find((l) => l.id === openId) : undefined}
        onClose={() => setOpenId(null)}
        onEdit={() => undefined}
        data={data}
        role={session.role}
        timeZone={timeZone}
      />
    </>
  );
}

/**
 * Fetches, while online, what marking a lesson of these days needs: each student's booklet (the evaluations of a
 * completion) and file (the phone number). They are then kept with the day (offline/persist.ts).
 */
function useKeepStudentsForTheDay(lessons: readonly Lesson[]): void {
  const queryClient = useQueryClient();
  const online = useOnline();
  const ids = useMemo(
    () => [...new Set(lessons.flatMap((l) => (l.kind === 'driving' && l.student_id && l.status !== 'cancelled' ? [l.student_id] : [])))].sort().join(','),
    [lessons],
  );
  useEffect(() => {
    if (!online || ids === '') return;
    for (const id of ids.split(',')) {
      void queryClient
        .query({
        queryKey: bookletKey(id),
        queryFn: () => unwrap(api.GET('/api/v1/students/{id}/booklet', { params: { path: { id } } })),
        staleTime: 5 * 60_000,
      })
        .catch(() => undefined);
      void queryClient
        .query({
        queryKey: studentKey(id),
        queryFn: () => unwrap(api.GET('/api/v1/students/{id}', { params: { path: { id } } })),
        staleTime: 5 * 60_000,
      })
        .catch(() => undefined);
    }
  }, [ids, online, queryClient]);
}

/** The next lesson first: those not over yet, in time order, then those already over. */
function nextFirst(lessons: readonly Lesson[], now: number): Lesson[] {
  return [...lessons.filter((l) => Date.parse(l.ends_at) > now), ...lessons.filter((l) => Date.parse(l.ends_at) <= now)];
}
