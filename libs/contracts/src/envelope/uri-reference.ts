import { ValidateBy } from 'class-validator';

import { composePropertyDecorators } from '../common/compose-decorators';
import { IsRequired } from '../common/required';

/**
 * RFC 3986 URI-reference by character set: unreserved, reserved and `%XX` escapes only, so
 * spaces, quotes, `<>`, `{}`, `\` and non-ASCII are rejected. Both `/channels/webshop` and
 * `https://wms.example.com/sites/1` match.
 */
export const URI_REFERENCE_PATTERN = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;

/** Rule name reported when `source` is not a non-empty URI-reference. */
export const URI_REFERENCE_RULE = 'isUriReference';

/** True when `value` is a non-empty string made of URI-reference characters. */
export function isUriReference(value: unknown): value is string {
  return typeof value === 'string' && URI_REFERENCE_PATTERN.test(value);
}

/** Required non-empty URI-reference (`/channels/webshop`). Rule `isUriReference`. */
export function IsUriReference(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    ValidateBy({
      name: URI_REFERENCE_RULE,
      validator: {
        validate: (value: unknown): boolean => isUriReference(value),
        defaultMessage: (args) =>
          `${args?.property} must be a non-empty URI-reference, like /channels/webshop`,
      },
    }),
  );
}
