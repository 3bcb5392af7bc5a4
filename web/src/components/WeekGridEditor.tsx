import { useId, type ChangeEvent } from 'react';
import { ActionIcon, Box, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  addRange,
  describeRanges,
  normaliseTime,
  rangeKey,
  removeRange,
  updateRange,
  WEEKDAYS,
  type WeekGrid,
} from '../lib/weekly.ts';
import { useWeekdayNames } from '../lib/useWeekdayNames.ts';

interface Props {
  value: WeekGrid;
  /** Absent: read-only. */
  onChange?: (grid: WeekGrid) => void;
  /** Messages by range (`rangeKey(day, index)`). */
  errors?: Record<string, string>;
  /** What an empty day shows ("Fermé", "Non travaillé"). */
  emptyLabel: string;
  disabled?: boolean;
}

/**
 * Seven rows, Monday to Sunday, each with its time ranges (`HH:MM` inputs, add/remove buttons). Every input has an
 * accessible name such as "Mardi, début de la plage 1". Works as a single column on a phone.
 */
export function WeekGridEditor({ value, onChange, errors = {}, emptyLabel, disabled = false }: Props) {
  const { t } = useTranslation();
  const names = useWeekdayNames();
  const baseId = useId();

  return (
    <Stack gap={0} data-testid="week-grid">
      {WEEKDAYS.map((weekday, day) => {
        const ranges = value[day] ?? [];
        const dayName = names[day] ?? '';
        const labelId = `${baseId}-day-${weekday}`;
        return (
          <Group
            key={weekday}
            role="group"
            aria-labelledby={labelId}
            align="flex-start"
            gap="sm"
            py="xs"
            wrap="wrap"
            style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
            data-weekday={weekday}
          >
            <Text id={labelId} fw={600} w={100} pt={onChange ? 6 : 0}>
              {dayName}
            </Text>
            {!onChange ? (
              <Text c={ranges.length === 0 ? 'dimmed' : undefined} style={{ flex: 1 }}>
                {ranges.length === 0 ? emptyLabel : describeRanges(ranges)}
              </Text>
            ) : (
              <Stack gap="xs" style={{ flex: '1 1 240px' }}>
                {ranges.length === 0 && (
                  <Text c="dimmed" pt={6}>
                    {emptyLabel}
                  </Text>
                )}
                {ranges.map((range, index) => {
                  const n = index + 1;
                  const message = errors[rangeKey(day, index)];
                  const errorId = `${baseId}-error-${weekday}-${index}`;
                  const set = (field: 'start' | 'end', text: string) => onChange(updateRange(value, day, index, { [field]: text }));
                  const inputProps = (field: 'start' | 'end') => ({
                    value: range[field],
                    onChange: (event: ChangeEvent<HTMLInputElement>) => set(field, event.currentTarget.value),
                    onBlur: () => {
                      const tidy = normaliseTime(range[field]);
                      if (tidy !== range[field]) set(field, tidy);
                    },
                    placeholder: t('weekGrid.placeholder'),
                    inputMode: 'numeric' as const,
                    autoComplete: 'off',
                    maxLength: 5,
                    w: 88,
                    error: message !== undefined,
                    disabled,
                    'aria-describedby': message !== undefined ? errorId : undefined,
                  });
                  return (
                    <Box key={index}>
                      <Group gap="xs" wrap="nowrap">
                        <TextInput aria-label={t('weekGrid.start', { day: dayName, n })} {...inputProps('start')} />
                        <Text aria-hidden="true">{t('weekGrid.to')}</Text>
                        <TextInput aria-label={t('weekGrid.end', { day: dayName, n })} {...inputProps('end')} />
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          size="lg"
                          aria-label={t('weekGrid.remove', { day: dayName, n })}
                          title={t('weekGrid.remove', { day: dayName, n })}
                          onClick={() => onChange(removeRange(value, day, index))}
                          disabled={disabled}
                        >
                          <span aria-hidden="true">✕</span>
                        </ActionIcon>
                      </Group>
                      {message !== undefined && (
                        <Text id={errorId} c="red.8" size="sm" mt={4}>
                          {message}
                        </Text>
                      )}
                    </Box>
                  );
                })}
              </Stack>
            )}
            {onChange && (
              <Button
                variant="subtle"
                size="compact-sm"
                mt={4}
                aria-label={t('weekGrid.addTo', { day: dayName })}
                onClick={() => onChange(addRange(value, day))}
                disabled={disabled}
              >
                + {t('weekGrid.add')}
              </Button>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}
