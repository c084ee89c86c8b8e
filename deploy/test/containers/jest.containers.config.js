// npm run test:containers: the medium and e2e suites (not the broker's own, which test the in-process
// broker itself) against the containers started by run-container-tests.ts.
const base = require('../../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../../..',
  testRegex: '.*\\.(medium-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '<rootDir>/libs/kafka-broker/'],
  testTimeout: 120000,
};
