import { Alert, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../api/session.ts';
import { followedChild } from '../lib/guardian.ts';
import { QueryView } from '../components/QueryView.tsx';
import { SectionCard } from '../components/SectionCard.tsx';
import { formatDate } from '../lib/format.ts';
import { formatEuros } from '../lib/money.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { AccountSummary, PaymentNotice } from './billing/AccountSummary.tsx';
import { ContractPanel } from './billing/ContractPanel.tsx';
import { useCpfDossier } from './billing/cpf.ts';
import { CpfDossierView } from './billing/CpfDossierView.tsx';
import {
  invoicePdfUrl,
  useAccount,
  useCheckout,
  usePaymentReturn,
  usePollWhile,
  useRefreshStudentBilling,
  useStudentInvoices,
  type Invoice,
} from './billing/api.ts';

/**
 * "Mes factures" (STUDENT, phone first): the balance, each invoice with its PDF and, while something is due, "Payer en
 * ligne"; their CPF dossier when they have one; then the training contract and its amendments, signed here with the code
 * the student received. A guardian reads the same page for the child they follow (pays, signs the contract of a minor).
 */
export default function MyInvoicesPage() {
  const { t } = useTranslation();
  const session = useCurrentSession();
  const studentId = session.student_id;
  // A guardian pays the child's invoices and signs the contract of a minor: the same page, titled with the child.
  const child = followedChild(session);
  return (
    <>
      <PageHeader
        title={child ? t('guardians.pages.invoices', { name: child.first_name }) : t('billing.mine.title')}
        intro={child ? t('guardians.pages.invoicesIntro') : t('billing.mine.intro')}
      />
      {studentId ? <MyInvoices studentId={studentId} /> : <Alert color="blue">{t('students.noRecord')}</Alert>}
    </>
  );
}

function MyInvoices({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const account = useAccount(studentId);
  const invoices = useStudentInvoices(studentId);
  const refresh = useRefreshStudentBilling(studentId);
  const back = usePaymentReturn();
  // Back from the payment page: the payment is recorded when the provider tells the server, a moment later.
  usePollWhile(back.waiting && (invoices.data ?? []).some((invoice) => invoice.due_cents > 0), refresh);

  return (
    <Stack gap="lg">
      <PaymentNotice status={back.status} onDismiss={back.dismiss} />
      <QueryView query={account}>{(data) => <AccountSummary account={data} title={t('billing.mine.account')} />}</QueryView>
      <SectionCard title={t('billing.mine.list')}>
        <QueryView query={invoices} empty={t('billing.mine.empty')}>
          {(list) => (
            <Stack component="ul" gap="sm" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label={t('billing.mine.list')} data-testid="my-invoices">
              {list.map((invoice) => (
                <InvoiceCard key={invoice.id} invoice={invoice} />
              ))}
            </Stack>
          )}
        </QueryView>
      </SectionCard>
      <MyCpfDossier studentId={studentId} />
      <ContractPanel studentId={studentId} hasEvaluation canPrepare={false} />
    </Stack>
  );
}

/** The student's CPF dossier, read-only, when the school follows one for them (nothing otherwise). */
function MyCpfDossier({ studentId }: { studentId: string }) {
  const { t } = useTranslation();
  const dossier = useCpfDossier(studentId);
  if (!dossier.data) return null;
  return (
    <SectionCard title={t('billing.cpf.mine.title')} hint={t('billing.cpf.mine.intro')} data-testid="my-cpf">
      <CpfDossierView dossier={dossier.data} office={false} />
    </SectionCard>
  );
}

function InvoiceCard({ invoice }: { invoice: Invoice }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const checkout = useCheckout();
  const isInvoice = invoice.kind === 'invoice';
  const title = isInvoice ? t('billing.invoices.invoiceLabel', { number: invoice.number }) : t('billing.invoices.creditNoteLabel', { number: invoice.number });
  return (
    <Card component="li" withBorder padding="md" radius="md" data-testid="my-invoice" data-number={invoice.number}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title order={3} size="h4" style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {t('billing.mine.issuedOn', { date: formatDate(invoice.issued_at, zone) })}
            </Text>
          </div>
          {isInvoice && invoice.due_cents === 0 && (
            <Badge color="green" variant="light" style={{ minWidth: 'max-content' }}>
              {t('billing.mine.paid')}
            </Badge>
          )}
        </Group>
        <dl style={{ display: 'grid', gridTemplateColumns: 'minmax(6rem, max-content) 1fr', columnGap: 12, rowGap: 4, margin: 0 }}>
          <Text component="dt" size="sm" c="dimmed">
            {t('billing.mine.total')}
          </Text>
          <Text component="dd" m={0} fw={600}>
            {formatEuros(invoice.incl_cents)}
          </Text>
          {isInvoice && (
            <>
              <Text component="dt" size="sm" c="dimmed">
                {t('billing.mine.due')}
              </Text>
              <Text component="dd" m={0} fw={700} c={invoice.due_cents > 0 ? 'red.8' : undefined} data-testid="my-invoice-due">
                {formatEuros(invoice.due_cents)}
              </Text>
            </>
          )}
        </dl>
        <Stack gap="xs">
          {isInvoice && invoice.due_cents > 0 && (
            <Button
              size="lg"
              fullWidth
              onClick={() => checkout.start(invoice.id)}
              loading={checkout.pendingFor === invoice.id}
              aria-label={t('billing.mine.payOnlineOf', { number: invoice.number, due: formatEuros(invoice.due_cents) })}
            >
              {t('billing.mine.payOnline')}
            </Button>
          )}
          <Button
            component="a"
            href={invoicePdfUrl(invoice.id)}
            target="_blank"
            rel="noopener"
            variant="default"
            fullWidth
            aria-label={t('billing.invoices.downloadOf', { number: invoice.number })}
          >
            {t('billing.invoices.download')}
          </Button>
        </Stack>
      </Stack>
    </Card>
  );
}
