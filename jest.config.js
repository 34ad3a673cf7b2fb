/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // a bound on a hang, not a speed target (those are benches): a test of a few seconds on an idle machine
  // takes several times that beside other work, and must still pass there
  testTimeout: 90000,
  maxWorkers: 2,
  // wechaty-puppet-mock names its fake contacts with faker 5, whose main entry loads all 60 locales
  // (1,500 files, re-evaluated by every test file that starts a bot); its English-only entry is the same
  // library with the locale the mock uses
  moduleNameMapper: { '^faker$': 'faker/locale/en' },
};
