// Jest global setup: prepares the migrated databases every test file copies (see
// prepare-databases.ts). Variables set on process.env here reach every test worker.
// The embedded database's dumps are kept in node_modules/.cache under a key of everything that
// makes them (the migrations, the code that opens and migrates the database, PGlite's version):
// a run after another with the same migrations starts at once instead of ~6 s later.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const cache = join(root, 'node_modules/.cache/antq-test-databases')
const DAY_MS = 24 * 3600_000

function dumpsKey() {
  const hash = createHash('sha256')
  const folder = (path) =>
    readdirSync(join(root, path))
      .sort()
      .map((name) => `${path}/${name}`)
  const files = [
    ...folder('migrations'),
    ...folder('src/db'),
    'test/support/prepare-databases.ts',
    'node_modules/@electric-sql/pglite/package.json',
  ]
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file)))
  return hash.digest('hex').slice(0, 16)
}

export default function globalSetup() {
  const runId = randomBytes(4).toString('hex')
  const dumps = join(cache, dumpsKey())
  const ready = existsSync(join(dumps, 'migrated.tar'))
  const env = { ANTQ_TEST_RUN_ID: runId }
  if (!ready || process.env.TEST_DATABASE_URL) {
    // Made aside and moved in whole, so that a run started meanwhile never reads half a dump.
    const folder = ready ? dumps : `${dumps}.${runId}`
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'test/support/prepare-databases.ts', runId, folder],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    )
    Object.assign(env, JSON.parse(output.trim().split('\n').at(-1)))
    if (!ready) {
      try {
        renameSync(folder, dumps)
      } catch {
        rmSync(folder, { recursive: true, force: true }) // another run made them first
      }
    }
  }
  const now = new Date()
  utimesSync(dumps, now, now) // in use: not stale
  for (const name of readdirSync(cache)) {
    const path = join(cache, name)
    if (path !== dumps && Date.now() - statSync(path).mtimeMs > DAY_MS)
      rmSync(path, { recursive: true, force: true })
  }
  Object.assign(process.env, env, {
    ANTQ_TEST_PGLITE_EMPTY: join(dumps, 'empty.tar'),
    ...(process.env.TEST_DATABASE_URL
      ? {}
      : { ANTQ_TEST_PGLITE_DUMP: join(dumps, 'migrated.tar') }),
  })
}
