import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { EXAMS_KEY, examListKey } from '../../api/keys.ts';
import { ApiError, errorMessage } from '../../api/problem.ts';
import { useInstructorOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { notifySuccess } from '../../lib/notify.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { dayStartInstant, timeOf } from '../planning/time.ts';
import { EXAM_RESULTS, fetchAllExams, invalidateAfterExam, useExamVehicles, type Exam, type ExamUpdate } from './api.ts';
import { ResultBadge } from './ExamTable.tsx';
import {
  SCORE_RULES,
  checkRow,
  formatDay,
  groupByDay,
  resultPatch,
  rowOf,
  scoreText,
  takesEliminatory,
  takesExcuse,
  takesScore,
  type ExamDay,
  type ResultRow,
} from './logic.ts';
import { ScrollTable } from '../../components/ScrollTable.tsx';

/**
 * "À venir": the exams from today on, by day, and before them the past exams whose result is still to enter. Each
 * day lists all its candidates and opens a results entry for the whole day.
 */
export function UpcomingExams() {
  const zone = useCurrentSession().tenant.timezone;
  const todayStart = dayStartInstant(todayIn(zone), zone);
  const upcoming = useQuery({
    queryKey: examListKey({ from: todayStart }),
    queryFn: () => fetchAllExams({ from: todayStart }),
  });
  const toComplete = useQuery({
    queryKey: examListKey({ to: todayStart, result: 'pending' }),
    queryFn: () => fetchAllExams({ to: todayStart, result: 'pending' }),
  });
  const names = { instructors: useInstructorOptions().names, vehicles: useExamVehicles(true).plates };

  return (
    <QueryView query={toComplete}>
      {(pending) => (
        <QueryView query={upcoming}>
          {(future) => <ExamDays late={groupByDay(pending, zone)} days={groupByDay(future, zone)} names={names} />}
        </QueryView>
      )}
    </QueryView>
  );
}

function ExamDays({ late, days, names }: { late: ExamDay<Exam>[]; days: ExamDay<Exam>[]; names: Names }) {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      {late.length > 0 && (
        <Stack gap="sm" data-testid="results-to-enter">
          <div>
            <Title order={2} size="h3">
              {t('exams.upcoming.toComplete')}
            </Title>
            <Text c="dimmed" size="sm">
              {t('exams.upcoming.toCompleteHint')}
            </Text>
          </div>
          {late.map((day) => (
            <DayCard key={day.day} day={day} names={names} />
          ))}
        </Stack>
      )}
      {days.length === 0 ? (
        <Text c="dimmed">{t('exams.upcoming.empty')}</Text>
      ) : (
        days.map((day) => <DayCard key={day.day} day={day} names={names} />)
      )}
    </Stack>
  );
}

interface Names {
  instructors: ReadonlyMap<string, string>;
  vehicles: ReadonlyMap<string, string>;
}

function accompaniment(exam: Exam, names: Names): string | null {
  const who = [exam.instructor_id && names.instructors.get(exam.instructor_id), exam.vehicle_id && names.vehicles.get(exam.vehicle_id)].filter(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  return who.length > 0 ? who.join(' · ') : null;
}

function DayCard({ day, names }: { day: ExamDay<Exam>; names: Names }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [entering, setEntering] = useState(false);
  const label = formatDay(day.day);
  // In a sentence ("Saisir les résultats du mardi 1 décembre 2026").
  const spoken = label.charAt(0).toLowerCase() + label.slice(1);
  const headingId = `exam-day-${day.day}`;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId} data-testid={`exam-day-${day.day}`}>
      <Group justify="space-between" mb="sm" gap="sm">
        <div>
          <Title order={3} size="h4" id={headingId}>
            {label}
          </Title>
          <Text size="sm" c="dimmed">
            {t('exams.upcoming.candidates', { count: day.items.length })}
          </Text>
        </div>
        <Button
          variant={entering ? 'default' : 'light'}
          onClick={() => setEntering((v) => !v)}
          aria-label={entering ? undefined : t('exams.upcoming.enterResultsOf', { day: spoken })}
          aria-expanded={entering}
        >
          {entering ? t('exams.upcoming.closeResults') : t('exams.upcoming.enterResults')}
        </Button>
      </Group>
      {entering ? (
        <ResultsEntry day={day} label={spoken} onClose={() => setEntering(false)} />
      ) : (
        <ScrollTable label={spoken} minWidth={640}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('exams.upcoming.time')}</Table.Th>
                <Table.Th scope="col">{t('exams.history.student')}</Table.Th>
                <Table.Th scope="col">{t('exams.history.kind')}</Table.Th>
                <Table.Th scope="col">{t('exams.history.centre')}</Table.Th>
                <Table.Th scope="col">{t('exams.history.result')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {day.items.map((exam) => {
                const with_ = accompaniment(exam, names);
                const score = scoreText(exam, t);
                return (
                  <Table.Tr key={exam.id} data-testid={`exam-${exam.id}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{timeOf(exam.scheduled_at, zone)}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/eleves/${exam.student_id}?onglet=examens`}>
                        {exam.student_name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {t(`exams.kinds.${exam.kind}`)}
                      {with_ && (
                        <Text size="xs" c="dimmed">
                          {t('exams.upcoming.accompaniment', { who: with_ })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{exam.centre ?? t('common.none')}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <ResultBadge result={exam.result} />
                        {score && <Text size="sm">{score}</Text>}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Card>
  );
}

/** A copy of a record without one key. */
function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a plain record keyed by exam id
  delete copy[key];
  return copy;
}

type Outcome = { state: 'saved' } | { state: 'error'; message: string; stale: boolean };

/** The results of a whole day: one row per candidate, saved with PATCH and the `version` read. */
function ResultsEntry({ day, label, onClose }: { day: ExamDay<Exam>; label: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<Record<string, ResultRow>>(() => Object.fromEntries(day.items.map((e) => [e.id, rowOf(e)])));
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const rowFor = (exam: Exam): ResultRow => rows[exam.id] ?? rowOf(exam);
  const update = (exam: Exam, patch: Partial<ResultRow>) => {
    setRows((all) => ({ ...all, [exam.id]: { ...rowFor(exam), ...patch } }));
    setOutcomes((all) => without(all, exam.id));
    setProblems((all) => without(all, exam.id));
    setNotice(null);
  };

  const reload = async (exam: Exam) => {
    await queryClient.invalidateQueries({ queryKey: EXAMS_KEY });
    const fresh = await unwrap(api.GET('/api/v1/exams/{id}', { params: { path: { id: exam.id } } })).catch(() => null);
    if (fresh) setRows((all) => ({ ...all, [exam.id]: rowOf(fresh) }));
    setOutcomes((all) => without(all, exam.id));
  };

  const submit = async () => {
    const now = Date.now();
    const found: Record<string, string> = {};
    for (const exam of day.items) {
      const problem = checkRow(rowFor(exam), exam, now, t);
      if (problem && resultPatch(rowFor(exam), exam) !== null) found[exam.id] = problem.message;
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const changed = day.items.flatMap((exam) => {
      const patch = resultPatch(rowFor(exam), exam);
      return patch ? [{ exam, patch }] : [];
    });
    if (changed.length === 0) {
      setNotice(t('exams.upcoming.nothingChanged'));
      return;
    }
    setSaving(true);
    const next: Record<string, Outcome> = {};
    let saved = 0;
    for (const { exam, patch } of changed) {
      try {
        // PATCH is a merge patch: the result fields and the `version` read (the published schema omits `version`).
        const body = patch as unknown as ExamUpdate;
        await unwrap(api.PATCH('/api/v1/exams/{id}', { params: { path: { id: exam.id } }, body }));
        next[exam.id] = { state: 'saved' };
        saved += 1;
      } catch (error) {
        const stale = error instanceof ApiError && error.status === 412;
        next[exam.id] = { state: 'error', stale, message: stale ? t('exams.upcoming.stale') : errorMessage(error, t) };
      }
    }
    setOutcomes(next);
    setSaving(false);
    for (const studentId of new Set(changed.map((c) => c.exam.student_id))) invalidateAfterExam(queryClient, studentId);
    if (saved > 0) notifySuccess(t('exams.upcoming.saved', { count: saved }));
  };

  return (
    <form
      aria-label={t('exams.upcoming.resultsFormLabel', { day: label })}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      noValidate
    >
      <Stack gap="md">
        {day.items.map((exam) => {
          const row = rowFor(exam);
          const outcome = outcomes[exam.id];
          const problem = problems[exam.id];
          const { max } = SCORE_RULES[exam.kind];
          const name = exam.student_name;
          return (
            <fieldset
              key={exam.id}
              data-testid={`result-row-${exam.id}`}
              style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, padding: 12, margin: 0 }}
            >
              <legend style={{ padding: '0 4px', fontWeight: 600 }}>
                {name} · {t(`exams.kinds.${exam.kind}`)}
              </legend>
              <Group gap="sm" align="flex-end" wrap="wrap">
                <Select
                  label={t('exams.fields.result')}
                  data={EXAM_RESULTS.map((r) => ({ value: r, label: t(`exams.results.${r}`) }))}
                  value={row.result}
                  onChange={(v) => update(exam, { result: EXAM_RESULTS.find((r) => r === v) ?? row.result })}
                  allowDeselect={false}
                  comboboxProps={{ withinPortal: false }}
                  w={160}
                  error={problem !== undefined}
                />
                <NumberInput
                  label={t('exams.fields.scoreOf', { max })}
                  value={row.score}
                  onChange={(v) => update(exam, { score: v })}
                  min={0}
                  max={max}
                  allowDecimal={false}
                  allowNegative={false}
                  disabled={!takesScore(row.result)}
                  w={120}
                />
                {exam.kind === 'practical' && (
                  <Checkbox
                    label={t('exams.fields.eliminatory')}
                    checked={takesEliminatory(exam.kind, row.result) && row.eliminatory}
                    disabled={!takesEliminatory(exam.kind, row.result)}
                    onChange={(e) => update(exam, { eliminatory: e.currentTarget.checked })}
                    mb={8}
                  />
                )}
                <Checkbox
                  label={t('exams.excusedShort')}
                  checked={takesExcuse(row.result) && row.excused}
                  disabled={!takesExcuse(row.result)}
                  onChange={(e) => update(exam, { excused: e.currentTarget.checked })}
                  mb={8}
                />
              </Group>
              {problem && (
                <Text c="red.8" size="sm" mt={6} role="alert">
                  {problem}
                </Text>
              )}
              {outcome?.state === 'saved' && (
                <Badge color="green.9" variant="filled" tt="none" mt={8}>
                  {t('exams.upcoming.rowSaved')}
                </Badge>
              )}
              {outcome?.state === 'error' && (
                <Alert color={outcome.stale ? 'orange' : 'red'} mt={8} role="alert" p="xs">
                  <Group gap="sm" justify="space-between">
                    <Text size="sm">{outcome.message}</Text>
                    {outcome.stale && (
                      <Button size="xs" variant="light" onClick={() => void reload(exam)}>
                        {t('exams.upcoming.reload')}
                      </Button>
                    )}
                  </Group>
                </Alert>
              )}
            </fieldset>
          );
        })}
        {notice && (
          <Text size="sm" role="status">
            {notice}
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('exams.upcoming.closeResults')}
          </Button>
          <Button type="submit" loading={saving}>
            {t('exams.upcoming.saveResults')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
