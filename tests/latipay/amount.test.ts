import { parseAmount, parseWireAmount, formatCents } from '../../server/latipay';

describe('parseAmount', () => {
  it.each([
    ['0.01', 1],
    ['1', 100],
    ['1.5', 150],
    ['120.00', 12000],
    ['19.99', 1999],
    ['999999.99', 99999999],
  ])('%s is %d cents', (input, cents) => {
    expect(parseAmount(input)).toBe(cents);
  });

  it.each(['0', '0.00', '-1.00', '1.234', '01.00', '1e2', ' 1.00', '1.00 ', '', '.50', '1.', 'abc', 'NaN', 'Infinity'])(
    'rejects %j',
    (input) => {
      expect(parseAmount(input)).toBeNull();
    },
  );

  it('rejects non-strings, floats included', () => {
    expect(parseAmount(1.5)).toBeNull();
    expect(parseAmount(null)).toBeNull();
    expect(parseAmount(undefined)).toBeNull();
  });

  it('parseWireAmount requires exactly two decimals', () => {
    expect(parseWireAmount('120.00')).toBe(12000);
    expect(parseWireAmount('120')).toBeNull();
    expect(parseWireAmount('120.0')).toBeNull();
  });
});

describe('formatCents', () => {
  it.each([
    [1, '0.01'],
    [10, '0.10'],
    [100, '1.00'],
    [12345, '123.45'],
    [0, '0.00'],
  ])('%d cents is %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('round-trips with parseAmount', () => {
    for (const cents of [1, 9, 99, 101, 1999, 250000]) expect(parseAmount(formatCents(cents))).toBe(cents);
  });

  it('throws on fractions and negatives', () => {
    expect(() => formatCents(1.5)).toThrow(RangeError);
    expect(() => formatCents(-1)).toThrow(RangeError);
  });
});
