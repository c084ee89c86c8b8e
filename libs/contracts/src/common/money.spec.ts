import { isCurrencyCode } from './money';

describe('currency codes', () => {
  it.each(['EUR', 'USD', 'JPY', 'XAU'])('accepts %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['eur', 'Eur', 'EU', 'EURO', '€', '', 978])('refuses %p', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });
});
