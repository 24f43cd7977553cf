// Jest global setup: prepares the migrated database every test file copies (see prepare-databases.ts).
// Variables set on process.env here reach every test worker.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

export default function globalSetup() {
  const runId = randomBytes(4).toString('hex')
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'test/support/prepare-databases.ts', runId],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  Object.assign(
    process.env,
    { ANTQ_TEST_RUN_ID: runId },
    JSON.parse(output.trim().split('\n').at(-1)),
  )
}
