import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError.tsx';
import { LoadError } from '../../shell/LoadError.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { isFinished, startExport, useJob } from './api.ts';
import { JobProgress } from './JobProgress.tsx';
import { megabytes, parseExportResult } from './report.ts';

/**
 * The whole-school export (ADMIN): "Exporter toute l'école" starts the job, its progress shows while it runs, then a
 * link downloads the zip (CSV files and PDFs). What the zip holds, and the order in which its CSV files re-import.
 */
export function SchoolExportCard() {
  const { t } = useTranslation();
  const orderId = useId();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useMutation({ mutationFn: startExport, onSuccess: (job) => setJobId(job.id) });
  const job = useJob(jobId);
  const current = job.data;
  const running = jobId !== null && !isFinished(current) && !job.isError;
  const result = current?.status === 'done' ? parseExportResult(current.result) : null;

  return (
    <SectionCard title={t('imports.export.title')} hint={t('imports.export.hint')} data-testid="school-export">
      <Stack gap="md">
        <Text size="sm">{t('imports.export.contents')}</Text>
        <div>
          <Text size="sm" id={orderId}>
            {t('imports.export.reimport')}
          </Text>
          <List type="ordered" size="sm" mt={4} aria-labelledby={orderId}>
            <List.Item>{t('imports.export.reimportSteps.students')}</List.Item>
            <List.Item>{t('imports.export.reimportSteps.balances')}</List.Item>
            <List.Item>{t('imports.export.reimportSteps.booklet')}</List.Item>
            <List.Item>{t('imports.export.reimportSteps.exams')}</List.Item>
          </List>
        </div>
        <Group gap="sm" wrap="wrap">
          <Button onClick={() => start.mutate()} loading={start.isPending || running} disabled={running}>
            {t('imports.export.start')}
          </Button>
        </Group>
        <FormError error={start.error} />
        {running && <JobProgress job={current} title={t('imports.export.title')} waiting={t('imports.export.running')} />}
        {job.isError && <LoadError error={job.error} onRetry={() => void job.refetch()} />}
        {current?.status === 'failed' && (
          <Alert color="red" role="alert" title={t('imports.export.failed')}>
            {current.errors.join(' ')}
          </Alert>
        )}
        {current?.status === 'done' && current.result_url && (
          <Stack gap="xs" align="flex-start" data-testid="export-ready">
            <Text size="sm" role="status">
              {t('imports.export.ready')}
            </Text>
            <Button component="a" href={current.result_url} download={result?.file_name ?? true} variant="light">
              {t('imports.export.download', { size: megabytes(result?.size_bytes ?? 0) })}
            </Button>
          </Stack>
        )}
      </Stack>
    </SectionCard>
  );
}
