import 'reflect-metadata';

/**
 * Applies several property decorators as one, in the order given.
 *
 * class-validator runs a property's constraints in registration order and, with
 * `stopAtFirstError`, reports only the first one that fails; composing decorators here
 * fixes that order (presence, then type, then range) so a sender sees the most useful error.
 */
export function composePropertyDecorators(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target: object, propertyKey: string | symbol): void => {
    for (const decorator of decorators) {
      decorator(target, propertyKey);
    }
  };
}
