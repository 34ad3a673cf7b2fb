/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/mongo-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/mongo-global-teardown.ts',
  // a bound on a hang, not a speed target (those are benches): a test of a few seconds on an idle machine
  // takes several times that beside other work, and must still pass there
  testTimeout: 90000,
  maxWorkers: 2,
};
