import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { useChildTitle } from '../lib/guardian.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { StudentExams } from './exams/StudentExams.tsx';

/** "Mes examens" (STUDENT): their eligibility for the practical test and their exams, read-only. */
export default function MyExamsPage() {
  const { t } = useTranslation();
  const { student_id: studentId } = useCurrentSession();
  const title = useChildTitle(t('nav.myExams'), (name) => t('guardians.pages.exams', { name }));
  return (
    <>
      <PageHeader title={title} />
      {studentId ? <StudentExams studentId={studentId} canRecord={false} /> : <Alert color="blue">{t('students.noRecord')}</Alert>}
    </>
  );
}
