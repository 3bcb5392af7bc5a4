import { Group, NumberInput, Paper, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMinutes } from '../../lib/duration.ts';
import { formatEuros } from '../../lib/money.ts';
import type { Product } from './api.ts';

/**
 * The catalogue's products, each with its quantity: what a sale, a contract or an amendment is made of. The form holds
 * `quantities` (by product id) and reports "nothing chosen" on `quantities`.
 */
export function ProductQuantities<V extends { quantities: Record<string, number | string> }>({
  form,
  products,
  legend,
}: {
  form: UseFormReturnType<V>;
  products: Product[];
  legend: string;
}) {
  const { t } = useTranslation();
  const nothingId = useId();
  const nothing = form.errors.quantities;
  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }} aria-describedby={nothing ? nothingId : undefined}>
      <Text component="legend" fw={600} mb="xs">
        {legend}
      </Text>
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="sale-products">
        {products.map((p) => (
          <Paper key={p.id} component="li" withBorder p="xs" radius="md" data-testid="sale-product" data-name={p.name}>
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <div style={{ minWidth: 0 }}>
                <Text fw={500} style={{ overflowWrap: 'anywhere' }}>
                  {p.name}
                </Text>
                <Text size="sm" c="dimmed">
                  {t('billing.sale.unitPrice', { price: formatEuros(p.price_cents) })}
                  {p.minutes ? ` · ${t('billing.sale.perUnit', { hours: formatMinutes(p.minutes) })}` : ''}
                </Text>
              </div>
              <NumberInput
                aria-label={t('billing.sale.quantityOf', { name: p.name })}
                min={0}
                max={99}
                allowDecimal={false}
                allowNegative={false}
                w={90}
                style={{ flexShrink: 0 }}
                {...form.getInputProps(`quantities.${p.id}`)}
              />
            </Group>
          </Paper>
        ))}
      </Stack>
      {nothing && (
        <Text id={nothingId} c="red.9" size="sm" role="alert" mt={4}>
          {nothing}
        </Text>
      )}
    </fieldset>
  );
}
