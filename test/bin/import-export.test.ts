// `npm run import` and `npm run export` against a running service over HTTP, as a script does:
// counts on stdout, row errors as a table on stderr, exit status 0 / 1, an export that imports
// back unchanged.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/app.js'
import { createDistrict } from '../support/factories.js'
import { PATIENCE_MS } from '../support/patience.js'

const root = new URL('../../', import.meta.url).pathname

function run(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `src/bin/${script}.ts`, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: PATIENCE_MS },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    )
  })
}

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
let folder: string
let env: Record<string, string>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '88')
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = t.app.server.address() as AddressInfo
  env = { ANTQ_URL: `http://127.0.0.1:${port}`, ANTQ_API_KEY: ADMIN_KEY }
  folder = await mkdtemp(join(tmpdir(), 'antq-import-'))
})
afterAll(async () => {
  await t.close()
  await rm(folder, { recursive: true, force: true })
})

describe('npm run import / export', () => {
  it('imports a file, prints the counts and exits 0; the export imports back unchanged', async () => {
    const file = join(folder, 'cert.csv')
    await writeFile(
      file,
      `unitCode,year,result\n${d.hamlet.code},2019,certified\n${d.agency.code},2019,not_certified\n`,
    )
    const done = await run('import', [file, '--dataset', 'certifications'], env)
    expect(done).toMatchObject({ code: 0 })
    expect(done.stdout).toMatch(/2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected/)

    const exported = await run(
      'export',
      ['certifications', '--year', '2019', '--under', d.district.code],
      env,
    )
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^\uFEFFunitCode,year,result,legalBasis/)
    const back = join(folder, 'back.csv')
    await writeFile(back, exported.stdout)
    const again = await run('import', [back, '--dataset', 'certifications', '--async'], env)
    expect(again).toMatchObject({ code: 0 })
    expect(again.stdout).toMatch(/2 rows: 0 created, 0 updated, 2 unchanged, 0 rejected/)
  })

  it('prints every row error as a table and exits 1', async () => {
    const file = join(folder, 'bad.ndjson')
    await writeFile(
      file,
      [
        JSON.stringify({ unitCode: d.province.code, year: 2019, result: 'certified' }),
        JSON.stringify({ unitCode: d.school.code, year: 2019, result: 'maybe' }),
      ].join('\n'),
    )
    const refused = await run('import', [file, '--dataset', 'certifications', '--dry-run'], env)
    expect(refused.code).toBe(1)
    const lines = refused.stderr.trim().split('\n')
    expect(lines[0]).toMatch(/^row\s+column\s+code\s+detail$/)
    expect(lines[1]).toMatch(/^1\s+unitCode\s+INELIGIBLE_UNIT_KIND\s+/)
    expect(lines[2]).toMatch(/^2\s+result\s+ENUM\s+/)
    const noKey = await run('import', [file, '--dataset', 'certifications'], {
      ANTQ_URL: env.ANTQ_URL!,
    })
    expect(noKey).toMatchObject({
      code: 1,
      stderr: 'Give an API key: --key <key> or ANTQ_API_KEY.\n',
    })
  })
})
