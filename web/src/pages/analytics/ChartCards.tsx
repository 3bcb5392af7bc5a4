/**
 * The cards of "Statistiques" drawn as charts: driving time per week (stacked bars) and the money per month (bars
 * side by side). Every week and month of the period has its bar, empty ones too; the numbers are also in a table
 * (screen readers read it, a button shows it), and the totals are written under the chart.
 */
import { BarChart } from '@mantine/charts';
import { Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AnalyticsFilters } from '../../api/keys.ts';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';
import type { Overview } from './api.ts';
import { ChartWithTable, ExportButton, FigureItem, FigureList } from './parts.tsx';
import { formatHours, formatWholeEuros, hoursOf, monthsOf, weeksOf } from './period.ts';

const CHART_HEIGHT = 260;
/** Dark enough for the bars to stand out on white (3:1 and more, WCAG 1.4.11); the legend names each one. */
const WEEK_COLOURS = { done: 'teal.8', planned: 'blue.5', cancelled: 'gray.6', noShow: 'red.8' } as const;

interface WeekRow {
  week: string;
  label: string;
  done: number;
  planned: number;
  cancelled: number;
  noShow: number;
  minutes: { done: number; planned: number; cancelled: number; noShow: number };
}

/** Legend and tooltip in the order of the series (recharts sorts them by name otherwise). */
function inOrder(names: readonly string[]) {
  return (item: { dataKey?: unknown }) => names.indexOf(String(item.dataKey));
}
const WEEK_SERIES = ['done', 'planned', 'cancelled', 'noShow'] as const;
const MONTH_SERIES = ['invoiced', 'collected'] as const;

/** "07/12" */
const dayMonth = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

export function WeeklyHoursCard({ overview, filters }: { overview: Overview; filters: AnalyticsFilters }) {
  const { t } = useTranslation();
  const byWeek = new Map(overview.weeks.map((w) => [w.week_start, w]));
  const rows: WeekRow[] = weeksOf({ from: overview.from, to: overview.to }).map((week) => {
    const w = byWeek.get(week);
    const minutes = { done: w?.done_minutes ?? 0, planned: w?.planned_minutes ?? 0, cancelled: w?.cancelled_minutes ?? 0, noShow: w?.no_show_minutes ?? 0 };
    return {
      week,
      label: dayMonth(week),
      done: hoursOf(minutes.done),
      planned: hoursOf(minutes.planned),
      cancelled: hoursOf(minutes.cancelled),
      noShow: hoursOf(minutes.noShow),
      minutes,
    };
  });
  const total = (key: keyof WeekRow['minutes']) => rows.reduce((sum, row) => sum + row.minutes[key], 0);
  const totals = { done: total('done'), planned: total('planned'), cancelled: total('cancelled'), noShow: total('noShow') };
  const empty = totals.done + totals.planned + totals.cancelled + totals.noShow === 0;
  const series = WEEK_SERIES.map((name) => ({ name, label: t(`analytics.weeks.${name}`), color: WEEK_COLOURS[name] }));
  // The planning opens on the period's last week (or this week, when the period ends later).
  const lastWeek = rows[rows.length - 1]?.week ?? overview.to;

  return (
    <SectionCard
      title={t('analytics.weeks.title')}
      hint={t('analytics.weeks.hint')}
      data-testid="weekly-hours"
      actions={
        <Group gap="xs">
          <Button component={Link} to={`/planning?vue=semaine&date=${lastWeek}`} variant="light" size="sm">
            {t('analytics.weeks.open')}
          </Button>
          <ExportButton report="weeks" filters={filters} />
        </Group>
      }
    >
      {empty ? (
        <Text c="dimmed" data-testid="weekly-hours-empty">
          {t('analytics.weeks.empty')}
        </Text>
      ) : (
        <ChartWithTable
          testId="weeks"
          chart={
            <BarChart
              h={CHART_HEIGHT}
              data={rows}
              dataKey="label"
              type="stacked"
              series={series}
              withLegend
              legendProps={{ verticalAlign: 'bottom', itemSorter: inOrder(WEEK_SERIES) }}
              tooltipProps={{ itemSorter: inOrder(WEEK_SERIES) }}
              valueFormatter={formatHours}
              textColor="gray.7"
              accessibilityLayer={false}
              tooltipAnimationDuration={0}
              barChartProps={{ barCategoryGap: '15%' }}
            />
          }
          summary={t('analytics.weeks.total', {
            done: formatMinutes(totals.done),
            planned: formatMinutes(totals.planned),
            cancelled: formatMinutes(totals.cancelled),
            noShow: formatMinutes(totals.noShow),
          })}
          caption={t('analytics.weeks.tableCaption')}
          rows={rows}
          rowKey={(row) => row.week}
          columns={[
            { key: 'week', header: t('analytics.weeks.week'), rowHeader: true, cell: (row) => t('analytics.weeks.weekOf', { date: formatCalendarDate(row.week) }) },
            { key: 'done', header: t('analytics.weeks.done'), cell: (row) => formatMinutes(row.minutes.done) },
            { key: 'planned', header: t('analytics.weeks.planned'), cell: (row) => formatMinutes(row.minutes.planned) },
            { key: 'cancelled', header: t('analytics.weeks.cancelled'), cell: (row) => formatMinutes(row.minutes.cancelled) },
            { key: 'noShow', header: t('analytics.weeks.noShow'), cell: (row) => formatMinutes(row.minutes.noShow) },
          ]}
        />
      )}
    </SectionCard>
  );
}

interface MonthRow {
  month: string;
  label: string;
  invoiced: number;
  collected: number;
  cents: { invoiced: number; collected: number };
}

const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'short', year: '2-digit', timeZone: 'UTC' });
const longMonthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthDate = (month: string) => new Date(`${month}-01T12:00:00Z`);

export function RevenueCard({ overview, filters }: { overview: Overview; filters: AnalyticsFilters }) {
  const { t } = useTranslation();
  const byMonth = new Map(overview.revenue.months.map((m) => [m.month, m]));
  const rows: MonthRow[] = monthsOf({ from: overview.from, to: overview.to }).map((month) => {
    const m = byMonth.get(month);
    const cents = { invoiced: m?.invoiced_cents ?? 0, collected: m?.collected_cents ?? 0 };
    return { month, label: monthName.format(monthDate(month)), invoiced: cents.invoiced / 100, collected: cents.collected / 100, cents };
  });
  const empty = overview.revenue.months.every((m) => m.invoiced_cents === 0 && m.collected_cents === 0);

  return (
    <SectionCard title={t('analytics.revenue.title')} hint={t('analytics.revenue.hint')} data-testid="revenue" actions={<ExportButton report="revenue" filters={filters} />}>
      <Stack gap="md">
        <FigureList>
          <FigureItem label={t('analytics.revenue.totalInvoiced')} value={formatEuros(overview.revenue.invoiced_cents)} testId="revenue-invoiced" />
          <FigureItem label={t('analytics.revenue.totalCollected')} value={formatEuros(overview.revenue.collected_cents)} testId="revenue-collected" />
        </FigureList>
        {empty ? (
          <Text c="dimmed" data-testid="revenue-empty">
            {t('analytics.revenue.empty')}
          </Text>
        ) : (
          <ChartWithTable
            testId="months"
            chart={
              <BarChart
                h={CHART_HEIGHT}
                data={rows}
                dataKey="label"
                series={[
                  { name: 'invoiced', label: t('analytics.revenue.invoiced'), color: 'blue.7' },
                  { name: 'collected', label: t('analytics.revenue.collected'), color: 'teal.8' },
                ]}
                withLegend
                legendProps={{ verticalAlign: 'bottom', itemSorter: inOrder(MONTH_SERIES) }}
                tooltipProps={{ itemSorter: inOrder(MONTH_SERIES) }}
                valueFormatter={formatWholeEuros}
                textColor="gray.7"
                accessibilityLayer={false}
                tooltipAnimationDuration={0}
                yAxisProps={{ width: 80 }}
              />
            }
            caption={t('analytics.revenue.tableCaption')}
            rows={rows}
            rowKey={(row) => row.month}
            columns={[
              { key: 'month', header: t('analytics.revenue.month'), rowHeader: true, cell: (row) => longMonthName.format(monthDate(row.month)) },
              { key: 'invoiced', header: t('analytics.revenue.invoiced'), cell: (row) => formatEuros(row.cents.invoiced) },
              { key: 'collected', header: t('analytics.revenue.collected'), cell: (row) => formatEuros(row.cents.collected) },
            ]}
          />
        )}
      </Stack>
    </SectionCard>
  );
}
