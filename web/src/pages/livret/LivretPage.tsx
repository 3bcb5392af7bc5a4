import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { EtpPreviewCard } from './EtpPreviewCard.tsx';
import { TransmissionsCard } from './TransmissionsCard.tsx';

/**
 * /livret-numerique (office) — the digital livret: the ETP preview of the month first (what the hours transmitted
 * weigh at the 24th, what the missing ones cost), then the transmissions of the lessons, with "Renvoyer" on the
 * rejected ones.
 */
export default function LivretPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('livret.title')} intro={t('livret.intro')} />
      <Stack gap="lg">
        <EtpPreviewCard />
        <TransmissionsCard />
      </Stack>
    </>
  );
}
