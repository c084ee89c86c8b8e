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
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 2,
  testTimeout: 60000,
};
