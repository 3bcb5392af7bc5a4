import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { HoursPanel } from './students/HoursPanel.tsx';

/** "Mes heures" (STUDENT): their hours, read-only. */
export default function MyHoursPage() {
  const { t } = useTranslation();
  const { student_id: studentId } = useCurrentSession();
  return (
    <>
      <PageHeader title={t('nav.myHours')} />
      {studentId ? <HoursPanel studentId={studentId} canPost={false} /> : <Alert color="blue">{t('students.noRecord')}</Alert>}
    </>
  );
}
