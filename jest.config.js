/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/temporal-runtime.ts'],
  testTimeout: 60_000,
  // Temporal's core runtime is one per process and does not survive Jest's per-file module registry being
  // torn down mid-run (sdk-typescript #614): Temporal-backed files run serially (`--runInBand` in npm test).
  maxWorkers: 1,
};
