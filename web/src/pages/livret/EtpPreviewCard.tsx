import { useState } from 'react';
import { BarChart } from '@mantine/charts';
import { Alert, Badge, Box, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../../api/session.ts';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { usePhone } from '../../lib/usePhone.ts';
import { todayIn } from '../../lib/zonedTime.ts';
import { FigureItem, FigureList } from '../analytics/parts.tsx';
import { formatHours, isMonth } from '../analytics/period.ts';
import { formatEtp, formatNumber, hoursOf, isKind, notTransmittedMinutes, useEtpPreview, type EtpKindLine, type EtpPreview } from './api.ts';

/** Dark enough to stand out on white (3:1 and more); the legend names each one, the table has the numbers. */
const COLOURS = { transmitted: 'teal.8', notTransmitted: 'red.8' } as const;
const SERIES = ['transmitted', 'notTransmitted'] as const;

/**
 * "Prévision ETP" (office): for a month (the current one by default), the hours of each kind done and transmitted over
 * the 3 months before the 24th, weighted, the ETP they make, what the hours not transmitted cost, and the days left.
 */
export function EtpPreviewCard() {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const [typed, setTyped] = useState(() => todayIn(zone).slice(0, 7));
  const month = typed.trim();
  const valid = isMonth(month);
  const preview = useEtpPreview(valid ? month : null);

  return (
    <SectionCard title={t('livret.etp.title')} hint={t('livret.etp.hint')} data-testid="etp-preview">
      <Stack gap="md">
        {/* A month picker where the browser has one; elsewhere a text field, hence the format in the help. */}
        <TextInput
          type="month"
          label={t('livret.etp.month')}
          description={t('livret.etp.monthHelp')}
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
          error={valid ? undefined : t('livret.etp.invalidMonth')}
          w={220}
          maw="100%"
        />
        {valid && <QueryView query={preview}>{(data) => <EtpFigures preview={data} />}</QueryView>}
      </Stack>
    </SectionCard>
  );
}

function EtpFigures({ preview }: { preview: EtpPreview }) {
  const { t } = useTranslation();
  // A phone has no room for six columns: one card per kind (and one for the total).
  const phone = usePhone();
  const day = String(Number(preview.cutoff_on.slice(8, 10)));
  const open = preview.days_to_cutoff !== null && preview.days_to_cutoff !== undefined;
  const kindLabel = (line: EtpKindLine) => (isKind(line.kind) ? t(`livret.kinds.${line.kind}`) : line.label);
  const hours = (value: number) => t('livret.etp.hours', { value: formatNumber(value) });
  const totals = preview.kinds.reduce(
    (sum, line) => ({ done: sum.done + line.done_minutes, transmitted: sum.transmitted + line.transmitted_minutes, missing: sum.missing + notTransmittedMinutes(line) }),
    { done: 0, transmitted: 0, missing: 0 },
  );

  return (
    <Stack gap="md" data-testid="etp-figures" data-month={preview.month}>
      <Group gap="sm">
        <Badge
          size="lg"
          variant="light"
          color={!open ? 'gray' : preview.at_risk ? 'red' : 'blue'}
          style={{ minWidth: 'max-content' }}
          data-testid="etp-cutoff"
        >
          {open ? t('livret.etp.daysLeft', { days: preview.days_to_cutoff ?? 0, day }) : t('livret.etp.closed', { day })}
        </Badge>
        <Text size="sm" c="dimmed">
          {t('livret.etp.window', { from: formatCalendarDate(preview.window_from), to: formatCalendarDate(preview.window_to) })}
        </Text>
      </Group>
      {preview.at_risk && (
        <Alert color="red" title={t('livret.etp.atRiskTitle', { day })} data-testid="etp-at-risk">
          {t('livret.etp.atRisk')}
        </Alert>
      )}
      <FigureList>
        <FigureItem
          label={t('livret.etp.figures.etp')}
          value={formatEtp(preview.etp)}
          detail={t('livret.etp.figures.etpDetail', { hours: hours(preview.weighted_hours), fullTime: hours(preview.full_time_hours) })}
          testId="etp-value"
        />
        <FigureItem
          label={t('livret.etp.figures.notTransmitted')}
          value={hours(preview.not_transmitted_hours)}
          detail={t('livret.etp.figures.etpLost', { etp: formatEtp(preview.etp_lost) })}
          testId="etp-lost"
        />
      </FigureList>
      {preview.kinds.length === 0 ? (
        <Text c="dimmed">{t('livret.etp.empty')}</Text>
      ) : (
        <>
          {phone ? (
            <>
              <Text size="sm" c="dimmed">
                {t('livret.etp.caption')}
              </Text>
              <ResponsiveTable
                rows={[
                  ...preview.kinds.map((line) => ({
                    key: line.kind,
                    label: kindLabel(line),
                    done: line.done_minutes,
                    transmitted: line.transmitted_minutes,
                    missing: notTransmittedMinutes(line),
                    weight: line.weight,
                    weighted: line.weighted_hours,
                  })),
                  { key: 'total', label: t('livret.etp.total'), ...totals, weight: null, weighted: preview.weighted_hours },
                ]}
                rowKey={(row) => row.key}
                rowProps={(row) => ({ 'data-testid': row.key === 'total' ? 'etp-total' : 'etp-kind', 'data-kind': row.key })}
                label={t('livret.etp.caption')}
                data-testid="etp-kinds"
                columns={[
                  { key: 'kind', header: t('livret.etp.columns.kind'), primary: true, cell: (row) => row.label },
                  { key: 'done', header: t('livret.etp.columns.done'), cell: (row) => formatMinutes(row.done) },
                  { key: 'transmitted', header: t('livret.etp.columns.transmitted'), cell: (row) => formatMinutes(row.transmitted) },
                  { key: 'missing', header: t('livret.etp.columns.notTransmitted'), cell: (row) => formatMinutes(row.missing) },
                  { key: 'weight', header: t('livret.etp.columns.weight'), cell: (row) => (row.weight === null ? '—' : `× ${formatNumber(row.weight)}`) },
                  { key: 'weighted', header: t('livret.etp.columns.weighted'), cell: (row) => hours(row.weighted) },
                ]}
              />
            </>
          ) : (
            <Table.ScrollContainer minWidth={560} type="native" tabIndex={0} role="region" aria-label={t('livret.etp.caption')}>
              <Table striped verticalSpacing={6} data-testid="etp-kinds">
                <Table.Caption style={{ captionSide: 'top', textAlign: 'left' }}>{t('livret.etp.caption')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('livret.etp.columns.kind')}</Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('livret.etp.columns.done')}
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('livret.etp.columns.transmitted')}
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('livret.etp.columns.notTransmitted')}
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('livret.etp.columns.weight')}
                    </Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('livret.etp.columns.weighted')}
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.kinds.map((line) => (
                    <Table.Tr key={line.kind} data-testid="etp-kind" data-kind={line.kind}>
                      <Table.Th scope="row" fw={400}>
                        {kindLabel(line)}
                      </Table.Th>
                      <Table.Td ta="right">{formatMinutes(line.done_minutes)}</Table.Td>
                      <Table.Td ta="right">{formatMinutes(line.transmitted_minutes)}</Table.Td>
                      <Table.Td ta="right">{formatMinutes(notTransmittedMinutes(line))}</Table.Td>
                      <Table.Td ta="right">{`× ${formatNumber(line.weight)}`}</Table.Td>
                      <Table.Td ta="right">{hours(line.weighted_hours)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
                <Table.Tfoot>
                  <Table.Tr fw={600}>
                    <Table.Th scope="row">{t('livret.etp.total')}</Table.Th>
                    <Table.Td ta="right">{formatMinutes(totals.done)}</Table.Td>
                    <Table.Td ta="right">{formatMinutes(totals.transmitted)}</Table.Td>
                    <Table.Td ta="right">{formatMinutes(totals.missing)}</Table.Td>
                    <Table.Td />
                    <Table.Td ta="right">{hours(preview.weighted_hours)}</Table.Td>
                  </Table.Tr>
                </Table.Tfoot>
              </Table>
            </Table.ScrollContainer>
          )}
          <KindsChart preview={preview} />
        </>
      )}
    </Stack>
  );
}

/**
 * Transmitted vs not transmitted hours per kind, as stacked bars (a bar is the hours done). Drawn only: the table above
 * has the same numbers for screen readers.
 */
function KindsChart({ preview }: { preview: EtpPreview }) {
  const { t } = useTranslation();
  const rows = preview.kinds.map((line) => ({
    kind: line.kind,
    label: isKind(line.kind) ? t(`livret.shortKinds.${line.kind}`) : line.label,
    transmitted: hoursOf(line.transmitted_minutes),
    notTransmitted: hoursOf(notTransmittedMinutes(line)),
  }));
  const inOrder = (item: { dataKey?: unknown }) => SERIES.indexOf(String(item.dataKey) as (typeof SERIES)[number]);
  return (
    <Box aria-hidden="true" data-testid="etp-chart">
      <Text size="sm" fw={500} mb={4}>
        {t('livret.etp.chart')}
      </Text>
      <BarChart
        h={56 + rows.length * 36}
        data={rows}
        dataKey="label"
        type="stacked"
        orientation="vertical"
        series={SERIES.map((name) => ({ name, label: t(`livret.etp.series.${name}`), color: COLOURS[name] }))}
        withLegend
        legendProps={{ verticalAlign: 'bottom', itemSorter: inOrder }}
        tooltipProps={{ itemSorter: inOrder }}
        valueFormatter={formatHours}
        textColor="gray.7"
        accessibilityLayer={false}
        tooltipAnimationDuration={0}
        yAxisProps={{ width: 84 }}
      />
    </Box>
  );
}
