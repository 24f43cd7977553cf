// The command-line entries as a newcomer runs them: `npm run demo` (twice: the second run changes
// nothing), and the one-line answers to the usual mistakes — a database that does not exist, a
// server that is down, a wrong file, a bad setting — with no stack trace and no secret echoed.
// The embedded database's folder starts migrated (migrations from nothing have tests of their own).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { onServer, seedMigratedDataDir } from '../support/database.js'
import { adminQuery, databaseUrlFor } from '../support/postgres-admin.js'
import { PATIENCE_MS } from '../support/patience.js'

const root = new URL('../../', import.meta.url).pathname

function run(script: string, env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `src/bin/${script}.ts`, ...args],
      {
        cwd: root,
        // Only what the test sets: no DATABASE_URL or ADMIN_API_KEY of the caller's leaks in.
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
        timeout: PATIENCE_MS,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    )
  })
}

let folder: string
let target: Record<string, string>
const server = process.env.TEST_DATABASE_URL
const scratch = `antq_test_demo_${randomBytes(4).toString('hex')}`
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'antq-commands-'))
  if (server) await adminQuery(server, `create database ${scratch}`)
  else await seedMigratedDataDir(join(folder, 'data'))
  target = server
    ? { DATABASE_URL: databaseUrlFor(server, scratch) }
    : { DATA_DIR: join(folder, 'data') }
})
afterAll(async () => {
  if (server) await adminQuery(server, `drop database if exists ${scratch} with (force)`)
  await rm(folder, { recursive: true, force: true })
})

describe('npm run demo', () => {
  it('loads the national list and Chợ Mới 2018, and changes nothing the second time', async () => {
    const first = await run('demo', target)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(
      /national list \(2025-03-01\): 10806 units created, 0 already there/,
    )
    expect(first.stdout).toMatch(/the report answers 16\/18 communes certified and 284 forums/)
    expect(first.stdout).toContain('/v1/reports/summary?unit=893&year=2018')
    const second = await run('demo', target)
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/0 units created, 10806 already there/)
    expect(second.stdout).toMatch(/the report answers 16\/18 communes certified and 284 forums/)
  })
})

describe('mistakes get one line', () => {
  const oneLine = (output: { code: number; stderr: string }) => {
    expect(output.code).toBe(1)
    expect(output.stderr.trim().split('\n')).toHaveLength(1)
    expect(output.stderr).not.toMatch(/\n\s+at /)
    return output.stderr.trim()
  }

  it('a loader given a file that is not the expected one', async () => {
    const file = join(folder, 'units.json')
    await writeFile(file, '{"data": [{"level1_id": "01"}]}')
    expect(oneLine(await run('load-units', target, [file]))).toMatch(
      /^load:units: .*units\.json: not a GSO unit list .*: at \/data\/0 must have required properties/,
    )
    await writeFile(file, '{"data": [')
    expect(oneLine(await run('load-units', target, [file]))).toMatch(/units\.json: not JSON/)
  })

  it('a PostgreSQL server that does not answer', async () => {
    expect(
      oneLine(await run('migrate', { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/antq' })),
    ).toBe(
      'migrate: cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED): is the server running, and is DATABASE_URL right?',
    )
  })

  // Needs a server to tell "no such database" apart from "no server".
  ;(onServer ? it : it.skip)('a database that does not exist', async () => {
    const url = databaseUrlFor(server!, 'antq_no_such_database')
    expect(oneLine(await run('migrate', { DATABASE_URL: url }))).toBe(
      `migrate: database antq_no_such_database does not exist on ${new URL(url).host} — create it with \`createdb antq_no_such_database\` (or point DATABASE_URL at another)`,
    )
  })

  it('bad settings, one line each, without echoing a secret', async () => {
    const result = await run('migrate', {
      ADMIN_API_KEY: 'short-secret',
      LOG_FORMAT: 'xml',
      ...target,
    })
    expect(result.code).toBe(1)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    const output = result.stderr
    expect(output).not.toContain('short-secret')
    expect(output).toContain('ADMIN_API_KEY (value hidden, 12 characters)')
    expect(output).toContain('LOG_FORMAT="xml": must be one of auto, json, pretty')
  })
})
