// A database that does not answer in time: a write waiting on a lock another session holds, and a
// frozen server, answer 503 problem+json within the configured timeout instead of hanging; so does
// /readyz, within its own shorter deadline.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type AddressInfo, type Socket, connect, createServer } from 'node:net'
import { sql } from 'kysely'
import pg from 'pg'
import { openPostgres } from '../../src/db/database.js'
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

describeOnServer('a frozen database server', () => {
  it('answers 503 within the timeout, and /readyz within its own 2 s', async () => {
    // A relay between the service and PostgreSQL that, once frozen, forwards nothing either way:
    // what a server stopped with SIGSTOP, or a cut network, looks like from the service.
    let frozen = false
    const sockets = new Set<Socket>()
    const relay = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname)
      sockets.add(client).add(server)
      client.on('data', (chunk) => frozen || server.write(chunk))
      server.on('data', (chunk) => frozen || client.write(chunk))
      const close = () => (client.destroy(), server.destroy())
      client.on('error', close).on('close', close)
      server.on('error', close).on('close', close)
    })
    const target = new URL(process.env.TEST_DATABASE_URL!)
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(
      t.database.db,
    )
    const via = new URL(databaseUrlFor(process.env.TEST_DATABASE_URL!, rows[0]!.name))
    via.host = `127.0.0.1:${(relay.address() as AddressInfo).port}`
    // Requests only: background work (webhook rounds) would hold this two-connection pool's
    // connections in frozen queries too, and requests would wait for the pool instead.
    const frozenApp = await createTestApp(
      { WEBHOOK_WORKER_POLL_MS: '0', IMPORT_WORKER_POLL_MS: '0' },
      openPostgres(via.toString(), { poolSize: 2, queryTimeoutMs: 800 }),
    )
    try {
      await frozenApp.admin().get('/v1/units?limit=1').expect(200)
      frozen = true
      for (const path of ['/readyz', '/v1/units?limit=1']) {
        const started = Date.now()
        const response = await frozenApp.admin().get(path)
        expect({ path, status: response.status }).toEqual({ path, status: 503 })
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
        expect(Date.now() - started).toBeLessThan(2_500)
      }
    } finally {
      for (const socket of sockets) socket.destroy()
      relay.close()
      await frozenApp.close().catch(() => undefined)
    }
  })
})
