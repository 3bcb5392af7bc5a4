import { eurosInput, formatEuros, formatVatRate, parseEuros } from './money.ts';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('euros', () => {
  it('formats cents the French way', () => {
    expect(formatEuros(120_000)).toBe(`1${NNBSP}200,00${NBSP}€`);
    expect(formatEuros(5)).toBe(`0,05${NBSP}€`);
    expect(formatEuros(0)).toBe(`0,00${NBSP}€`);
    expect(formatEuros(123_456_789)).toBe(`1${NNBSP}234${NNBSP}567,89${NBSP}€`);
    expect(formatEuros(-4_500)).toBe(`\u221245,00${NBSP}€`);
    expect(formatEuros(4_500, { signed: true })).toBe(`+45,00${NBSP}€`);
    expect(formatEuros(0, { signed: true })).toBe(`0,00${NBSP}€`);
    expect(formatEuros(Number.NaN)).toBe('');
  });

  it('matches "1 200,00 €" whatever the kind of space', () => {
    expect(formatEuros(120_000)).toMatch(/^1\s200,00\s€$/);
  });

  it('reads euros typed with a comma, a dot, spaces or the sign into cents', () => {
    expect(parseEuros('1200')).toBe(120_000);
    expect(parseEuros('1 200,50')).toBe(120_050);
    expect(parseEuros(`1${NNBSP}200,5${NBSP}€`)).toBe(120_050);
    expect(parseEuros('1200.5')).toBe(120_050);
    expect(parseEuros('0,99')).toBe(99);
    expect(parseEuros('12,')).toBe(1_200);
    expect(parseEuros(' 49,90 € ')).toBe(4_990);
    expect(parseEuros('€ 12')).toBe(1_200);
    // No float rounding: 0.29 * 100 would be 28.999…
    expect(parseEuros('0,29')).toBe(29);
    expect(parseEuros('1234567,89')).toBe(123_456_789);
  });

  it('refuses what is not an amount', () => {
    for (const text of ['', ' ', 'abc', '-12', '12,345', '1,2,3', '12 €50', ',50', '1e3', '12.5.0']) {
      expect(parseEuros(text), text).toBeNull();
    }
  });

  it('writes cents back as a field value that parses to the same cents', () => {
    expect(eurosInput(120_000)).toBe('1200,00');
    expect(eurosInput(5)).toBe('0,05');
    expect(eurosInput(-150)).toBe('-1,50');
    for (const cents of [0, 1, 99, 100, 4_990, 120_050, 99_999_999]) expect(parseEuros(eurosInput(cents))).toBe(cents);
  });
});

describe('VAT rates', () => {
  it('writes basis points as a French percentage', () => {
    expect(formatVatRate(2000)).toBe(`20${NBSP}%`);
    expect(formatVatRate(550)).toBe(`5,5${NBSP}%`);
    expect(formatVatRate(210)).toBe(`2,1${NBSP}%`);
    expect(formatVatRate(1000)).toBe(`10${NBSP}%`);
    expect(formatVatRate(1)).toBe(`0,01${NBSP}%`);
    expect(formatVatRate(0)).toBe(`0${NBSP}%`);
  });
});
