import { isStorableText } from './text';

describe('storable text', () => {
  it.each([
    ['plain text', 'customer request'],
    ['newlines and tabs', 'line 1\nline 2\tend'],
    ['other control characters', 'bell \u0007'],
    ['non-ASCII letters', 'Lieferung beschädigt'],
    ['a character outside the BMP (a surrogate pair)', 'parcel 📦'],
  ])('accepts %s', (_behaviour, text) => {
    expect(isStorableText(text)).toBe(true);
  });

  it.each([
    ['U+0000', 'customer\u0000request'],
    ['a lone high surrogate', 'parcel \uD83D'],
    ['a lone low surrogate', '\uDCE6 parcel'],
    ['surrogates in the wrong order', '\uDCE6\uD83D'],
    ['a number', 42],
  ])('refuses %s', (_behaviour, text) => {
    expect(isStorableText(text)).toBe(false);
  });
});
