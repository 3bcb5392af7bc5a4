import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { InstructorDetail } from './instructors/InstructorDetail.tsx';

/** /mes-disponibilites: the instructor's own page (the record linked to their account, from GET /me). */
export default function MyAvailabilityPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  if (!session.instructor_id) {
    return (
      <>
        <PageHeader title={t('nav.myAvailability')} />
        <Alert color="orange" maw={640}>
          {t('instructors.noRecord')}
        </Alert>
      </>
    );
  }
  return <InstructorDetail key={session.instructor_id} id={session.instructor_id} self />;
}
