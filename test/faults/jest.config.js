/**
 * The fault-injection suite (`npm run test:faults`): whole systems of real processes, one fault at
 * a time. Kept out of the root `npm test` (its testRegex does not match `*.fault-spec.ts`).
 */
const root = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testRegex: 'test/faults/.*\\.fault-spec\\.ts$',
  transform: root.transform,
  moduleNameMapper: root.moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 180_000,
};
