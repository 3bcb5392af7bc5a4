import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client.ts';
import { PRODUCTS_KEY } from '../api/keys.ts';
import { useCurrentSession } from '../api/session.ts';
import { AppModal } from '../components/AppModal.tsx';
import { FormError } from '../components/FormError.tsx';
import { QueryView } from '../components/QueryView.tsx';
import { ResponsiveTable } from '../components/ResponsiveTable.tsx';
import { formatMinutes } from '../lib/duration.ts';
import { formatEuros, formatVatRate } from '../lib/money.ts';
import { notifyStale, notifySuccess } from '../lib/notify.ts';
import { useApiForm } from '../lib/useApiForm.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { PRODUCT_KINDS, VAT_RATES, refusedRule, useProducts, type Product } from './billing/api.ts';
import { isTimed, productBody, productValues, validateProduct, type ProductValues } from './billing/productForm.ts';
import { DurationInput } from './students/DurationInput.tsx';

/** The dialog: closed, a new product, or one being edited. */
type Editing = { mode: 'new' } | { mode: 'edit'; product: Product } | null;

/** /catalogue — the products the school sells (ADMIN and SECRETARY read; ADMIN adds and edits). */
export default function CataloguePage() {
  const { t } = useTranslation();
  const { role } = useCurrentSession();
  const manage = role === 'ADMIN';
  const products = useProducts();
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => setEditing(null);
  const product = editing?.mode === 'edit' ? editing.product : undefined;

  return (
    <>
      <PageHeader
        title={t('billing.catalogue.title')}
        intro={t('billing.catalogue.intro')}
        actions={manage && <Button onClick={() => setEditing({ mode: 'new' })}>{t('billing.catalogue.new')}</Button>}
      />
      <Card withBorder padding="lg">
        <QueryView query={products} empty={t('billing.catalogue.empty')}>
          {(items) => (
            <ResponsiveTable
              rows={items}
              rowKey={(p) => p.id}
              rowProps={(p) => ({ 'data-testid': 'product', 'data-name': p.name })}
              minWidth={760}
              label={t('billing.catalogue.title')}
              columns={[
                {
                  key: 'name',
                  header: t('billing.catalogue.name'),
                  primary: true,
                  cell: (p) =>
                    manage ? (
                      <Anchor
                        component="button"
                        type="button"
                        fw={600}
                        ta="left"
                        onClick={() => setEditing({ mode: 'edit', product: p })}
                        aria-label={t('billing.catalogue.editOf', { name: p.name })}
                      >
                        {p.name}
                      </Anchor>
                    ) : (
                      <Text span fw={600}>
                        {p.name}
                      </Text>
                    ),
                },
                { key: 'kind', header: t('billing.catalogue.kind'), cell: (p) => t(`billing.kinds.${p.kind}`) },
                { key: 'price', header: t('billing.catalogue.price'), align: 'right', nowrap: true, cell: (p) => formatEuros(p.price_cents) },
                { key: 'vat', header: t('billing.catalogue.vat'), align: 'right', nowrap: true, cell: (p) => formatVatRate(p.vat_rate_bp) },
                {
                  key: 'hours',
                  header: t('billing.catalogue.hours'),
                  align: 'right',
                  nowrap: true,
                  cell: (p) => (p.minutes ? formatMinutes(p.minutes) : t('billing.catalogue.none')),
                },
                {
                  key: 'status',
                  header: t('billing.catalogue.status'),
                  cell: (p) => (
                    <Badge color={p.active ? 'green' : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
                      {p.active ? t('billing.catalogue.active') : t('billing.catalogue.inactive')}
                    </Badge>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      {manage && (
        <AppModal
          opened={editing !== null}
          onClose={close}
          title={product ? t('billing.catalogue.editTitle', { name: product.name }) : t('billing.catalogue.newTitle')}
          size="lg"
        >
          {editing !== null && <ProductForm key={product ? `${product.id}-${product.version}` : 'new'} product={product} onDone={close} />}
        </AppModal>
      )}
    </>
  );
}

function ProductForm({ product, onDone }: { product?: Product; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm<ProductValues>({
    mode: 'controlled',
    initialValues: productValues(product),
    validate: (values) => validateProduct(values, t),
  });
  const save = useApiForm(form, {
    mutationFn: (body: NonNullable<ReturnType<typeof productBody>>) =>
      product
        ? unwrap(api.PATCH('/api/v1/products/{id}', { params: { path: { id: product.id } }, body: { ...body, version: product.version } }))
        : unwrap(api.POST('/api/v1/products', { body })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
      notifySuccess(t(product ? 'billing.catalogue.saved' : 'billing.catalogue.created', { name: saved.name }));
      onDone();
    },
    onError: (error) => {
      // A fee the law forbids (presenting a student to the exam, transferring a file): said under the name.
      const rule = refusedRule(error);
      if (rule?.code === 'forbidden_fee') form.setFieldError('name', rule.message);
    },
    onStale: () => {
      notifyStale(t('billing.catalogue.stale'));
      void queryClient.invalidateQueries({ queryKey: PRODUCTS_KEY });
      onDone();
    },
    rename: { price_cents: 'price', minutes: 'hours' },
  });
  const timed = isTimed(form.values.kind);

  return (
    <form onSubmit={save.onSubmit(productBody)} noValidate>
      <Stack gap="sm">
        <FormError error={save.failure} />
        <TextInput label={t('billing.catalogue.form.name')} required autoComplete="off" maxLength={120} {...form.getInputProps('name')} />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label={t('billing.catalogue.form.kind')}
            data={PRODUCT_KINDS.map((value) => ({ value, label: t(`billing.kinds.${value}`) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('kind')}
          />
          <Select
            label={t('billing.catalogue.form.vat')}
            data={VAT_RATES.map((bp) => ({ value: String(bp), label: formatVatRate(bp) }))}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
            {...form.getInputProps('vat_rate_bp')}
          />
          <TextInput
            label={t('billing.catalogue.form.price')}
            description={t('billing.catalogue.form.priceHint')}
            required
            inputMode="decimal"
            autoComplete="off"
            rightSection="€"
            {...form.getInputProps('price')}
          />
        </SimpleGrid>
        {timed && (
          <DurationInput
            label={t('billing.catalogue.form.minutes')}
            description={t('billing.catalogue.form.minutesHint')}
            required
            hours={form.getInputProps('hours')}
            minutes={form.getInputProps('minutes')}
          />
        )}
        <Switch
          label={t('billing.catalogue.form.active')}
          description={t('billing.catalogue.form.activeHint')}
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
