import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { useChildTitle } from '../lib/guardian.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { BookletView } from './booklet/BookletView.tsx';

/** "Mon livret" (STUDENT): their learning booklet, read-only, with the PDF. */
export default function MyBookletPage() {
  const { t } = useTranslation();
  const { student_id: studentId } = useCurrentSession();
  const title = useChildTitle(t('nav.myBooklet'), (name) => t('guardians.pages.booklet', { name }));
  return (
    <>
      <PageHeader title={title} />
      {studentId ? <BookletView studentId={studentId} editable={false} /> : <Alert color="blue">{t('booklet.noRecord')}</Alert>}
    </>
  );
}
