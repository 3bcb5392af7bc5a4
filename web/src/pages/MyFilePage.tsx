import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { StudentDetail } from './students/StudentDetail.tsx';

/** "Mon dossier" (STUDENT): their own file, read-only except the documents they upload. */
export default function MyFilePage() {
  const { t } = useTranslation();
  const { student_id: studentId } = useCurrentSession();
  if (!studentId) {
    return (
      <>
        <PageHeader title={t('nav.myFile')} />
        <Alert color="blue">{t('students.noRecord')}</Alert>
      </>
    );
  }
  return <StudentDetail id={studentId} self />;
}
