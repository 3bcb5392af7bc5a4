/** The sale at the desk ("Vendre"): its values, the live total, and the invoice it issues. */
import type { TFunction } from 'i18next';
import type { Product } from './api.ts';

export interface CustomerValues {
  name: string;
  siren: string;
  vat_number: string;
  address: string;
}

export interface SaleValues {
  /** Quantity by product id (empty or 0: not sold). */
  quantities: Record<string, number | string>;
  /** Billed to a business rather than to the student (or their guardian). */
  business: boolean;
  customer: CustomerValues;
}

export function emptySale(products: readonly Pick<Product, 'id'>[]): SaleValues {
  return {
    quantities: Object.fromEntries(products.map((p) => [p.id, 0])),
    business: false,
    customer: { name: '', siren: '', vat_number: '', address: '' },
  };
}

/** A whole, positive quantity, or 0 (empty, invalid). */
function quantity(value: number | string | undefined): number {
  const n = typeof value === 'number' ? value : Number((value ?? '').trim() || '0');
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The lines sold, in the catalogue's order. */
export function saleLines(values: Pick<SaleValues, 'quantities'>, products: readonly Pick<Product, 'id'>[]): { product_id: string; quantity: number }[] {
  return products.map((p) => ({ product_id: p.id, quantity: quantity(values.quantities[p.id]) })).filter((line) => line.quantity > 0);
}

/** The total VAT included (cents) and the driving time credited (minutes) of what is selected. */
export function saleTotals(values: SaleValues, products: readonly Pick<Product, 'id' | 'price_cents' | 'minutes'>[]): { cents: number; minutes: number } {
  let cents = 0;
  let minutes = 0;
  for (const p of products) {
    const q = quantity(values.quantities[p.id]);
    cents += q * p.price_cents;
    minutes += q * (p.minutes ?? 0);
  }
  return { cents, minutes };
}

/** The body of POST /invoices, or null when nothing is selected. */
export function saleBody(studentId: string, values: SaleValues, products: readonly Pick<Product, 'id'>[]) {
  const lines = saleLines(values, products);
  if (lines.length === 0) return null;
  const text = (value: string) => {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  };
  const customer = values.business
    ? {
        kind: 'business' as const,
        name: values.customer.name.trim(),
        siren: text(values.customer.siren.replace(/\s/g, '')),
        vat_number: text(values.customer.vat_number.replace(/\s/g, '').toUpperCase()),
        address: text(values.customer.address),
      }
    : undefined;
  return { student_id: studentId, lines, ...(customer ? { customer } : {}) };
}

export function validateSale(values: SaleValues, products: readonly Pick<Product, 'id'>[], t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (saleLines(values, products).length === 0) errors.quantities = t('billing.sale.nothing');
  if (values.business) {
    if (values.customer.name.trim() === '') errors['customer.name'] = t('validation.required');
    const siren = values.customer.siren.replace(/\s/g, '');
    if (siren !== '' && !/^\d{9}$/.test(siren)) errors['customer.siren'] = t('billing.sale.sirenInvalid');
  }
  return errors;
}
