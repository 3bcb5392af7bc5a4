import { Group, Progress, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { clampPercent } from './levels.ts';

/**
 * A progress bar announced as such (role progressbar, aria-valuenow, the label given), with its percentage in
 * words next to it.
 */
export function ProgressBar({ value, label, size = 'lg', testId }: { value: number; label: string; size?: 'md' | 'lg' | 'xl'; testId?: string }) {
  const { t } = useTranslation();
  const percent = clampPercent(value);
  return (
    <Group gap="sm" wrap="nowrap" align="center" data-testid={testId}>
      <Progress.Root size={size} style={{ flex: 1 }} bg="gray.2">
        <Progress.Section value={percent} color="blue.8" aria-label={label} />
      </Progress.Root>
      <Text fw={700} size={size === 'xl' ? 'xl' : 'md'} style={{ minWidth: '3.5em', textAlign: 'right' }} aria-hidden>
        {t('booklet.percent', { value: percent })}
      </Text>
    </Group>
  );
}
