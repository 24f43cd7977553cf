// ESM TypeScript through ts-jest; type checking is `npm run typecheck`'s job (ts-jest cannot in ESM).
import { createDefaultEsmPreset } from 'ts-jest'

const preset = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' })

export default {
  ...preset,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // Generous: a laptop busy with other work must not fail a test by the clock (hooks too: Jest
  // gives them this timeout). Deadlines inside tests come from test/support/patience.ts.
  testTimeout: 15 * 60_000,
  maxWorkers: 2,
}
