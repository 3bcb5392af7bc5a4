/**
 * Lessons as a list of cards, by day, the next one first: "À venir" of a phone's planning, the instructor's day
 * on their home page. Each card says when, what, with whom and where to meet.
 */
import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { Badge, Card, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Role } from '../../api/client.ts';
import { ColourDot } from '../../components/ColourDot.tsx';
import { formatHour } from '../../lib/format.ts';
import { addDays } from '../../lib/holidays.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { PendingBadge } from '../../offline/PendingBadge.tsx';
import { useOutboxEntries } from '../../offline/runtime.ts';
import type { PlanningData } from './data.ts';
import { dayOf } from './time.ts';
import type { Lesson } from './types.ts';

/** A calendar day, formatted at noon UTC in UTC (no zone can move it to another day): "mardi 8 décembre". */
const DAY_FORMAT = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const dayName = (day: string): string => DAY_FORMAT.format(new Date(`${day}T12:00:00Z`));
const capitalised = (text: string): string => text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);

export interface LessonAgendaProps {
  lessons: readonly Lesson[];
  data: PlanningData;
  role: Role;
  timeZone: string;
  /** The list's accessible name. */
  label: string;
  /** Opens a lesson (its panel), or… */
  onOpen?: (lesson: Lesson) => void;
  /** …links each lesson to a page. */
  linkTo?: (lesson: Lesson) => string;
  /** Marks the first lesson not yet ended as "Prochaine séance". */
  now?: number;
  'data-testid'?: string;
}

/** Who the lesson is with, from the caller's side: the instructor for a student, the student(s) otherwise. */
function withWhom(lesson: Lesson, data: PlanningData, role: Role, t: TFunction): string {
  if (role === 'STUDENT') {
    const instructor = lesson.instructor_id ? data.instructorInfo.get(lesson.instructor_id) : undefined;
    return instructor ? t('planning.agenda.withInstructor', { name: instructor.name }) : '';
  }
  switch (lesson.kind) {
    case 'driving':
    case 'evaluation':
      return lesson.student_id ? (data.studentNames.get(lesson.student_id) ?? t('planning.event.student')) : '';
    case 'code':
      return t('planning.event.attendees', { count: lesson.attendee_ids.length });
    case 'exam':
      return t('planning.event.candidates', { count: lesson.attendee_ids.length });
    case 'unavailability':
      return lesson.block_reason ? t(`planning.blockReasons.${lesson.block_reason}`) : '';
  }
}

export function LessonAgenda({ lessons, data, role, timeZone, label, onOpen, linkTo, now, 'data-testid': testId }: LessonAgendaProps) {
  const { t } = useTranslation();
  const today = todayIn(timeZone);
  const tomorrow = addDays(today, 1);
  // An instructor's lessons marked without network, not yet accepted by the server.
  const outbox = useOutboxEntries();
  const nextId = now === undefined ? null : (lessons.find((l) => Date.parse(l.ends_at) > now && l.status === 'planned')?.id ?? null);
  const days: { day: string; lessons: Lesson[] }[] = [];
  for (const lesson of lessons) {
    const day = dayOf(lesson.starts_at, timeZone);
    const last = days[days.length - 1];
    if (last?.day === day) last.lessons.push(lesson);
    else days.push({ day, lessons: [lesson] });
  }

  const pendingEntry = (lesson: Lesson): ReactNode => {
    const entry = outbox.find((e) => e.lessonId === lesson.id);
    return entry ? <PendingBadge entry={entry} /> : null;
  };

  const card = (lesson: Lesson): ReactNode => {
    const instructor = lesson.instructor_id ? data.instructorInfo.get(lesson.instructor_id) : undefined;
    const who = withWhom(lesson, data, role, t);
    const content = (
      <Card withBorder padding="sm" radius="md" style={lesson.id === nextId ? { borderColor: 'var(--mantine-color-blue-6)', borderWidth: 2 } : undefined}>
        <Stack gap={4}>
          <Group gap="xs" justify="space-between" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              {instructor && <ColourDot colour={instructor.colour} size={10} />}
              <Text fw={700}>
                {t('planning.agenda.span', { start: formatHour(lesson.starts_at, timeZone), end: formatHour(lesson.ends_at, timeZone) })}
              </Text>
            </Group>
            <Group gap={4} wrap="nowrap">
              {lesson.id === nextId && (
                <Badge color="blue" variant="filled" style={{ minWidth: 'max-content' }}>
                  {t('planning.agenda.next')}
                </Badge>
              )}
              {pendingEntry(lesson) ?? (lesson.status !== 'planned' && (
                <Badge color="gray" variant="light" style={{ minWidth: 'max-content' }}>
                  {t(`planning.statuses.${lesson.status}`)}
                </Badge>
              ))}
            </Group>
          </Group>
          <Text size="sm">
            {t(`planning.kinds.${lesson.kind}`)}
            {who && ` · ${who}`}
          </Text>
          {lesson.meeting_point && (
            <Text size="sm" c="dimmed">
              {t('planning.agenda.meetingPoint', { place: lesson.meeting_point })}
            </Text>
          )}
        </Stack>
      </Card>
    );
    if (linkTo) {
      return (
        <UnstyledButton component={Link} to={linkTo(lesson)} display="block" w="100%">
          {content}
        </UnstyledButton>
      );
    }
    if (onOpen) {
      return (
        <UnstyledButton onClick={() => onOpen(lesson)} display="block" w="100%">
          {content}
        </UnstyledButton>
      );
    }
    return content;
  };

  return (
    <Stack gap="md" data-testid={testId} aria-label={label} role="region">
      {days.map(({ day, lessons: ofDay }) => {
        const name = dayName(day);
        const title =
          day === today ? t('planning.agenda.today', { day: name }) : day === tomorrow ? t('planning.agenda.tomorrow', { day: name }) : capitalised(name);
        return (
          <Stack gap="xs" key={day} component="section" aria-label={title}>
            <Title order={2} size="h5">
              {title}
            </Title>
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {ofDay.map((lesson) => (
                <li key={lesson.id} data-testid="agenda-lesson" data-lesson-id={lesson.id}>
                  {card(lesson)}
                </li>
              ))}
            </Stack>
          </Stack>
        );
      })}
    </Stack>
  );
}
