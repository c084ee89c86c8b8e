export * from './orders-order-placed.v1';
