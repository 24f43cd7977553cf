// Async imports: 202 and a job any process may run, once; a job whose process died ends failed
// with nothing written, never stuck `running`.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { ADMIN_KEY, createTestApp, type TestApp } from '../../support/app.js'
import { onServer, openSecondPool } from '../../support/database.js'
import { createDistrict } from '../../support/factories.js'
import { importFile } from '../../support/imports.js'
import { PATIENCE_MS } from '../../support/patience.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp({ IMPORT_WORKER_POLL_MS: '50' })
  d = await createDistrict(t, '86')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'certifications')

async function settled(app: TestApp, location: string) {
  for (const until = Date.now() + PATIENCE_MS; Date.now() < until;) {
    const response = await app.admin().get(location).expect(200)
    if (response.body.status === 'succeeded' || response.body.status === 'failed')
      return response.body
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${location} did not finish`)
}

describe('POST /v1/imports/{dataset}?async=true', () => {
  it('answers 202 with a Location, then runs the file to the end', async () => {
    const csv = `unitCode,year,result\n${d.hamlet.code},2019,certified\n${d.agency.code},2019,certified\n`
    const response = await importing(csv, 'text/csv', '?async=true').expect(202)
    expect(response.headers.location).toBe(`/v1/imports/${response.body.id}`)
    expect(response.body).toMatchObject({
      status: 'queued',
      counts: null,
      progress: { bytesRead: csv.length },
    })
    const done = await settled(t, response.headers.location!)
    expect(done).toMatchObject({
      status: 'succeeded',
      counts: { rows: 2, created: 2 },
      progress: { rowsRead: 2 },
      bodySha256: response.body.bodySha256,
    })
    await t.admin().get(`/v1/units/${d.agency.code}/certifications/2019`).expect(200)
    const listed = await t.admin().get('/v1/imports?dataset=certifications').expect(200)
    expect(listed.body.items[0]).toMatchObject({ id: done.id, status: 'succeeded' })
    const chunks = await t.database.db.selectFrom('import_chunks').selectAll().execute()
    expect(chunks).toEqual([]) // the stored file goes once it has run
  })

  it('ends failed, listing the rows, when a row breaks a rule', async () => {
    const csv = `unitCode,year,result\n${d.province.code},2019,certified\n${d.school.code},2019,certified\n`
    const response = await importing(csv, 'text/csv', '?async=true').expect(202)
    const done = await settled(t, response.headers.location!)
    expect(done).toMatchObject({ status: 'failed', counts: { rejected: 1 } })
    expect(done.errors).toEqual([expect.objectContaining({ row: 1, code: 'INELIGIBLE_UNIT_KIND' })])
    await t.admin().get(`/v1/units/${d.school.code}/certifications/2019`).expect(404)
  })

  it('fails a job its process left running (a crash, a restart), and deletes its stored file', async () => {
    const response = await importing(
      `unitCode,year,result\n${d.newHamlet.code},2021,certified\n`,
      'text/csv',
      '?async=true',
    ).expect(202)
    const { id } = response.body
    await settled(t, response.headers.location!)
    // What a process dying mid-run leaves: the row `running` since a while, its file still
    // stored, nobody holding the import's lock (its connection died, its writes rolled back).
    // Both at once: a sweep between the two would find the job without its file.
    await t.database.db.transaction().execute(async (tx) => {
      await sql`update imports set status = 'running', started_at = now() - interval '5 minutes',
        counts = null, finished_at = null where id = ${id}`.execute(tx)
      await sql`insert into import_chunks (import_id, seq, data) values (${id}, 0, '\\x00')`.execute(
        tx,
      )
    })
    const done = await settled(t, response.headers.location!)
    expect(done).toMatchObject({ status: 'failed' })
    expect(done.failure).toMatch(/stopped while the import ran/)
    const chunks = await t.database.db.selectFrom('import_chunks').selectAll().execute()
    expect(chunks).toEqual([])
  })

  ;(onServer ? it : it.skip)(
    'leaves a job whose runner is alive running (its lock is held)',
    async () => {
      const id = '5b0e2c1a-0000-4000-8000-000000000001'
      const other = openSecondPool(t.database)!
      let release!: () => void
      let locked!: () => void
      const holding = new Promise<void>((resolve) => (locked = resolve))
      const held = other.db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`import:${id}`}, 0))`.execute(tx)
        locked()
        await new Promise<void>((resolve) => (release = resolve))
      })
      // The runner holds the lock before its job shows as running, as a live runner does.
      await holding
      await sql`insert into imports (id, dataset, dry_run, status, actor_name, caller, media_type, started_at)
      values (${id}, 'certifications', false, 'running', 'someone', '{}', 'text/csv', now() - interval '5 minutes')`.execute(
        t.database.db,
      )
      await new Promise((resolve) => setTimeout(resolve, 300)) // several worker rounds
      const stored = await t.database.db
        .selectFrom('imports')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(stored.status).toBe('running')
      release()
      await held
      await other.close()
      await sql`delete from imports where id = ${id}`.execute(t.database.db)
    },
  )

  ;(onServer ? it : it.skip)(
    'runs each queued job once with two processes on one database',
    async () => {
      const second = await createTestApp(
        { IMPORT_WORKER_POLL_MS: '20' },
        openSecondPool(t.database),
      )
      try {
        const files = Array.from(
          { length: 8 },
          (_, i) => `unitCode,year,result\n${d.hamlet.code},${2010 + i},certified\n`,
        )
        const queued = await Promise.all(
          files.map((csv, i) =>
            (i % 2 ? second : t)
              .admin()
              .post('/v1/imports/certifications?async=true')
              .set('content-type', 'text/csv')
              .send(csv)
              .expect(202),
          ),
        )
        const ends = await Promise.all(queued.map((r) => settled(t, r.headers.location!)))
        expect(ends.map((e) => e.status)).toEqual(Array(8).fill('succeeded'))
        const events = await t.database.db
          .selectFrom('audit_events')
          .select(['entity_id'])
          .where('entity', '=', 'import')
          .where(
            'entity_id',
            'in',
            ends.map((e) => e.id),
          )
          .execute()
        expect(events).toHaveLength(8) // each import audited (and so run) exactly once
      } finally {
        await second.close()
      }
    },
  )

  ;(onServer ? it : it.skip)(
    'fails an import whose process was killed in the middle (kill -9), with nothing written',
    async () => {
      // A second process of the service on the same database, killed while it runs an import.
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, () => {
          const { port } = probe.address() as { port: number }
          probe.close(() => resolve(port))
        })
      })
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: new URL('../../../', import.meta.url).pathname,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: (t.database as { url?: string }).url!,
          PORT: String(port),
          HOST: '127.0.0.1',
          ADMIN_API_KEY: ADMIN_KEY,
          LOG_LEVEL: 'silent',
          RATE_LIMIT_PER_MINUTE: '0',
          IMPORT_WORKER_POLL_MS: '0',
        },
        stdio: 'ignore',
      })
      try {
        const base = `http://127.0.0.1:${port}`
        for (
          let i = 0;
          !(await fetch(`${base}/readyz`).then(
            (r) => r.ok,
            () => false,
          ));
          i++
        ) {
          if (i > 300) throw new Error('the second process did not start')
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        const rows = ['externalId,unitCode,format,heldOn,attendees']
        for (let i = 0; i < 40_000; i++)
          rows.push(`K-${i},${d.hamlet.code},forum,2017-05-05,${i % 50}`)
        const sending = fetch(`${base}/v1/imports/meetings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
          body: rows.join('\n'),
        }).catch(() => undefined)
        let id: string | undefined
        for (let i = 0; !id; i++) {
          if (i > 400) throw new Error('the import was never seen running')
          const running = await t.database.db
            .selectFrom('imports')
            .select('id')
            .where('status', '=', 'running')
            .where('dataset', '=', 'meetings')
            .executeTakeFirst()
          id = running?.id
          if (!id) await new Promise((resolve) => setTimeout(resolve, 10))
        }
        child.kill('SIGKILL')
        await sending
        // This process's worker sweeps it once its runner's lock has been free long enough.
        const done = await settled(t, `/v1/imports/${id}`)
        expect(done).toMatchObject({ status: 'failed' })
        expect(done.failure).toMatch(/stopped while the import ran/)
        const listed = await t.admin().get('/v1/meetings?externalId=K-1').expect(200)
        expect(listed.body.items).toEqual([])
      } finally {
        child.kill('SIGKILL')
      }
    },
  )
})
