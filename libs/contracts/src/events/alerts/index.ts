export * from './alerts-alert-kinds.v1';
export * from './alerts-alert-raised.v1';
export * from './alerts-alert-resolved.v1';
