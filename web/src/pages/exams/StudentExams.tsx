import { Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../../shell/LoadError.tsx';
import { PageLoader } from '../../shell/PageLoader.tsx';
import { useStudentExams } from './api.ts';
import { EligibilityPanel } from './EligibilityPanel.tsx';
import { ExamTable } from './ExamTable.tsx';
import { RecordExamForm } from './RecordExamForm.tsx';

/**
 * The "Examens" tab of a student's page (and "Mes examens"): the eligibility for a practical test, the history of
 * attempts and results, and for the office a quick "Enregistrer un examen" for this student.
 */
export function StudentExams({ studentId, canRecord }: { studentId: string; canRecord: boolean }) {
  const { t } = useTranslation();
  const phone = useMediaQuery('(max-width: 48em)');
  const [opened, dialog] = useDisclosure(false);
  const exams = useStudentExams(studentId);
  // Newest first.
  const items = [...(exams.data ?? [])].reverse();

  return (
    <Stack gap="lg">
      <EligibilityPanel studentId={studentId} />
      <Card withBorder padding="lg">
        <Group justify="space-between" mb="md" gap="sm">
          <Title order={2} size="h3">
            {t('exams.history.title')}
          </Title>
          {canRecord && <Button onClick={dialog.open}>{t('exams.record')}</Button>}
        </Group>
        {exams.isPending ? (
          <PageLoader />
        ) : exams.isError ? (
          <LoadError error={exams.error} onRetry={() => void exams.refetch()} />
        ) : items.length === 0 ? (
          <Text c="dimmed">{t('exams.history.empty')}</Text>
        ) : (
          <ExamTable exams={items} testId="student-exams" />
        )}
      </Card>
      {canRecord && (
        <Modal opened={opened} onClose={dialog.close} title={t('exams.recordTitle')} size="lg" fullScreen={phone} centered>
          <RecordExamForm studentId={studentId} onDone={dialog.close} />
        </Modal>
      )}
    </Stack>
  );
}
