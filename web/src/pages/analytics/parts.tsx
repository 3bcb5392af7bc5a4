/**
 * What the cards of "Statistiques" share: figures as a description list, a chart with its data as a table (read by
 * screen readers, shown on demand to everyone: the chart's colours are never the only way to the numbers), the CSV
 * export button, the "Surchargé" badge.
 */
import { useId, useState, type ReactNode } from 'react';
import { Badge, Box, Button, Paper, SimpleGrid, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AnalyticsFilters } from '../../api/keys.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { downloadReport, type Report } from './api.ts';

/** Figures side by side (one column on a phone). */
export function FigureList({ children, cols = 2 }: { children: ReactNode; cols?: number }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: Math.min(cols, 2), md: cols }} spacing="sm">
      {children}
    </SimpleGrid>
  );
}

/** One figure, a `<dl>` of its own (like the account's figures): its label, its value in large, a line, a bar. */
export function FigureItem({ label, value, detail, bar, testId }: { label: ReactNode; value: ReactNode; detail?: ReactNode; bar?: ReactNode; testId?: string }) {
  return (
    <Paper component="dl" withBorder p="sm" radius="md" m={0} data-testid={testId}>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Box component="dd" m={0}>
        <Text component="div" fz="xl" fw={700} lh={1.3} style={{ overflowWrap: 'anywhere' }}>
          {value}
        </Text>
        {detail !== undefined && <Text size="sm">{detail}</Text>}
        {bar !== undefined && <Box mt={6}>{bar}</Box>}
      </Box>
    </Paper>
  );
}

export interface DataColumn<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** The row's name (a `<th scope="row">`). */
  rowHeader?: boolean;
}

/**
 * A chart and its numbers: the chart is hidden from screen readers, which read the table instead; a button shows the
 * table on screen too. `summary` (shown under the chart) says the totals in words.
 */
export function ChartWithTable<T>({
  chart,
  summary,
  caption,
  columns,
  rows,
  rowKey,
  testId,
}: {
  chart: ReactNode;
  summary?: ReactNode;
  caption: string;
  columns: readonly DataColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const tableId = useId();
  const table = (
    <Table id={tableId} striped verticalSpacing={4} data-testid={testId ? `${testId}-table` : undefined}>
      <Table.Caption style={shown ? { captionSide: 'top', textAlign: 'left' } : undefined}>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c.key} scope="col">
              {c.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={rowKey(row)}>
            {columns.map((c) =>
              c.rowHeader ? (
                <Table.Th key={c.key} scope="row" fw={400}>
                  {c.cell(row)}
                </Table.Th>
              ) : (
                <Table.Td key={c.key}>{c.cell(row)}</Table.Td>
              ),
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return (
    <Stack gap="xs" data-testid={testId}>
      <Box aria-hidden="true" data-testid={testId ? `${testId}-chart` : undefined}>
        {chart}
      </Box>
      {summary !== undefined && (
        <Text size="sm" data-testid={testId ? `${testId}-summary` : undefined}>
          {summary}
        </Text>
      )}
      <div>
        <Button variant="default" size="compact-sm" aria-expanded={shown} aria-controls={tableId} onClick={() => setShown((s) => !s)}>
          {shown ? t('analytics.hideTable') : t('analytics.showTable')}
        </Button>
      </div>
      {shown ? (
        <Table.ScrollContainer minWidth={420} type="native" tabIndex={0} role="region" aria-label={caption}>
          {table}
        </Table.ScrollContainer>
      ) : (
        <VisuallyHidden>{table}</VisuallyHidden>
      )}
    </Stack>
  );
}

/** "Exporter (CSV)": the report of the period, saved under the server's name. */
export function ExportButton({ report, filters }: { report: Report; filters: AnalyticsFilters }) {
  const { t } = useTranslation();
  const download = useMutation({
    mutationFn: () => downloadReport(report, filters),
    onSuccess: (name) => notifySuccess(t('analytics.export.done', { name })),
    onError: (error) => notifyError(error, t),
  });
  return (
    <Button variant="default" size="sm" loading={download.isPending} onClick={() => download.mutate()} aria-label={t(`analytics.export.${report}`)}>
      {t('analytics.export.button')}
    </Button>
  );
}

/** The week went past the legal 35 hours: said in words, not by the colour alone. */
export function OverbookedBadge() {
  const { t } = useTranslation();
  return (
    <Badge component="span" color="red" variant="light" title={t('analytics.instructors.overbookedHint')} style={{ minWidth: 'max-content' }} data-testid="overbooked">
      {t('analytics.instructors.overbooked')}
    </Badge>
  );
}

/** A bar of a share (0 to 100 %), drawn only: the number is written beside it. */
export function ShareBar({ bp, color = 'blue.7' }: { bp: number | null; color?: string }) {
  const width = bp === null ? 0 : Math.min(100, Math.max(0, bp / 100));
  return (
    <Box aria-hidden="true" h={10} bg="gray.2" style={{ borderRadius: 5, overflow: 'hidden' }}>
      <Box h="100%" w={`${String(width)}%`} bg={color} />
    </Box>
  );
}
