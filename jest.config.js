/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '.*\\.(spec|medium-spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', {}],
  },
  moduleNameMapper: {
    '^@opsline/kafka-broker(|/.*)$': '<rootDir>/libs/kafka-broker/src$1',
    '^@opsline/persistence(|/.*)$': '<rootDir>/libs/persistence/src$1',
    '^@opsline/platform(|/.*)$': '<rootDir>/libs/platform/src$1',
    '^@opsline/contracts(|/.*)$': '<rootDir>/libs/contracts/src$1',
    '^@opsline/messaging(|/.*)$': '<rootDir>/libs/messaging/src$1',
    '^@opsline/service-kit(|/.*)$': '<rootDir>/libs/service-kit/src$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 2,
  testTimeout: 60000,
};
