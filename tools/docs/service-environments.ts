import 'reflect-metadata';
import { getMetadataStorage } from 'class-validator';
import { InventoryEnvironment } from '../../apps/inventory/src/inventory.environment';
import { KpiEnvironment } from '../../apps/kpi/src/kpi.environment';
import { OrdersEnvironment } from '../../apps/orders/src/orders.environment';
import { ReturnsEnvironment } from '../../apps/returns/src/returns.environment';

/** The four services, their environment classes and the source files declaring their own variables. */
export const SERVICE_ENVIRONMENTS = {
  orders: OrdersEnvironment,
  returns: ReturnsEnvironment,
  inventory: InventoryEnvironment,
  kpi: KpiEnvironment,
} as const;

/** A service name. */
export type ServiceName = keyof typeof SERVICE_ENVIRONMENTS;

/** Service names in port order. */
export const SERVICE_NAMES = Object.keys(SERVICE_ENVIRONMENTS) as ServiceName[];

/**
 * Variables the image and the deployment set beside those the config classes read: the image picks
 * the service by `OPSLINE_SERVICE` (or its first argument). Documented in docs/configuration.md.
 */
export const IMAGE_VARIABLES = ['OPSLINE_SERVICE', 'OPSLINE_APP_DIR'] as const;

/**
 * The variables `loadConfig(EnvClass)` reads: the class's own properties plus every validated one
 * (the same rule as libs/platform/src/config/load-config.ts).
 */
export function acceptedVariables(EnvClass: new () => object): string[] {
  const names = new Set(Object.keys(new EnvClass()));
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(EnvClass, '', true, false)) {
    names.add(metadata.propertyName);
  }
  return [...names].sort();
}

/** The defaults of an environment class: its property initializers. */
export function defaultsOf(EnvClass: new () => object): Record<string, unknown> {
  return { ...new EnvClass() } as Record<string, unknown>;
}
