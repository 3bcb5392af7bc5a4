import { Button, Group, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { eurosInput, formatEuros, parseEuros } from '../../lib/money.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { useRefreshStudentBilling, type Payment } from './api.ts';

interface RefundValues {
  amount: string;
  reason: string;
}

/**
 * "Rembourser": money given back on a payment, by its own method. The payment stays as it was; the refund is a new,
 * negative record, and the invoice it paid is due again by as much. The server says how much remains refundable.
 */
export function RefundForm({ payment, onDone }: { payment: Payment; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefreshStudentBilling(payment.student_id);
  const form = useForm<RefundValues>({
    mode: 'controlled',
    initialValues: { amount: eurosInput(payment.amount_cents), reason: '' },
    validate: {
      amount: (value) => {
        const cents = parseEuros(value);
        if (cents === null || cents <= 0) return t('billing.payment.amountInvalid');
        return cents > payment.amount_cents ? t('billing.refund.tooHigh', { paid: formatEuros(payment.amount_cents) }) : null;
      },
      reason: (value) => (value.trim() === '' ? t('validation.required') : null),
    },
  });
  const refund = useApiForm(form, {
    mutationFn: (values: RefundValues) =>
      unwrap(
        api.POST('/api/v1/payments/{id}/refunds', {
          params: { path: { id: payment.id } },
          body: { amount_cents: parseEuros(values.amount) ?? 0, reason: values.reason.trim() },
        }),
      ),
    onSuccess: (done) => {
      refresh();
      notifySuccess(t('billing.refund.done', { amount: formatEuros(-done.amount_cents) }));
      onDone();
    },
    rename: { amount_cents: 'amount' },
  });
  return (
    <form onSubmit={refund.onSubmit((values) => values)} noValidate>
      <Stack gap="sm">
        <FormError error={refund.failure} />
        <Text size="sm">{t('billing.refund.hint', { method: t(`billing.methods.${payment.method}`) })}</Text>
        <TextInput label={t('billing.refund.amount')} required inputMode="decimal" autoComplete="off" rightSection="€" {...form.getInputProps('amount')} />
        <Textarea label={t('billing.refund.reason')} required autosize minRows={2} maxLength={300} {...form.getInputProps('reason')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={refund.isPending}>
            {t('billing.refund.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
