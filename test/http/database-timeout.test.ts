// A database that does not answer in time: a write waiting on a lock another session holds, and a
// frozen server, answer 503 problem+json within the configured timeout instead of hanging.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import pg from 'pg'
import { createTestApp, type TestApp } from '../support/app.js'
import { onServer, openTestDatabase } from '../support/database.js'
import { createUnit } from '../support/factories.js'
import { databaseUrlFor } from '../support/postgres-admin.js'

// Only a server has other sessions to hold a lock; the embedded database has one connection.
const describeOnServer = onServer ? describe : describe.skip

let t: TestApp
beforeAll(async () => {
  if (!onServer) return
  t = await createTestApp({}, await openTestDatabase({ queryTimeoutMs: 800 }))
})
afterAll(() => t?.close())

describeOnServer('a database that does not answer in time', () => {
  it('answers 503 DATABASE_TIMEOUT within the timeout while another session holds the row', async () => {
    const unit = await createUnit(t, { code: '61', name: 'Tỉnh Khóa', kind: 'province' })
    const current = await t.admin().get(`/v1/units/${unit.id}`).expect(200)
    // Another session of the same database locks the row and keeps its transaction open.
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(
      t.database.db,
    )
    const holder = new pg.Client({
      connectionString: databaseUrlFor(process.env.TEST_DATABASE_URL!, rows[0]!.name),
    })
    await holder.connect()
    try {
      await holder.query('begin')
      await holder.query('select id from units where id = $1 for update', [unit.id])
      const started = Date.now()
      const response = await t
        .admin()
        .patch(`/v1/units/${unit.id}`)
        .set('if-match', current.headers.etag!)
        .send({ name: 'Tỉnh Chờ' })
      const waited = Date.now() - started
      expect(response.status).toBe(503)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body.code).toBe('DATABASE_TIMEOUT')
      expect(waited).toBeLessThan(5_000)
    } finally {
      await holder.query('rollback')
      await holder.end()
    }
    // Once the lock is gone the same write goes through: nothing was half-done.
    await t
      .admin()
      .patch(`/v1/units/${unit.id}`)
      .set('if-match', current.headers.etag!)
      .send({ name: 'Tỉnh Chờ' })
      .expect(200)
  })
})
