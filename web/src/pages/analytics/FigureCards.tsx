/**
 * The cards of "Statistiques" made of figures: pass rates, cancellations and no-shows, hours before the first
 * practical test, the students' funnel. Each figure is written out; the bars beside the shares only draw them.
 */
import { Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AnalyticsFilters } from '../../api/keys.ts';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import type { Overview, PassRates, Rate } from './api.ts';
import { ExportButton, FigureItem, FigureList, ShareBar } from './parts.tsx';
import { formatRate, shareBp } from './period.ts';

const EXAMS_HISTORY = '/examens?onglet=historique';

export function PassRatesCard({ overview, filters }: { overview: Overview; filters: AnalyticsFilters }) {
  const { t } = useTranslation();
  return (
    <SectionCard
      title={t('analytics.passRates.title')}
      hint={t('analytics.passRates.hint')}
      data-testid="pass-rates"
      actions={
        <Group gap="xs">
          <Button component={Link} to={EXAMS_HISTORY} variant="light" size="sm">
            {t('analytics.passRates.open')}
          </Button>
          <ExportButton report="pass_rates" filters={filters} />
        </Group>
      }
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <ExamRates title={t('analytics.passRates.theory')} rates={overview.theory} testId="theory" />
        <ExamRates title={t('analytics.passRates.practical')} rates={overview.practical} testId="practical" />
      </SimpleGrid>
    </SectionCard>
  );
}

function ExamRates({ title, rates, testId }: { title: string; rates: PassRates; testId: string }) {
  const { t } = useTranslation();
  const national = formatRate(rates.national_rate_bp);
  return (
    <Stack gap="xs" data-testid={testId}>
      <Title order={3} size="h5">
        {title}
      </Title>
      <RateFigure label={t('analytics.passRates.firstAttempt')} rate={rates.first_attempt} testId={`${testId}-first`} />
      <RateFigure label={t('analytics.passRates.overall')} rate={rates.overall} testId={`${testId}-overall`} />
      <Text size="sm" c="dimmed" data-testid={`${testId}-national`}>
        {national ? t('analytics.passRates.national', { rate: national }) : t('analytics.passRates.nationalUnknown')}
      </Text>
    </Stack>
  );
}

function RateFigure({ label, rate, testId }: { label: string; rate: Rate; testId: string }) {
  const { t } = useTranslation();
  const value = formatRate(rate.rate_bp);
  return (
    <FigureItem
      label={label}
      value={value ?? t('analytics.none')}
      detail={rate.attempts > 0 ? t('analytics.passRates.attempts', { count: rate.attempts, passed: rate.passed }) : t('analytics.passRates.none')}
      bar={<ShareBar bp={rate.rate_bp ?? null} color="teal.8" />}
      testId={testId}
    />
  );
}

export function AttendanceCard({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const a = overview.attendance;
  const count = (n: number) => n.toLocaleString('fr-FR');
  return (
    <SectionCard title={t('analytics.attendance.title')} hint={t('analytics.attendance.hint')} data-testid="attendance">
      <Stack gap="sm">
        <FigureList>
          <FigureItem
            label={t('analytics.attendance.cancellationRate')}
            value={formatRate(a.cancellation_rate_bp) ?? t('analytics.none')}
            detail={t('analytics.attendance.cancellationRateHint')}
            bar={<ShareBar bp={a.cancellation_rate_bp ?? null} color="orange.8" />}
            testId="cancellation-rate"
          />
          <FigureItem
            label={t('analytics.attendance.noShowRate')}
            value={formatRate(a.no_show_rate_bp) ?? t('analytics.none')}
            detail={t('analytics.attendance.noShowRateHint')}
            bar={<ShareBar bp={a.no_show_rate_bp ?? null} color="red.8" />}
            testId="no-show-rate"
          />
        </FigureList>
        <FigureList cols={3}>
          <FigureItem label={t('analytics.attendance.lessons')} value={count(a.lessons)} testId="lessons" />
          <FigureItem label={t('analytics.attendance.done')} value={count(a.done)} testId="lessons-done" />
          <FigureItem label={t('analytics.attendance.noShows')} value={count(a.no_shows)} testId="no-shows" />
          <FigureItem label={t('analytics.attendance.byStudent')} value={count(a.cancelled_by_student)} testId="cancelled-by-student" />
          <FigureItem label={t('analytics.attendance.bySchool')} value={count(a.cancelled_by_school)} testId="cancelled-by-school" />
        </FigureList>
      </Stack>
    </SectionCard>
  );
}

export function FirstExamCard({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const h = overview.hours_to_first_practical;
  return (
    <SectionCard
      title={t('analytics.firstExam.title')}
      hint={t('analytics.firstExam.hint')}
      data-testid="first-exam"
      actions={
        <Button component={Link} to={EXAMS_HISTORY} variant="light" size="sm">
          {t('analytics.passRates.open')}
        </Button>
      }
    >
      {h.students > 0 && h.average_minutes !== null && h.average_minutes !== undefined ? (
        <FigureList cols={1}>
          <FigureItem
            label={t('analytics.firstExam.average')}
            value={formatMinutes(h.average_minutes)}
            detail={t('analytics.firstExam.students', { count: h.students })}
            testId="first-exam-average"
          />
        </FigureList>
      ) : (
        <Text c="dimmed">{t('analytics.firstExam.none')}</Text>
      )}
    </SectionCard>
  );
}

export function FunnelCard({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const f = overview.funnel;
  const steps = [
    { key: 'registered', label: t('analytics.funnel.registered'), value: f.registered },
    { key: 'became-students', label: t('analytics.funnel.becameStudents'), value: f.became_students },
    { key: 'licensed', label: t('analytics.funnel.licensed'), value: f.licensed },
  ];
  return (
    <SectionCard
      title={t('analytics.funnel.title')}
      hint={t('analytics.funnel.hint')}
      data-testid="funnel"
      actions={
        <Button component={Link} to="/eleves" variant="light" size="sm">
          {t('analytics.funnel.open')}
        </Button>
      }
    >
      <Stack component="ol" gap="sm" m={0} p={0} aria-label={t('analytics.funnel.label')} style={{ listStyle: 'none' }}>
        {steps.map((step, index) => {
          const bp = shareBp(step.value, f.registered);
          return (
            <li key={step.key} data-testid={`funnel-${step.key}`}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" fw={500}>
                  {step.label}
                </Text>
                <Text size="sm">
                  <Text span fw={700} fz="lg">
                    {step.value.toLocaleString('fr-FR')}
                  </Text>
                  {index > 0 && bp !== null && <> ({t('analytics.funnel.share', { rate: formatRate(bp) })})</>}
                </Text>
              </Group>
              <ShareBar bp={f.registered > 0 ? bp : 0} color={index === 2 ? 'teal.8' : 'blue.7'} />
            </li>
          );
        })}
      </Stack>
    </SectionCard>
  );
}
