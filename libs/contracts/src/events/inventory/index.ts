export * from './inventory-allocation.v1';
export * from './inventory-stock-backordered.v1';
export * from './inventory-stock-level-low.v1';
export * from './inventory-stock-released.v1';
export * from './inventory-stock-reserved.v1';
export * from './inventory-stock-shipped.v1';
export * from './inventory-position-changed.v1';
export * from './inventory-stock-counted.v1';
