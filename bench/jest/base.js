// The transform comparison's shared jest settings: a few representative construct test files
// (synth + assertions + compliance), no coverage, no local engines, run from the repository root.
const path = require('path');

module.exports = (transform) => ({
  rootDir: path.resolve(__dirname, '..', '..'),
  testMatch: (process.env.BENCH_TEST_FILES || 'test/data/data-table.test.ts,test/api/traced-api.test.ts,test/compliance/compliance.test.ts')
    .split(',').map((f) => `<rootDir>/${f.trim()}`),
  transform: { '^.+\\.tsx?$': transform },
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 300000,
  collectCoverage: false,
  cacheDirectory: path.resolve(__dirname, '..', 'out', 'jest-cache'),
});
