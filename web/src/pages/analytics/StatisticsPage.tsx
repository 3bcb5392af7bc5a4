import { Card, Group, Loader, NativeSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { AnalyticsFilters } from '../../api/keys.ts';
import { useAgencyOptions } from '../../api/resources.ts';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { formatCalendarDate } from '../../lib/format.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { useOverview } from './api.ts';
import { RevenueCard, WeeklyHoursCard } from './ChartCards.tsx';
import { AttendanceCard, FirstExamCard, FunnelCard, PassRatesCard } from './FigureCards.tsx';
import { InstructorsCard } from './InstructorsCard.tsx';
import { PayrollCard } from './PayrollCard.tsx';
import { DEFAULT_PRESET, PRESETS, isDay, presetPeriod, type PeriodChoice } from './period.ts';

/** The filters live in the address, so that the way back from a drill-down finds them again. */
const PARAM = { period: 'periode', from: 'du', to: 'au', agency: 'agence' } as const;
const CHOICES: readonly PeriodChoice[] = [...PRESETS, 'perso'];

interface PeriodState {
  choice: PeriodChoice;
  from: string;
  to: string;
  fromError?: string;
  toError?: string;
}

/**
 * /statistiques (ADMIN) — how the school did over a period (a preset, or two dates), for one agency or all: pass
 * rates, driving time per week, cancellations and no-shows, hours before the first practical test, revenue, the
 * students' funnel, the instructors; each report as CSV, and the month's payroll.
 */
export default function StatisticsPage() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const today = todayIn(zone);
  const [params, setParams] = useSearchParams();
  const { options: agencyOptions } = useAgencyOptions();

  const period = readPeriod(params, today, t);
  const agency = params.get(PARAM.agency) || null;
  const valid = !period.fromError && !period.toError;
  const filters: AnalyticsFilters | null = valid ? { from: period.from, to: period.to, agency } : null;
  const overview = useOverview(filters);

  const update = (changes: Record<string, string | null>) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  };

  return (
    <>
      <PageHeader title={t('analytics.title')} intro={t('analytics.intro')} />
      <Stack gap="lg">
        <Card withBorder padding="md" role="group" aria-label={t('analytics.filters.label')} data-testid="analytics-filters">
          <Group align="flex-start" gap="sm" wrap="wrap">
            <NativeSelect
              label={t('analytics.filters.period')}
              value={period.choice}
              data={CHOICES.map((choice) => ({ value: choice, label: t(`analytics.filters.presets.${choice}`) }))}
              onChange={(event) => {
                const choice = event.currentTarget.value as PeriodChoice;
                // A period typed by hand starts from the one on screen.
                if (choice === 'perso') update({ [PARAM.period]: choice, [PARAM.from]: period.from, [PARAM.to]: period.to });
                else update({ [PARAM.period]: choice === DEFAULT_PRESET ? null : choice, [PARAM.from]: null, [PARAM.to]: null });
              }}
              w={{ base: '100%', xs: 220 }}
            />
            {period.choice === 'perso' && (
              <>
                <TextInput
                  type="date"
                  label={t('analytics.filters.from')}
                  value={period.from}
                  onChange={(event) => update({ [PARAM.from]: event.currentTarget.value })}
                  error={period.fromError}
                  w={{ base: '100%', xs: 170 }}
                />
                <TextInput
                  type="date"
                  label={t('analytics.filters.to')}
                  value={period.to}
                  onChange={(event) => update({ [PARAM.to]: event.currentTarget.value })}
                  error={period.toError}
                  w={{ base: '100%', xs: 170 }}
                />
              </>
            )}
            <NativeSelect
              label={t('analytics.filters.agency')}
              value={agency ?? ''}
              data={[{ value: '', label: t('analytics.filters.allAgencies') }, ...agencyOptions]}
              onChange={(event) => update({ [PARAM.agency]: event.currentTarget.value || null })}
              w={{ base: '100%', xs: 240 }}
            />
          </Group>
          {valid && (
            <Group gap="xs" mt="sm" role="status">
              <Text size="sm" fw={500} data-testid="analytics-range">
                {t('analytics.filters.range', { from: formatCalendarDate(period.from), to: formatCalendarDate(period.to) })}
              </Text>
              {overview.isFetching && (
                <Group gap={6}>
                  <Loader size="xs" aria-hidden="true" />
                  <Text size="sm" c="dimmed">
                    {t('analytics.filters.updating')}
                  </Text>
                </Group>
              )}
            </Group>
          )}
        </Card>

        {filters && (
          <QueryView query={overview}>
            {(data) => (
              <Stack gap="lg" aria-busy={overview.isFetching} data-testid="overview" data-from={data.from} data-to={data.to}>
                <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
                  <PassRatesCard overview={data} filters={filters} />
                  <AttendanceCard overview={data} />
                  <FirstExamCard overview={data} />
                  <FunnelCard overview={data} />
                </SimpleGrid>
                <WeeklyHoursCard overview={data} filters={filters} />
                <RevenueCard overview={data} filters={filters} />
              </Stack>
            )}
          </QueryView>
        )}
        {filters && <InstructorsCard filters={filters} />}
        <PayrollCard />
      </Stack>
    </>
  );
}

/** The period the address asks for: a preset (12 months by default), or two dates checked here before any request. */
function readPeriod(params: URLSearchParams, today: string, t: (key: 'analytics.filters.invalidDate' | 'analytics.filters.fromAfterTo') => string): PeriodState {
  const raw = params.get(PARAM.period);
  const choice = CHOICES.find((c) => c === raw) ?? DEFAULT_PRESET;
  if (choice !== 'perso') return { choice, ...presetPeriod(choice, today) };
  const from = params.get(PARAM.from) ?? '';
  const to = params.get(PARAM.to) ?? '';
  const state: PeriodState = { choice, from, to };
  if (!isDay(from)) state.fromError = t('analytics.filters.invalidDate');
  if (!isDay(to)) state.toError = t('analytics.filters.invalidDate');
  else if (!state.fromError && from > to) state.toError = t('analytics.filters.fromAfterTo');
  return state;
}
