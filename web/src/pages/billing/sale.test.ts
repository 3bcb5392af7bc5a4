import i18n from '../../i18n/index.ts';
import { emptySale, saleBody, saleLines, saleTotals, validateSale } from './sale.ts';

const t = i18n.t.bind(i18n);

const products = [
  { id: 'p-20h', price_cents: 120_000, minutes: 1200 },
  { id: 'p-reg', price_cents: 15_000, minutes: null },
  { id: 'p-1h', price_cents: 6_000, minutes: 60 },
];

describe('the sale at the desk', () => {
  it('adds up the total and the hours of what is selected', () => {
    const values = emptySale(products);
    expect(saleTotals(values, products)).toEqual({ cents: 0, minutes: 0 });
    values.quantities['p-20h'] = 1;
    values.quantities['p-reg'] = '1';
    values.quantities['p-1h'] = 3;
    expect(saleTotals(values, products)).toEqual({ cents: 153_000, minutes: 1380 });
    expect(saleLines(values, products)).toEqual([
      { product_id: 'p-20h', quantity: 1 },
      { product_id: 'p-reg', quantity: 1 },
      { product_id: 'p-1h', quantity: 3 },
    ]);
  });

  it('ignores empty, zero and invalid quantities', () => {
    const values = { ...emptySale(products), quantities: { 'p-20h': '', 'p-reg': 0, 'p-1h': 1.5 } };
    expect(saleLines(values, products)).toEqual([]);
    expect(saleBody('s-1', values, products)).toBeNull();
    expect(validateSale(values, products, t)).toEqual({ quantities: 'Choisissez au moins un produit.' });
  });

  it('bills the student by default, a business when asked', () => {
    const values = emptySale(products);
    values.quantities['p-20h'] = 2;
    expect(saleBody('s-1', values, products)).toEqual({ student_id: 's-1', lines: [{ product_id: 'p-20h', quantity: 2 }] });

    values.business = true;
    expect(validateSale(values, products, t)).toEqual({ 'customer.name': 'Ce champ est obligatoire.' });
    values.customer = { name: ' Transports Martin ', siren: '123 456 78', vat_number: '', address: '' };
    expect(validateSale(values, products, t)).toEqual({ 'customer.siren': 'Le SIREN compte 9 chiffres.' });
    values.customer = { name: 'Transports Martin', siren: '123 456 789', vat_number: 'fr 40 123456789', address: '1 rue de la Paix, Tours' };
    expect(validateSale(values, products, t)).toEqual({});
    expect(saleBody('s-1', values, products)).toEqual({
      student_id: 's-1',
      lines: [{ product_id: 'p-20h', quantity: 2 }],
      customer: { kind: 'business', name: 'Transports Martin', siren: '123456789', vat_number: 'FR40123456789', address: '1 rue de la Paix, Tours' },
    });
  });
});
