import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../shell/PageHeader.tsx';
import { ImportWizard } from './imports/ImportWizard.tsx';
import { SchoolExportCard } from './imports/SchoolExportCard.tsx';

/**
 * /import-export (ADMIN) — arriving with the previous software's data and leaving with everything: the import wizard
 * (students, hour balances, booklet levels, checked by a dry run before anything is written) and the whole-school
 * export (a zip whose eleves.csv, soldes.csv and livret.csv re-import in that order).
 */
export default function ImportExportPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('imports.title')} intro={t('imports.intro')} />
      <Stack gap="lg">
        <ImportWizard />
        <SchoolExportCard />
      </Stack>
    </>
  );
}
