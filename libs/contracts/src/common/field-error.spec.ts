import { joinFieldPath, prefixFieldError } from './field-error';

describe('field paths', () => {
  it('joins properties with dots and array indexes with brackets', () => {
    expect(joinFieldPath('', 'data')).toBe('data');
    expect(joinFieldPath('data', 'lines')).toBe('data.lines');
    expect(joinFieldPath('data.lines', '1')).toBe('data.lines[1]');
    expect(joinFieldPath('data.lines[1]', 'quantity')).toBe('data.lines[1].quantity');
  });

  it('prefixes the field and the message of a batch item error', () => {
    const error = { field: 'data.lines[0].sku', rule: 'isDefined', message: 'data.lines[0].sku is required' };

    expect(prefixFieldError('[3]', error)).toEqual({
      field: '[3].data.lines[0].sku',
      rule: 'isDefined',
      message: '[3].data.lines[0].sku is required',
    });
  });

  it('puts the index alone in place of (body)', () => {
    const error = { field: '(body)', rule: 'isObject', message: 'a CloudEvent must be a JSON object' };

    expect(prefixFieldError('[0]', error)).toEqual({ ...error, field: '[0]' });
  });
});
