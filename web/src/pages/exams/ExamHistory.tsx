import { useState } from 'react';
import { Card, Group, Select, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { examListKey } from '../../api/keys.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { addDays } from '../../lib/holidays.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { dayStartInstant } from '../planning/time.ts';
import { EXAM_KINDS, EXAM_RESULTS, fetchAllExams, type ExamKind, type ExamResult } from './api.ts';
import { ExamTable } from './ExamTable.tsx';

const PERIODS = ['3', '12', 'all'] as const;
type Period = (typeof PERIODS)[number];

/** "Historique": the past exams, newest first, filtered by test, result and period. */
export function ExamHistory() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [kind, setKind] = useState<ExamKind | null>(null);
  const [result, setResult] = useState<ExamResult | null>(null);
  const [period, setPeriod] = useState<Period>('12');
  const today = todayIn(zone);
  // Up to the start of today: today's exams are on "À venir".
  const to = dayStartInstant(today, zone);
  const from = period === 'all' ? undefined : dayStartInstant(addDays(today, -Math.round(Number(period) * 30.44)), zone);
  const filters = { to, from, kind: kind ?? undefined, result: result ?? undefined };
  const exams = useQuery({
    queryKey: examListKey({ ...filters, history: '1' }),
    queryFn: () => fetchAllExams(filters),
    placeholderData: keepPreviousData,
    // Newest first.
    select: (list) => [...list].reverse(),
  });

  return (
    <Card withBorder padding="lg">
      <Group mb="md" gap="sm" align="flex-end" wrap="wrap">
        <Select
          label={t('exams.history.filterKind')}
          placeholder={t('exams.history.all')}
          data={EXAM_KINDS.map((k) => ({ value: k, label: t(`exams.kinds.${k}`) }))}
          value={kind}
          onChange={(v) => setKind(EXAM_KINDS.find((k) => k === v) ?? null)}
          clearable
          w={200}
        />
        <Select
          label={t('exams.history.filterResult')}
          placeholder={t('exams.history.all')}
          data={EXAM_RESULTS.map((r) => ({ value: r, label: t(`exams.results.${r}`) }))}
          value={result}
          onChange={(v) => setResult(EXAM_RESULTS.find((r) => r === v) ?? null)}
          clearable
          w={200}
        />
        <Select
          label={t('exams.history.filterPeriod')}
          data={PERIODS.map((p) => ({ value: p, label: t(`exams.history.periods.${p}`) }))}
          value={period}
          onChange={(v) => setPeriod(PERIODS.find((p) => p === v) ?? '12')}
          allowDeselect={false}
          w={200}
        />
        {exams.data && (
          <Text size="sm" c="dimmed" role="status" mb={8}>
            {t('exams.history.count', { count: exams.data.length })}
          </Text>
        )}
      </Group>
      <QueryView query={exams} empty={t('exams.history.empty')}>
        {(items) => <ExamTable exams={items} studentBase="/eleves" testId="exam-history" />}
      </QueryView>
    </Card>
  );
}
