import { Fieldset, Group, Input, NumberInput, type NumberInputProps } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

type PartProps = Pick<NumberInputProps, 'value' | 'onChange' | 'onBlur' | 'onFocus' | 'error'>;

/**
 * A duration typed as hours and minutes (two whole-number inputs under one legend), e.g. "1 h 30".
 * `hours` and `minutes` take @mantine/form's getInputProps; the error shows under the pair.
 */
export function DurationInput({
  label,
  hours,
  minutes,
  required = false,
  disabled = false,
  description,
}: {
  label: string;
  hours: PartProps;
  minutes: PartProps;
  required?: boolean;
  disabled?: boolean;
  description?: string;
}) {
  const { t } = useTranslation();
  const errorId = useId();
  const error = hours.error ?? minutes.error;
  const describedBy = error ? errorId : undefined;
  return (
    <Fieldset variant="unstyled" p={0} disabled={disabled} legend={
        <Input.Label labelElement="div" required={required}>
          {label}
        </Input.Label>
      }>
      {description && <Input.Description mb={4}>{description}</Input.Description>}
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <NumberInput
          label={t('students.duration.hours')}
          aria-label={t('students.duration.hoursOf', { label })}
          min={0}
          max={1000}
          allowDecimal={false}
          allowNegative={false}
          rightSection="h"
          w={130}
          rightSectionWidth={40}
          value={hours.value}
          onChange={hours.onChange}
          onBlur={hours.onBlur}
          onFocus={hours.onFocus}
          error={Boolean(error)}
          aria-describedby={describedBy}
        />
        <NumberInput
          label={t('students.duration.minutes')}
          aria-label={t('students.duration.minutesOf', { label })}
          min={0}
          max={59}
          step={15}
          allowDecimal={false}
          allowNegative={false}
          rightSection="min"
          w={130}
          rightSectionWidth={40}
          value={minutes.value}
          onChange={minutes.onChange}
          onBlur={minutes.onBlur}
          onFocus={minutes.onFocus}
          error={Boolean(error)}
          aria-describedby={describedBy}
        />
      </Group>
      {error && (
        <Input.Error id={errorId} mt={4}>
          {error}
        </Input.Error>
      )}
    </Fieldset>
  );
}
