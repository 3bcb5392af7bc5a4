import { useState } from 'react';
import { Anchor, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCurrentSession } from '../../api/session.ts';
import { AppModal } from '../../components/AppModal.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { ResponsiveTable } from '../../components/ResponsiveTable.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { formatDateTime, formatShortDate } from '../../lib/format.ts';
import { formatEuros } from '../../lib/money.ts';
import { AccountSummary, PaymentNotice } from './AccountSummary.tsx';
import {
  invoicePdfUrl,
  useAccount,
  useCheckout,
  usePaymentReturn,
  usePollWhile,
  useRefreshStudentBilling,
  useStudentInvoices,
  useStudentPayments,
  type Invoice,
  type Payment,
} from './api.ts';
import { CreditNoteForm } from './CreditNoteForm.tsx';
import { AccountPaymentForm, PaymentForm } from './PaymentForm.tsx';
import { RefundForm } from './RefundForm.tsx';
import { SaleForm } from './SaleForm.tsx';
import { ScheduleForm } from './ScheduleForm.tsx';

/** The dialog open over the tab: the sale, then maybe the payment of what it issued; or an action on an invoice. */
type Dialog =
  | { kind: 'sale' }
  | { kind: 'pay'; invoice: Invoice; afterSale: boolean }
  | { kind: 'credit'; invoice: Invoice }
  | { kind: 'schedule'; invoice: Invoice }
  | { kind: 'refund'; payment: Payment }
  | { kind: 'deposit' }
  | null;

/** What is left of an invoice once its credit notes are deducted: what an "Avoir" may still cancel. */
const creditable = (invoice: Invoice) => invoice.kind === 'invoice' && invoice.incl_cents - invoice.credited_cents > 0;

/**
 * The "Facturation" tab of a student's file (office): the account, the invoices and credit notes with their actions
 * (take a payment, pay by card online, credit, schedule), the payments, and "Vendre". Back from the card payment page
 * (`paiement=ok`), the figures are read again until the payment shows.
 */
export function BillingPanel({ studentId, studentName }: { studentId: string; studentName: string }) {
  const { t } = useTranslation();
  const account = useAccount(studentId);
  const invoices = useStudentInvoices(studentId);
  const payments = useStudentPayments(studentId);
  const refresh = useRefreshStudentBilling(studentId);
  const back = usePaymentReturn();
  const somethingDue = (invoices.data ?? []).some((invoice) => invoice.due_cents > 0);
  usePollWhile(back.waiting && somethingDue, refresh);
  // The dialog's content stays while it closes (its transition), hence `opened` apart.
  const [dialog, setDialog] = useState<Dialog>(null);
  const [opened, setOpened] = useState(false);
  const open = (next: Dialog) => {
    setDialog(next);
    setOpened(true);
  };
  const close = () => setOpened(false);

  const numbers = new Map((invoices.data ?? []).map((invoice) => [invoice.id, invoice.number]));
  const dialogTitle = (): string => {
    switch (dialog?.kind) {
      case 'sale':
        return t('billing.sale.title', { name: studentName });
      case 'pay':
        return dialog.afterSale ? t('billing.payment.titleAfterSale', { number: dialog.invoice.number }) : t('billing.payment.title', { number: dialog.invoice.number });
      case 'credit':
        return t('billing.credit.title', { number: dialog.invoice.number });
      case 'schedule':
        return t('billing.schedule.title', { number: dialog.invoice.number });
      case 'deposit':
        return t('billing.payment.depositTitle', { name: studentName });
      case 'refund':
        return t('billing.refund.title', { amount: formatEuros(dialog.payment.amount_cents) });
      default:
        return '';
    }
  };

  return (
    <Stack gap="lg" data-testid="billing-panel">
      <PaymentNotice status={back.status} onDismiss={back.dismiss} />
      <QueryView query={account}>
        {(data) => (
          <AccountSummary
            account={data}
            title={t('billing.account.title')}
            actions={
              <Group gap="sm">
                <Button onClick={() => open({ kind: 'sale' })}>{t('billing.sale.open')}</Button>
                <Button variant="default" onClick={() => open({ kind: 'deposit' })}>
                  {t('billing.payment.deposit')}
                </Button>
              </Group>
            }
          />
        )}
      </QueryView>

      <SectionCard title={t('billing.invoices.title')}>
        <QueryView query={invoices} empty={t('billing.invoices.empty')}>
          {(list) => <InvoiceTable invoices={list} numbers={numbers} onAction={open} />}
        </QueryView>
      </SectionCard>

      <SectionCard title={t('billing.payments.title')}>
        <QueryView query={payments} empty={t('billing.payments.empty')}>
          {(list) => <PaymentTable payments={list} numbers={numbers} onRefund={(payment) => open({ kind: 'refund', payment })} />}
        </QueryView>
      </SectionCard>

      <AppModal opened={opened} onClose={close} title={dialogTitle()} size="lg">
        {dialog?.kind === 'sale' && (
          <SaleForm studentId={studentId} onIssued={(invoice) => setDialog({ kind: 'pay', invoice, afterSale: true })} onCancel={close} />
        )}
        {dialog?.kind === 'pay' && <PaymentForm key={dialog.invoice.id} invoice={dialog.invoice} afterSale={dialog.afterSale} onDone={close} />}
        {dialog?.kind === 'credit' && <CreditNoteForm invoice={dialog.invoice} onDone={close} />}
        {dialog?.kind === 'schedule' && <ScheduleForm invoice={dialog.invoice} onDone={close} />}
        {dialog?.kind === 'refund' && <RefundForm payment={dialog.payment} onDone={close} />}
        {dialog?.kind === 'deposit' && <AccountPaymentForm studentId={studentId} onDone={close} />}
      </AppModal>
    </Stack>
  );
}

function InvoiceTable({ invoices, numbers, onAction }: { invoices: Invoice[]; numbers: Map<string, string>; onAction: (dialog: Dialog) => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  const checkout = useCheckout();
  return (
    <ResponsiveTable
      rows={invoices}
      rowKey={(invoice) => invoice.id}
      rowProps={(invoice) => ({ 'data-testid': 'invoice', 'data-number': invoice.number })}
      minWidth={980}
      label={t('billing.invoices.title')}
      columns={[
        {
          key: 'number',
          header: t('billing.invoices.number'),
          primary: true,
          cell: (invoice) => {
            const corrected = invoice.credit_of ? numbers.get(invoice.credit_of) : undefined;
            return (
              <Group gap={6} wrap="wrap">
                <Text span fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {invoice.number}
                </Text>
                {invoice.kind === 'credit_note' && (
                  <Badge color="grape" variant="light" style={{ minWidth: 'max-content' }}>
                    {t('billing.invoices.creditNote')}
                  </Badge>
                )}
                {corrected && (
                  <Text span size="sm" c="dimmed">
                    {t('billing.invoices.creditOfLabel', { number: corrected })}
                  </Text>
                )}
              </Group>
            );
          },
        },
        { key: 'date', header: t('billing.invoices.date'), nowrap: true, cell: (invoice) => formatShortDate(invoice.issued_at, zone) },
        { key: 'total', header: t('billing.invoices.total'), align: 'right', nowrap: true, cell: (invoice) => formatEuros(invoice.incl_cents) },
        {
          key: 'due',
          header: t('billing.invoices.due'),
          align: 'right',
          cell: (invoice) =>
            invoice.kind === 'credit_note' ? (
              t('common.none')
            ) : (
              <Stack gap={2} align="flex-end">
                {invoice.due_cents > 0 ? (
                  <Text span fw={600} c="red.8" style={{ whiteSpace: 'nowrap' }}>
                    {formatEuros(invoice.due_cents)}
                  </Text>
                ) : (
                  <Badge color="green" variant="light" style={{ minWidth: 'max-content' }}>
                    {t('billing.invoices.paidBadge')}
                  </Badge>
                )}
                {invoice.instalments.length > 0 && invoice.due_cents > 0 && (
                  <Text span size="xs" c="dimmed">
                    {t('billing.invoices.instalments', { count: invoice.instalments.length })}
                  </Text>
                )}
              </Stack>
            ),
        },
        {
          key: 'pdf',
          header: t('billing.invoices.pdf'),
          cell: (invoice) => (
            <Anchor href={invoicePdfUrl(invoice.id)} target="_blank" rel="noopener" aria-label={t('billing.invoices.pdfOf', { number: invoice.number })}>
              {t('billing.invoices.pdf')}
            </Anchor>
          ),
        },
        {
          key: 'actions',
          header: t('billing.invoices.actions'),
          action: true,
          cell: (invoice) => (
            <Group gap={6} wrap="wrap">
              {invoice.kind === 'invoice' && invoice.due_cents > 0 && (
                <>
                  <Button size="compact-sm" onClick={() => onAction({ kind: 'pay', invoice, afterSale: false })} aria-label={t('billing.invoices.payOf', { number: invoice.number })}>
                    {t('billing.invoices.pay')}
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="light"
                    onClick={() => checkout.start(invoice.id)}
                    loading={checkout.pendingFor === invoice.id}
                    aria-label={t('billing.invoices.cardOf', { number: invoice.number })}
                  >
                    {t('billing.invoices.card')}
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="default"
                    onClick={() => onAction({ kind: 'schedule', invoice })}
                    aria-label={t('billing.invoices.scheduleOf', { number: invoice.number })}
                  >
                    {t('billing.invoices.schedule')}
                  </Button>
                </>
              )}
              {creditable(invoice) && (
                <Button
                  size="compact-sm"
                  variant="default"
                  onClick={() => onAction({ kind: 'credit', invoice })}
                  aria-label={t('billing.invoices.creditOf', { number: invoice.number })}
                >
                  {t('billing.invoices.credit')}
                </Button>
              )}
            </Group>
          ),
        },
      ]}
    />
  );
}

function PaymentTable({ payments, numbers, onRefund }: { payments: Payment[]; numbers: Map<string, string>; onRefund: (payment: Payment) => void }) {
  const { t } = useTranslation();
  const zone = useCurrentSession().tenant.timezone;
  return (
    <ResponsiveTable
      rows={payments}
      rowKey={(payment) => payment.id}
      rowProps={() => ({ 'data-testid': 'payment' })}
      minWidth={640}
      label={t('billing.payments.title')}
      columns={[
        { key: 'date', header: t('billing.payments.date'), primary: true, nowrap: true, cell: (payment) => formatDateTime(payment.received_at, zone) },
        {
          key: 'method',
          header: t('billing.payments.method'),
          cell: (payment) => (payment.refund_of ? t('billing.refund.label', { method: t(`billing.methods.${payment.method}`) }) : t(`billing.methods.${payment.method}`)),
        },
        { key: 'amount', header: t('billing.payments.amount'), align: 'right', nowrap: true, cell: (payment) => formatEuros(payment.amount_cents) },
        {
          key: 'invoice',
          header: t('billing.payments.invoice'),
          nowrap: true,
          cell: (payment) => (payment.invoice_id ? (numbers.get(payment.invoice_id) ?? t('common.none')) : t('common.none')),
        },
        { key: 'reference', header: t('billing.payments.reference'), cell: (payment) => payment.reason ?? payment.reference ?? t('common.none') },
        {
          key: 'actions',
          header: t('billing.invoices.actions'),
          action: true,
          // A refund is not refunded.
          cell: (payment) =>
            payment.refund_of ? null : (
              <Button size="compact-sm" variant="default" onClick={() => onRefund(payment)} aria-label={t('billing.refund.of', { amount: formatEuros(payment.amount_cents) })}>
                {t('billing.refund.open')}
              </Button>
            ),
        },
      ]}
    />
  );
}
