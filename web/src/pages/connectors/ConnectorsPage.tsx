import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { QueryView } from '../../components/QueryView.tsx';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { useConnectors } from './api.ts';
import { ConnectorCard } from './ConnectorCard.tsx';

/**
 * /connecteurs (ADMIN) — the State platforms the school files to (ANTS): one card per platform with its status, its
 * settings (the secret is write-only), "Tester la connexion" and the journal of the exchanges.
 */
export default function ConnectorsPage() {
  const { t } = useTranslation();
  const connectors = useConnectors();
  return (
    <>
      <PageHeader title={t('connectors.title')} intro={t('connectors.intro')} />
      <QueryView query={connectors} empty={t('connectors.empty')}>
        {(data) => (
          <Stack gap="lg">
            {data.items.map((connector) => (
              <ConnectorCard key={connector.name} connector={connector} />
            ))}
          </Stack>
        )}
      </QueryView>
    </>
  );
}
