export * from './returns-return-state.v1';
export * from './returns-return-authorized.v1';
export * from './returns-return-rejected.v1';
export * from './returns-return-received.v1';
export * from './returns-return-inspected.v1';
export * from './returns-return-refunded.v1';
export * from './returns-return-closed.v1';
