import type { ReactNode } from 'react';
import { Alert, Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatEuros } from '../../lib/money.ts';
import type { Account, PaymentReturn } from './api.ts';

/** "Facturé", "Réglé" and "Solde" of a student's account; a negative balance is what remains to pay ("à régler"). */
export function AccountSummary({ account, title, actions }: { account: Account; title: string; actions?: ReactNode }) {
  const { t } = useTranslation();
  const balance = account.balance_cents;
  const balanceNote = balance < 0 ? t('billing.account.due') : balance > 0 ? t('billing.account.ahead') : t('billing.account.settled');
  return (
    <SectionCard title={title} actions={actions} data-testid="account-summary">
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <Figure label={t('billing.account.invoiced')} testId="account-invoiced">
          {formatEuros(account.invoiced_cents)}
        </Figure>
        <Figure label={t('billing.account.paid')} testId="account-paid">
          {formatEuros(account.paid_cents)}
        </Figure>
        <Figure label={t('billing.account.balance')} testId="account-balance" tone={balance < 0 ? 'red.8' : balance > 0 ? 'teal.9' : undefined}>
          {formatEuros(Math.abs(balance))}{' '}
          <Text span size="md" fw={600} c="inherit">
            {balanceNote}
          </Text>
        </Figure>
      </SimpleGrid>
    </SectionCard>
  );
}

function Figure({ label, testId, tone, children }: { label: string; testId: string; tone?: string; children: ReactNode }) {
  return (
    <Paper component="dl" withBorder p="sm" radius="md" m={0} data-testid={testId}>
      <Text component="dt" size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="dd" m={0} fw={700} size="xl" c={tone} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Paper>
  );
}

/** Back from the payment page: "Paiement reçu, merci !…" (green) or "annulé" (neutral), until dismissed. */
export function PaymentNotice({ status, onDismiss }: { status: PaymentReturn | null; onDismiss: () => void }) {
  const { t } = useTranslation();
  if (status === null) return null;
  return (
    <Alert
      color={status === 'ok' ? 'green' : 'gray'}
      role={status === 'ok' ? 'status' : undefined}
      withCloseButton
      closeButtonLabel={t('billing.notices.dismiss')}
      onClose={onDismiss}
      data-testid="payment-notice"
    >
      {status === 'ok' ? t('billing.notices.paid') : t('billing.notices.cancelled')}
    </Alert>
  );
}
