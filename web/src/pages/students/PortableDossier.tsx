import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard.tsx';
import { dossierUrl, fullName, type Student } from './api.ts';

/**
 * The student's portable dossier, a zip of everything the school keeps on them (booklet, hours, lessons, exams,
 * invoices): the office downloads it for a transfer to another school or a GDPR request; the student, on "Mon dossier",
 * for themself.
 */
export function PortableDossier({ student, self }: { student: Student; self: boolean }) {
  const { t } = useTranslation();
  return (
    <SectionCard
      title={self ? t('students.portable.mineTitle') : t('students.portable.title')}
      hint={self ? t('students.portable.mineHint') : t('students.portable.hint')}
      data-testid="portable-dossier"
    >
      <Button
        component="a"
        href={dossierUrl(student.id)}
        download
        variant="light"
        aria-label={self ? undefined : t('students.portable.downloadOf', { name: fullName(student) })}
      >
        {self ? t('students.portable.mine') : t('students.portable.download')}
      </Button>
    </SectionCard>
  );
}
