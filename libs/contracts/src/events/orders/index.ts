export * from './orders-order-placed.v1';
export * from './orders-order-state.v1';
export * from './orders-order-allocated.v1';
export * from './orders-order-backordered.v1';
export * from './orders-order-partially-shipped.v1';
export * from './orders-order-shipped.v1';
export * from './orders-order-cancelled.v1';
export * from './orders-order-shipped-after-cancellation.v1';
