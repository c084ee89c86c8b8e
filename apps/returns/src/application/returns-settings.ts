import type { ReturnWindowConfig } from '../domain/return-window';

/** Injection token of {@link ReturnsSettings}. */
export const RETURNS_SETTINGS = Symbol('RETURNS_SETTINGS');

/** The returns policy's configuration, from the validated environment. */
export interface ReturnsSettings {
  readonly window: ReturnWindowConfig;
  readonly restockingFeePercent: number;
  /** How long a request (or receipt) waits for its order (or return) before it is decided anyway. */
  readonly parkMaxWaitMs: number;
}
