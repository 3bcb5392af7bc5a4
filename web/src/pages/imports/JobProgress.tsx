import { Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SchoolJob } from './api.ts';

/**
 * How far a job is while it is queued or running: a progress bar announced as such (role progressbar, its name and
 * value) with "n / total lignes" under it, read out politely as it changes. Without a total yet (queued, or a job that
 * counts no rows), the bar moves without a value and `waiting` says what happens.
 */
export function JobProgress({ job, title, waiting }: { job: SchoolJob | undefined; title: string; waiting?: string }) {
  const { t } = useTranslation();
  const done = job?.progress.done ?? 0;
  const total = job?.progress.total ?? 0;
  const known = total > 0;
  const percent = known ? Math.min(100, Math.round((done / total) * 100)) : 100;
  const text = known
    ? t('imports.wizard.progress', { done: done.toLocaleString('fr-FR'), total: total.toLocaleString('fr-FR') })
    : (waiting ?? t('imports.wizard.queued'));
  return (
    <Stack gap="xs" data-testid="job-progress" data-status={job?.status ?? 'queued'}>
      <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
        {title}
      </Text>
      <Progress.Root size="lg" bg="gray.2">
        <Progress.Section
          value={percent}
          color="blue.8"
          animated
          striped
          aria-label={t('imports.wizard.progressLabel')}
          aria-valuetext={text}
        />
      </Progress.Root>
      <Text size="sm" role="status">
        {text}
      </Text>
    </Stack>
  );
}
