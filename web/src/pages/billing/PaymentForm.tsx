import { useEffect, useRef } from 'react';
import { Button, Divider, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { optional } from '../../lib/formErrors.ts';
import { eurosInput, formatEuros, parseEuros } from '../../lib/money.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { DESK_METHODS, useCheckout, useRefreshStudentBilling, type Invoice, type PaymentMethod } from './api.ts';

interface PaymentValues {
  /** Euros, as typed. */
  amount: string;
  method: PaymentMethod;
  reference: string;
}

/** The body of POST /payments: for an invoice, or on the student's account (a deposit) without one. */
function paymentBody(studentId: string, invoiceId: string | null, values: PaymentValues) {
  return {
    student_id: studentId,
    ...(invoiceId ? { invoice_id: invoiceId } : {}),
    method: values.method,
    amount_cents: parseEuros(values.amount) ?? 0,
    reference: optional(values.reference),
  };
}

/** Amount, method and reference of a payment taken at the desk. */
function DeskPaymentFields({ form }: { form: UseFormReturnType<PaymentValues> }) {
  const { t } = useTranslation();
  return (
    <>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput
          label={t('billing.payment.amount')}
          required
          inputMode="decimal"
          autoComplete="off"
          rightSection="€"
          {...form.getInputProps('amount')}
        />
        <Select
          label={t('billing.payment.method')}
          data={DESK_METHODS.map((value) => ({ value, label: t(`billing.deskMethods.${value}`) }))}
          allowDeselect={false}
          comboboxProps={{ withinPortal: false }}
          {...form.getInputProps('method')}
        />
      </SimpleGrid>
      <TextInput
        label={t('billing.payment.reference')}
        description={t('billing.payment.referenceHint')}
        autoComplete="off"
        maxLength={120}
        {...form.getInputProps('reference')}
      />
    </>
  );
}

/**
 * "Acompte": money taken on the student's account before (or without) an invoice. The account shows it to their credit;
 * later invoices are settled against the balance.
 */
export function AccountPaymentForm({ studentId, onDone }: { studentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefreshStudentBilling(studentId);
  const form = useForm<PaymentValues>({
    mode: 'controlled',
    initialValues: { amount: '', method: 'cash', reference: '' },
    validate: {
      amount: (value) => {
        const cents = parseEuros(value);
        return cents === null || cents === 0 ? t('billing.payment.amountInvalid') : null;
      },
    },
  });
  const record = useApiForm(form, {
    mutationFn: (body: ReturnType<typeof paymentBody>) => unwrap(api.POST('/api/v1/payments', { body })),
    onSuccess: (payment) => {
      refresh();
      notifySuccess(t('billing.payment.recorded', { amount: formatEuros(payment.amount_cents) }));
      onDone();
    },
    rename: { amount_cents: 'amount' },
  });
  return (
    <form onSubmit={record.onSubmit((values) => paymentBody(studentId, null, values))} noValidate>
      <Stack gap="sm">
        <FormError error={record.failure} />
        <Text size="sm">{t('billing.payment.depositHint')}</Text>
        <DeskPaymentFields form={form} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={record.isPending}>
            {t('billing.payment.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Taking a payment for an invoice: at the desk (cash, cheque, transfer, CPF, the card terminal…, the amount prefilled
 * with what remains due), or "Paiement par carte en ligne" (the provider's page), or later. After a sale, the dialog
 * goes on with this form: its first sentence takes the focus, the button that had it being gone.
 */
export function PaymentForm({ invoice, afterSale = false, onDone }: { invoice: Invoice; afterSale?: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefreshStudentBilling(invoice.student_id);
  const checkout = useCheckout();
  const summaryRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (afterSale) summaryRef.current?.focus();
  }, [afterSale]);

  const form = useForm<PaymentValues>({
    mode: 'controlled',
    initialValues: { amount: eurosInput(invoice.due_cents), method: 'cash', reference: '' },
    validate: {
      amount: (value) => {
        const cents = parseEuros(value);
        if (cents === null || cents === 0) return t('billing.payment.amountInvalid');
        if (cents > invoice.due_cents) return t('billing.payment.amountTooHigh', { due: formatEuros(invoice.due_cents) });
        return null;
      },
    },
  });
  const record = useApiForm(form, {
    mutationFn: (body: ReturnType<typeof paymentBody>) => unwrap(api.POST('/api/v1/payments', { body })),
    onSuccess: (payment) => {
      refresh();
      notifySuccess(t('billing.payment.recorded', { amount: formatEuros(payment.amount_cents) }));
      onDone();
    },
    rename: { amount_cents: 'amount' },
  });
  const leaving = checkout.pendingFor === invoice.id;

  return (
    <Stack gap="md">
      <Text ref={summaryRef} tabIndex={-1} fw={600} size="lg" data-testid="payment-due" style={{ outlineOffset: 2 }}>
        {t('billing.payment.summary', { due: formatEuros(invoice.due_cents) })}
      </Text>
      <form onSubmit={record.onSubmit((values) => paymentBody(invoice.student_id, invoice.id, values))} noValidate>
        <Stack gap="sm">
          <FormError error={record.failure} />
          <DeskPaymentFields form={form} />
          <Group justify="flex-end">
            <Button type="submit" loading={record.isPending} disabled={leaving}>
              {t('billing.payment.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
      <Divider label={t('billing.payment.or')} labelPosition="center" />
      <Stack gap={4}>
        <Button variant="light" onClick={() => checkout.start(invoice.id)} loading={leaving} disabled={record.isPending}>
          {t('billing.payment.online')}
        </Button>
        <Text size="sm" c="dimmed" ta="center">
          {t('billing.payment.onlineHint')}
        </Text>
      </Stack>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} disabled={leaving}>
          {afterSale ? t('billing.payment.later') : t('common.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}
