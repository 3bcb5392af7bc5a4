import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../shell/PageHeader.tsx';
import { ClosuresCard } from './billing/ClosuresCard.tsx';
import { FiscalChainCard } from './billing/FiscalChainCard.tsx';
import { ArchivesCard } from './compliance/ArchivesCard.tsx';
import { TechnicalJournalCard } from './compliance/TechnicalJournalCard.tsx';

/**
 * /conformite (ADMIN) — what the anti-fraud VAT law asks of the software (CGI art. 286 I 3° bis), in one place: the
 * verification of the fiscal chain, the closures, the yearly archives with the school's key, the technical journal.
 */
export default function CompliancePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('compliance.title')} intro={t('compliance.intro')} />
      <Stack gap="lg">
        <FiscalChainCard />
        <ClosuresCard />
        <ArchivesCard />
        <TechnicalJournalCard />
      </Stack>
    </>
  );
}
