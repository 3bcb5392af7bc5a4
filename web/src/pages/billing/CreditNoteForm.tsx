import { useId } from 'react';
import { Button, Group, NumberInput, Paper, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { formatEuros } from '../../lib/money.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { useRefreshStudentBilling, type Invoice } from './api.ts';

interface CreditValues {
  scope: 'whole' | 'lines';
  /** Quantity to cancel by line, keyed `p{position}`. */
  quantities: Record<string, number | string>;
  reason: string;
}

const lineKey = (position: number) => `p${position}`;

/** The body of POST /invoices/{id}/credit-notes: all of the invoice, or the quantities given per line. */
function creditBody(invoice: Pick<Invoice, 'lines'>, values: CreditValues) {
  const reason = values.reason.trim();
  if (values.scope === 'whole') return { reason };
  const lines = invoice.lines
    .map((line) => ({ position: line.position, quantity: Number(values.quantities[lineKey(line.position)] || 0) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
  return lines.length === 0 ? null : { lines, reason };
}

/** "Avoir": corrects an invoice (it never changes) by a credit note, for all of it or some quantities of its lines. */
export function CreditNoteForm({ invoice, onDone }: { invoice: Invoice; onDone: () => void }) {
  const { t } = useTranslation();
  const nothingId = useId();
  const refresh = useRefreshStudentBilling(invoice.student_id);
  const form = useForm<CreditValues>({
    mode: 'controlled',
    initialValues: { scope: 'whole', quantities: Object.fromEntries(invoice.lines.map((line) => [lineKey(line.position), 0])), reason: '' },
    validate: (values) => {
      const errors: Record<string, string> = {};
      if (values.reason.trim() === '') errors.reason = t('validation.required');
      if (values.scope === 'lines' && creditBody(invoice, values) === null) errors.quantities = t('billing.credit.nothing');
      return errors;
    },
  });
  const credit = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof creditBody>>) =>
      unwrap(api.POST('/api/v1/invoices/{id}/credit-notes', { params: { path: { id: invoice.id } }, body })),
    onSuccess: (note) => {
      refresh();
      notifySuccess(t('billing.credit.issued', { number: note.number }));
      onDone();
    },
  });
  const nothing = form.errors.quantities;

  return (
    <form onSubmit={credit.onSubmit((values) => creditBody(invoice, values))} noValidate>
      <Stack gap="md">
        <FormError error={credit.failure} />
        <Radio.Group label={t('billing.credit.scope')} {...form.getInputProps('scope')}>
          <Group gap="lg" mt="xs">
            <Radio value="whole" label={t('billing.credit.whole')} />
            <Radio value="lines" label={t('billing.credit.lines')} />
          </Group>
        </Radio.Group>
        {form.values.scope === 'lines' && (
          <Stack gap="xs" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-describedby={nothing ? nothingId : undefined}>
            {invoice.lines.map((line) => (
              <Paper key={line.position} component="li" withBorder p="xs" radius="md">
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <div style={{ minWidth: 0 }}>
                    <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
                      {line.label}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {formatEuros(line.unit_price_cents)} × {line.quantity}
                    </Text>
                  </div>
                  <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
                    <NumberInput
                      aria-label={t('billing.credit.quantityOf', { label: line.label })}
                      min={0}
                      max={Math.abs(line.quantity)}
                      allowDecimal={false}
                      allowNegative={false}
                      w={80}
                      {...form.getInputProps(`quantities.${lineKey(line.position)}`)}
                    />
                    <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {t('billing.credit.ofQuantity', { count: Math.abs(line.quantity) })}
                    </Text>
                  </Group>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
        {nothing && (
          <Text id={nothingId} c="red.9" size="sm" role="alert">
            {nothing}
          </Text>
        )}
        <Textarea
          label={t('billing.credit.reason')}
          description={t('billing.credit.reasonHint')}
          required
          rows={3}
          maxLength={500}
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={credit.isPending}>
            {t('billing.credit.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
