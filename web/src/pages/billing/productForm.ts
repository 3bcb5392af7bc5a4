/** A product of the catalogue as its form edits it: the price in euros as typed, the driving time as hours + minutes. */
import type { TFunction } from 'i18next';
import { splitMinutes, toMinutes } from '../../lib/duration.ts';
import { eurosInput, parseEuros } from '../../lib/money.ts';
import { DEFAULT_VAT_BP, TIMED_KINDS, type Product, type ProductKind } from './api.ts';

export interface ProductValues {
  name: string;
  kind: ProductKind;
  /** Euros, as typed ("1 200,00"). */
  price: string;
  /** The VAT rate in basis points, as the select's value ("2000"). */
  vat_rate_bp: string;
  hours: number | string;
  minutes: number | string;
  active: boolean;
}

export function productValues(product?: Product): ProductValues {
  const time = product?.minutes ? splitMinutes(product.minutes) : null;
  return {
    name: product?.name ?? '',
    kind: product?.kind ?? 'hours_package',
    price: product ? eurosInput(product.price_cents) : '',
    vat_rate_bp: String(product?.vat_rate_bp ?? DEFAULT_VAT_BP),
    hours: time?.hours ?? '',
    minutes: time ? time.minutes : '',
    active: product?.active ?? true,
  };
}

/** Whether the kind credits driving time (the form asks for it). */
export function isTimed(kind: ProductKind): boolean {
  return TIMED_KINDS.includes(kind);
}

/** The body of POST /products (and of PATCH, with the version), or null while the price is unreadable. */
export function productBody(values: ProductValues) {
  const price = parseEuros(values.price);
  if (price === null) return null;
  const minutes = isTimed(values.kind) ? toMinutes(values.hours, values.minutes) : null;
  return {
    name: values.name.trim(),
    kind: values.kind,
    price_cents: price,
    vat_rate_bp: Number(values.vat_rate_bp),
    minutes: minutes === 0 ? null : minutes,
    active: values.active,
  };
}

export function validateProduct(values: ProductValues, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.name.trim() === '') errors.name = t('validation.required');
  if (parseEuros(values.price) === null) errors.price = t('billing.catalogue.form.priceInvalid');
  if (isTimed(values.kind)) {
    const minutes = toMinutes(values.hours, values.minutes);
    if (minutes === null && (String(values.hours).trim() !== '' || String(values.minutes).trim() !== '')) {
      errors.hours = t('students.duration.invalidMinutes');
    } else if (minutes === null || minutes === 0) {
      errors.hours = t('billing.catalogue.form.minutesRequired');
    }
  }
  return errors;
}
