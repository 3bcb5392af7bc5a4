import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { followedChild } from '../lib/guardian.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { HoursPanel } from './students/HoursPanel.tsx';

/**
 * "Mes heures" (STUDENT): their hours; they confirm or dispute their lessons done. A guardian reads the hours of the
 * child they follow ("Heures de Léa"), without confirming or disputing: only the student gives their word.
 */
export default function MyHoursPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const studentId = session.student_id;
  const child = followedChild(session);
  return (
    <>
      <PageHeader
        title={child ? t('guardians.pages.hours', { name: child.first_name }) : t('nav.myHours')}
        intro={child ? t('guardians.pages.readOnly', { name: child.first_name }) : undefined}
      />
      {studentId ? <HoursPanel studentId={studentId} canPost={false} /> : <Alert color="blue">{t('students.noRecord')}</Alert>}
    </>
  );
}
