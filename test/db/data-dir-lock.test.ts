import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { DataDirLockedError } from '../../src/db/data-dir-lock.js'
import { openPglite } from '../../src/db/database.js'
import { openUnmigratedPglite } from '../support/database.js'
import { PATIENCE_MS } from '../support/patience.js'

// Each test gets a folder of its own holding a new database, copied from one made once (an
// initdb for each would cost seconds).
let seeded: string
let dataDir: string
beforeAll(async () => {
  seeded = await mkdtemp(join(tmpdir(), 'antq-lock-seed-'))
  await (await openUnmigratedPglite(seeded)).close()
})
afterAll(() => rm(seeded, { recursive: true, force: true }))
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'antq-lock-'))
  await cp(seeded, dataDir, { recursive: true })
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

const serverEnv = () => ({
  ...process.env,
  DATA_DIR: dataDir,
  DATABASE_URL: '',
  PORT: '0',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
})

describe('the embedded database folder', () => {
  it('keeps data across a close and reopen', async () => {
    const first = await openPglite({ dataDir })
    await sql`create table kept (value text)`.execute(first.db)
    await sql`insert into kept values ('Chợ Mới')`.execute(first.db)
    await first.close()
    const second = await openPglite({ dataDir })
    const { rows } = await sql<{ value: string }>`select value from kept`.execute(second.db)
    await second.close()
    expect(rows).toEqual([{ value: 'Chợ Mới' }])
  })

  it('refuses a second opener while the first holds it, and frees it on close', async () => {
    const first = await openPglite({ dataDir })
    await expect(openPglite({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError)
    await first.close()
    const again = await openPglite({ dataDir })
    await again.close()
  })

  it('makes a second process exit with a clear message', async () => {
    const holder = await openPglite({ dataDir })
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: serverEnv(),
      encoding: 'utf8',
      timeout: PATIENCE_MS,
    })
    await holder.close()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`is in use by process ${process.pid}`)
  })

  it('takes over a lock left by a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    })
    await writeFile(join(dataDir, 'antq.lock'), dead.stdout)
    const database = await openPglite({ dataDir })
    await database.close()
  })
})

describe('npm start on the embedded database', () => {
  it('serves, then on SIGTERM finishes, closes the database and frees the folder', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no start in ${PATIENCE_MS} ms: ${output}`)),
        PATIENCE_MS,
      )
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (match && output.includes('antq-api ready')) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)))
    })
    expect((await fetch(`${url}/readyz`)).status).toBe(200)
    expect(existsSync(join(dataDir, 'antq.lock'))).toBe(true)
    const exitCode = await new Promise<number | null>((resolve) => {
      child.removeAllListeners('exit')
      child.on('exit', resolve)
      child.kill('SIGTERM')
    })
    expect(exitCode).toBe(0)
    expect(existsSync(join(dataDir, 'antq.lock'))).toBe(false)
    expect(output).not.toContain('"level":50')
  })
})
