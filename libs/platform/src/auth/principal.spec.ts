import { ForbiddenError, UnauthorizedError } from '../errors/domain-error';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyTable, DEV_API_KEY } from './api-key-table';
import { assertWarehouseAllowed, type Principal } from './principal';

const keys = ApiKeyTable.parse(
  'k1=orders:write,returns:write;k2=warehouse:write@WH-1;k3=kpi:read;k4=admin;' +
    'k5=warehouse:write@WH-1,warehouse:write@WH-2;k6=warehouse:write,warehouse:write@WH-1',
);
const authenticator = new ApiKeyAuthenticator(keys);

function principal(key: string, scopes: string[]): Principal {
  return authenticator.authenticate(`Bearer ${key}`, scopes);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('ApiKeyAuthenticator', () => {
  it('answers 401 for a missing, malformed or unknown key', () => {
    for (const [header, code] of [
      [undefined, 'AUTH.MISSING_KEY'],
      ['', 'AUTH.MISSING_KEY'],
      ['Basic azE6', 'AUTH.MALFORMED_AUTHORIZATION'],
      ['Bearer', 'AUTH.MALFORMED_AUTHORIZATION'],
      ['Bearer nope', 'AUTH.UNKNOWN_KEY'],
      [`Bearer ${DEV_API_KEY}`, 'AUTH.UNKNOWN_KEY'],
    ] as const) {
      const error = thrown(() => authenticator.authenticate(header, []));
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error).toMatchObject({ code, httpStatus: 401 });
    }
  });

  it('answers 403 naming the missing scope', () => {
    const error = thrown(() => principal('k3', ['orders:write']));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'AUTH.MISSING_SCOPE',
      message: 'This API key lacks the scope orders:write',
    });
  });

  it('needs every required scope and lets admin through everywhere', () => {
    expect(principal('k1', ['orders:write', 'returns:write']).isAdmin).toBe(false);
    expect(() => principal('k1', ['orders:write', 'kpi:read'])).toThrow('lacks the scope kpi:read');
    expect(principal('k4', ['orders:write', 'kpi:read', 'anything:else']).isAdmin).toBe(true);
  });

  it('accepts the scheme case-insensitively and a key with a known scope on an unscoped route', () => {
    expect(authenticator.authenticate('bearer k3', []).keyLabel).toBe('key #3');
    expect(authenticator.authenticate(['Bearer k3'], []).requiredScopes).toEqual([]);
  });

  it('accepts the dev key with every scope only when no keys are configured', () => {
    const dev = new ApiKeyAuthenticator(ApiKeyTable.devDefault());
    expect(dev.isDevDefault).toBe(true);
    expect(
      dev.authenticate(`Bearer ${DEV_API_KEY}`, ['warehouse:write', 'admin']).allowedWarehouses,
    ).toBeNull();
    expect(() => dev.authenticate('Bearer k1', [])).toThrow(UnauthorizedError);
  });
});

describe('assertWarehouseAllowed', () => {
  it('limits a warehouse key to its warehouse, naming the refused one', () => {
    const limited = principal('k2', ['warehouse:write']);
    expect(() => assertWarehouseAllowed(limited, 'WH-1')).not.toThrow();
    const error = thrown(() => assertWarehouseAllowed(limited, 'WH-2'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'AUTH.WAREHOUSE_FORBIDDEN',
      message: 'This API key may not send events for warehouse "WH-2" (it is limited to "WH-1")',
    });
  });

  it('refuses events without a warehouse to a limited key', () => {
    expect(() => assertWarehouseAllowed(principal('k2', ['warehouse:write']), undefined)).toThrow(
      /limited to warehouse "WH-1" and may not send events without a warehouseId/,
    );
  });

  it('allows every listed warehouse, and every warehouse to unlimited and admin keys', () => {
    const two = principal('k5', ['warehouse:write']);
    expect(() => assertWarehouseAllowed(two, 'WH-2')).not.toThrow();
    expect(() => assertWarehouseAllowed(two, 'WH-3')).toThrow(ForbiddenError);
    for (const key of ['k4', 'k6']) {
      expect(() => assertWarehouseAllowed(principal(key, ['warehouse:write']), 'WH-9')).not.toThrow();
      expect(() => assertWarehouseAllowed(principal(key, ['warehouse:write']), undefined)).not.toThrow();
    }
  });

  it('does not limit a key on a scope it holds without a warehouse', () => {
    const mixed = new ApiKeyAuthenticator(ApiKeyTable.parse('m=orders:write,warehouse:write@WH-1'));
    expect(mixed.authenticate('Bearer m', ['orders:write']).allowedWarehouses).toBeNull();
    expect([...(mixed.authenticate('Bearer m', ['warehouse:write']).allowedWarehouses ?? [])]).toEqual([
      'WH-1',
    ]);
  });
});
