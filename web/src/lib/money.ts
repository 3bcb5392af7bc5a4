/**
 * Money the French way. The API counts integer cents (VAT included unless said otherwise) and VAT rates in basis
 * points (2000 = 20 %); the screen shows "1 200,00 €", "20 %", and reads what a secretary types ("1200", "1 200,50",
 * "49.9 €") back into cents without any floating-point rounding.
 */

const MINUS = '\u2212';
/** Between groups of thousands (French typography, and what Intl's fr-FR writes). */
const NNBSP = '\u202f';
/** Before "€" and "%". */
const NBSP = '\u00a0';

/** 1234567 → "1 234 567". Written by hand: Intl's spaces vary with the browser's ICU data. */
function groups(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
}

/**
 * "1 200,00 €" (a narrow no-break space between thousands, a no-break space before the sign, as Intl writes it);
 * negative amounts start with a minus sign ("−45,00 €"). `signed` adds "+" to positive amounts.
 */
export function formatEuros(cents: number, { signed = false }: { signed?: boolean } = {}): string {
  if (!Number.isFinite(cents)) return '';
  const rounded = Math.round(cents);
  const sign = rounded < 0 ? MINUS : signed && rounded > 0 ? '+' : '';
  const abs = Math.abs(rounded);
  return `${sign}${groups(Math.floor(abs / 100))},${String(abs % 100).padStart(2, '0')}${NBSP}€`;
}

/** A VAT rate in basis points: 2000 → "20 %", 550 → "5,5 %", 210 → "2,1 %", 0 → "0 %". */
export function formatVatRate(bp: number): string {
  const rounded = Math.round(bp);
  const whole = Math.floor(Math.abs(rounded) / 100);
  const fraction = String(Math.abs(rounded) % 100).padStart(2, '0').replace(/0+$/, '');
  return `${rounded < 0 ? MINUS : ''}${groups(whole)}${fraction ? `,${fraction}` : ''}${NBSP}%`;
}

/**
 * Euros typed in a field → cents, or null when unreadable, negative or with more than two decimals.
 * Accepts "1200", "1 200", "1 200,5", "1200.50", "12,50 €", "€ 12", "0,99"; spaces of any kind are ignored.
 */
export function parseEuros(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, '').replace(/^€|€$/g, '');
  const m = /^(\d+)(?:[.,](\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = m[1] ?? '';
  const fraction = (m[2] ?? '').padEnd(2, '0');
  const cents = Number(whole) * 100 + Number(fraction);
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Cents as a field's value, to edit: 120000 → "1200,00", 5 → "0,05". */
export function eurosInput(cents: number): string {
  const abs = Math.abs(Math.round(cents));
  const text = `${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
  return cents < 0 ? `-${text}` : text;
}
