/**
 * A list of records: a table on a wide screen, one card per record on a phone (≤ 48em), where a table would hide
 * its columns behind a sideways scroll. Every column shows on the card, labelled by its header; the `primary` column
 * is the card's title and `action` columns go at its foot, without a label.
 */
import type { HTMLAttributes, ReactNode } from 'react';
import { Card, Group, Stack, Table, Text } from '@mantine/core';
import { usePhone } from '../lib/usePhone.ts';

export interface Column<T> {
  key: string;
  /** The column header, and the label of the value on a card. */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The record's name: the first cell of a row, the title of a card. */
  primary?: boolean;
  /** Buttons and links about the record: at the foot of the card, without a label. */
  action?: boolean;
  align?: 'left' | 'right';
  nowrap?: boolean;
}

type RowAttributes = HTMLAttributes<HTMLElement> & { 'data-testid'?: string; [data: `data-${string}`]: string | undefined };

export interface ResponsiveTableProps<T> {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Extra attributes of each row, and of each card (e.g. a `data-testid`). */
  rowProps?: (row: T) => RowAttributes;
  /** Below this width (px), the table scrolls sideways in its box (wide screens only). */
  minWidth?: number;
  /** The table's accessible name (and the card list's). */
  label?: string;
  verticalSpacing?: 'xs' | 'sm' | 'md';
  highlightOnHover?: boolean;
  busy?: boolean;
  'data-testid'?: string;
}

export function ResponsiveTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  minWidth = 640,
  label,
  verticalSpacing = 'sm',
  highlightOnHover = true,
  busy,
  'data-testid': testId,
}: ResponsiveTableProps<T>) {
  const phone = usePhone();

  if (phone) {
    const primary = columns.find((c) => c.primary);
    const details = columns.filter((c) => !c.primary && !c.action);
    const actions = columns.filter((c) => c.action);
    return (
      <Stack gap="xs" component="ul" aria-label={label} aria-busy={busy} data-testid={testId} data-layout="cards" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {rows.map((row) => (
          <Card key={rowKey(row)} component="li" withBorder padding="sm" radius="md" {...rowProps?.(row)}>
            <Stack gap={6}>
              {primary && <div style={{ fontWeight: 600 }}>{primary.cell(row)}</div>}
              {details.length > 0 && (
                <dl style={{ display: 'grid', gridTemplateColumns: 'minmax(6rem, max-content) 1fr', columnGap: 12, rowGap: 4, margin: 0 }}>
                  {details.map((c) => (
                    <div key={c.key} style={{ display: 'contents' }}>
                      <Text component="dt" size="sm" c="dimmed">
                        {c.header}
                      </Text>
                      <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere', minWidth: 0 }}>
                        {c.cell(row)}
                      </Text>
                    </div>
                  ))}
                </dl>
              )}
              {actions.length > 0 && (
                <Group gap="xs">
                  {actions.map((c) => (
                    <div key={c.key}>{c.cell(row)}</div>
                  ))}
                </Group>
              )}
            </Stack>
          </Card>
        ))}
      </Stack>
    );
  }

  return (
    <Table.ScrollContainer minWidth={minWidth} {...(label ? { type: 'native' as const, tabIndex: 0, role: 'region', 'aria-label': label } : {})}>
      <Table striped highlightOnHover={highlightOnHover} verticalSpacing={verticalSpacing} aria-label={label} aria-busy={busy} data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} scope="col" style={c.align === 'right' ? { textAlign: 'right' } : undefined}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} {...rowProps?.(row)}>
              {columns.map((c) => (
                <Table.Td
                  key={c.key}
                  style={c.align === 'right' || c.nowrap ? { ...(c.align === 'right' ? { textAlign: 'right' } : {}), ...(c.nowrap ? { whiteSpace: 'nowrap' } : {}) } : undefined}
                >
                  {c.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
