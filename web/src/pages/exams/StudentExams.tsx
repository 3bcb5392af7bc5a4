import { Button, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
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
  const [opened, dialog] = useDisclosure(false);
  const exams = useStudentExams(studentId);

  return (
    <Stack gap="lg">
      <EligibilityPanel studentId={studentId} />
      <SectionCard title={t('exams.history.title')} actions={canRecord && <Button onClick={dialog.open}>{t('exams.record')}</Button>}>
        <QueryView query={exams} empty={t('exams.history.empty')}>
          {/* Newest first. */}
          {(list) => <ExamTable exams={[...list].reverse()} testId="student-exams" />}
        </QueryView>
      </SectionCard>
      {canRecord && (
        <AppModal opened={opened} onClose={dialog.close} title={t('exams.recordTitle')} size="lg">
          <RecordExamForm studentId={studentId} onDone={dialog.close} />
        </AppModal>
      )}
    </Stack>
  );
}
