import { withNamedParameters } from './named-parameters';

describe('withNamedParameters', () => {
  it('numbers each distinct name once, in order of first use, and leaves casts alone', () => {
    expect(
      withNamedParameters('SELECT :b::text, :a, :b::int, x::date', { a: 1, b: 'two', unused: true }),
    ).toEqual({ text: 'SELECT $1::text, $2, $1::int, x::date', parameters: ['two', 1] });
  });

  it('fails naming a placeholder without a value', () => {
    expect(() => withNamedParameters('SELECT :missing', {})).toThrow(':missing');
  });
});
