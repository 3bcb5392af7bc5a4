import { Alert, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { QueryView } from '../../components/QueryView.tsx';
import { PageHeader } from '../../shell/PageHeader.tsx';
import { isOAuthOutcome, useConnectors, type ConnectorName } from './api.ts';
import { ConnectorCard } from './ConnectorCard.tsx';

/**
 * /connecteurs (ADMIN) — the State platforms the school files to (ANTS): one card per platform with its status, its
 * settings (the secret is write-only), "Tester la connexion" and the journal of the exchanges.
 */
export default function ConnectorsPage() {
  const { t } = useTranslation();
  const connectors = useConnectors();
  const [params] = useSearchParams();
  // Back from a platform's consent page: `?rdvpermis=connected` (the platform's name, how it went).
  const granted = (['rdvpermis'] as const satisfies readonly ConnectorName[])
    .map((name) => ({ name, outcome: params.get(name) }))
    .find((g) => isOAuthOutcome(g.outcome));
  const label = granted && connectors.data?.items.find((c) => c.name === granted.name)?.label;
  return (
    <>
      <PageHeader title={t('connectors.title')} intro={t('connectors.intro')} />
      {granted && isOAuthOutcome(granted.outcome) && (
        <Alert
          color={granted.outcome === 'connected' ? 'green' : 'red'}
          role={granted.outcome === 'connected' ? 'status' : 'alert'}
          mb="lg"
          data-testid="oauth-outcome"
        >
          {t(`connectors.oauth.outcomes.${granted.outcome}`, { label: label ?? granted.name })}
        </Alert>
      )}
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
