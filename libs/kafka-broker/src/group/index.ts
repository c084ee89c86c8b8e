export { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator';
export { OffsetStore, type OffsetStoreOptions, type StoredOffset } from './offset-store';
export type * from './group-types';
