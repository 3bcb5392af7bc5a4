import { Button, Checkbox, Group, Paper, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { FormError } from '../../components/FormError.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { formatMinutes } from '../../lib/duration.ts';
import { formatEuros } from '../../lib/money.ts';
import { notifySuccess, notifyWarning } from '../../lib/notify.ts';
import { useApiForm } from '../../lib/useApiForm.ts';
import { useProducts, useRefreshStudentBilling, type Invoice, type Product } from './api.ts';
import { ProductQuantities } from './ProductQuantities.tsx';
import { emptySale, saleBody, saleTotals, validateSale, type SaleValues } from './sale.ts';

/**
 * "Vendre", at the desk: the products on sale with their quantities, the total and the hours credited as they are
 * chosen, an optional business to bill, then "Émettre la facture" (the payment comes next, see PaymentForm).
 */
export function SaleForm({ studentId, onIssued, onCancel }: { studentId: string; onIssued: (invoice: Invoice) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const products = useProducts(true);
  return (
    <QueryView query={products} empty={t('billing.sale.noProduct')}>
      {(list) => <SaleFields studentId={studentId} products={list} onIssued={onIssued} onCancel={onCancel} />}
    </QueryView>
  );
}

function SaleFields({
  studentId,
  products,
  onIssued,
  onCancel,
}: {
  studentId: string;
  products: Product[];
  onIssued: (invoice: Invoice) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const refresh = useRefreshStudentBilling(studentId);
  const form = useForm<SaleValues>({
    mode: 'controlled',
    initialValues: emptySale(products),
    validate: (values) => validateSale(values, products, t),
  });
  const issue = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof saleBody>>) => unwrap(api.POST('/api/v1/invoices', { body })),
    onSuccess: (invoice) => {
      refresh();
      notifySuccess(t('billing.sale.issued', { number: invoice.number }));
      // Hours beyond the signed contract: sold, but the office is told an amendment is due.
      for (const warning of invoice.warnings) notifyWarning(warning.message);
      onIssued(invoice);
    },
  });
  const totals = saleTotals(form.values, products);

  return (
    <form onSubmit={issue.onSubmit((values) => saleBody(studentId, values, products))} noValidate>
      <Stack gap="md">
        <FormError error={issue.failure} />
        <ProductQuantities form={form} products={products} legend={t('billing.sale.products')} />

        <Paper withBorder p="sm" radius="md" bg="gray.0">
          <Group justify="space-between" gap="md" role="status" data-testid="sale-totals">
            <div>
              <Text size="sm" c="dimmed">
                {t('billing.sale.total')}
              </Text>
              <Text fw={700} size="xl" data-testid="sale-total">
                {formatEuros(totals.cents)}
              </Text>
            </div>
            <div>
              <Text size="sm" c="dimmed">
                {t('billing.sale.hours')}
              </Text>
              <Text fw={700} size="xl" data-testid="sale-hours">
                {formatMinutes(totals.minutes)}
              </Text>
            </div>
          </Group>
        </Paper>

        <Checkbox
          label={t('billing.sale.business')}
          description={t('billing.sale.businessHint')}
          {...form.getInputProps('business', { type: 'checkbox' })}
        />
        {form.values.business && (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <TextInput label={t('billing.sale.customerName')} required autoComplete="organization" {...form.getInputProps('customer.name')} />
            <TextInput
              label={t('billing.sale.siren')}
              description={t('billing.sale.sirenHint')}
              inputMode="numeric"
              autoComplete="off"
              {...form.getInputProps('customer.siren')}
            />
            <TextInput label={t('billing.sale.vatNumber')} autoComplete="off" {...form.getInputProps('customer.vat_number')} />
            <Textarea label={t('billing.sale.address')} autosize minRows={2} autoComplete="street-address" {...form.getInputProps('customer.address')} />
          </SimpleGrid>
        )}

        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={issue.isPending}>
            {t('billing.sale.issue')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
