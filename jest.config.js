// ESM TypeScript, each file transformed on its own by esbuild (test/support/esbuild-transform.js);
// type checking is `npm run typecheck`'s job.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // The slowest files first, on a cold cache too (see the file).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // Generous: a laptop busy with other work must not fail a test by the clock (hooks too: Jest
  // gives them this timeout). Deadlines inside tests come from test/support/patience.ts.
  testTimeout: 15 * 60_000,
  // One worker per core. A third worker kept the cores busier (a file waiting for a delivery or a
  // child process left its core to another), but it starved the tests that race a retry window
  // (webhooks: a subscription failing for the whole window) on a loaded machine.
  maxWorkers: 2,
}
