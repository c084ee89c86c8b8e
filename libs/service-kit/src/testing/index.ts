export { startServiceForTest } from './service-test-app';
export type { ServiceUnderTest } from './service-test-app';
