/** What the office's and the student's waitlist pages share: the offer's state badge, the windows editor. */
import { ActionIcon, Badge, Box, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useWeekdayNames } from '../../lib/useWeekdayNames.ts';
import type { OfferStatus } from './api.ts';
import { OFFER_STATUS_COLOR, nextRow, type WindowRow } from './format.ts';

/** The offer's state, in words (the colour only repeats them). */
export function OfferStatusBadge({ status }: { status: OfferStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={OFFER_STATUS_COLOR[status]} variant="light" style={{ minWidth: 'max-content' }} data-status={status}>
      {t(`waitlist.statuses.${status}`)}
    </Badge>
  );
}

export interface WindowsEditorProps {
  rows: WindowRow[];
  onChange: (rows: WindowRow[]) => void;
  /** Messages by row index. */
  errors?: Record<number, string>;
  /** A message about the whole list ("Ajoutez au moins un créneau."). */
  error?: string | null;
  help: string;
  disabled?: boolean;
}

/**
 * The weekly windows of a waiting student: one row per window (a day, from, to), rows added and removed. Every input
 * is named with its row ("Créneau 2, début"); a row wraps on a phone.
 */
export function WindowsEditor({ rows, onChange, errors = {}, error, help, disabled = false }: WindowsEditorProps) {
  const { t } = useTranslation();
  const days = useWeekdayNames();
  const baseId = useId();
  const legendId = `${baseId}-legend`;
  const helpId = `${baseId}-help`;
  const listErrorId = `${baseId}-error`;
  const options = days.map((name, index) => ({ value: String(index + 1), label: name }));
  const set = (index: number, change: Partial<WindowRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  return (
    <Stack
      gap="xs"
      role="group"
      aria-labelledby={legendId}
      aria-describedby={error ? `${helpId} ${listErrorId}` : helpId}
      data-testid="windows-editor"
    >
      <div>
        <Text id={legendId} fw={500} size="sm">
          {t('waitlist.windows.legend')}{' '}
          <Text span c="red" aria-hidden="true">
            *
          </Text>
        </Text>
        <Text id={helpId} size="sm" c="dimmed">
          {help}
        </Text>
      </div>
      {rows.map((row, index) => {
        const n = index + 1;
        const message = errors[index];
        const errorId = `${baseId}-row-${String(index)}-error`;
        const described = message !== undefined ? errorId : undefined;
        return (
          <Box key={index} data-testid="window-row">
            <Group gap="xs" align="flex-end" wrap="wrap">
              <NativeSelect
                label={t('waitlist.windows.weekday')}
                aria-label={t('waitlist.windows.weekdayOf', { n })}
                data={options}
                value={row.weekday}
                onChange={(event) => set(index, { weekday: event.currentTarget.value })}
                disabled={disabled}
                style={{ flex: '1 1 8.5rem' }}
              />
              <Group gap="xs" wrap="nowrap" align="flex-end">
                <TextInput
                  type="time"
                  label={t('waitlist.windows.start')}
                  aria-label={t('waitlist.windows.startOf', { n })}
                  value={row.start}
                  onChange={(event) => set(index, { start: event.currentTarget.value })}
                  error={message !== undefined}
                  aria-describedby={described}
                  disabled={disabled}
                  w={110}
                />
                <TextInput
                  type="time"
                  label={t('waitlist.windows.end')}
                  aria-label={t('waitlist.windows.endOf', { n })}
                  value={row.end}
                  onChange={(event) => set(index, { end: event.currentTarget.value })}
                  error={message !== undefined}
                  aria-describedby={described}
                  disabled={disabled}
                  w={110}
                />
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  mb={2}
                  aria-label={t('waitlist.windows.removeOf', { n })}
                  title={t('waitlist.windows.removeOf', { n })}
                  onClick={() => onChange(rows.filter((_, i) => i !== index))}
                  disabled={disabled}
                >
                  <span aria-hidden="true">✕</span>
                </ActionIcon>
              </Group>
            </Group>
            {message !== undefined && (
              <Text id={errorId} c="red.8" size="sm" mt={4}>
                {message}
              </Text>
            )}
          </Box>
        );
      })}
      {error && (
        <Text id={listErrorId} c="red.8" size="sm" role="alert">
          {error}
        </Text>
      )}
      <Group>
        <Button variant="light" onClick={() => onChange([...rows, nextRow(rows)])} disabled={disabled}>
          + {t('waitlist.windows.add')}
        </Button>
      </Group>
    </Stack>
  );
}
