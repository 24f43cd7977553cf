// Deliveries outlive the process that queued them, and several processes on one database share
// the work without sending anything twice: a restart with deliveries pending (and one left
// mid-attempt by a process that died), and two service processes delivering each change once.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { ADMIN_KEY, createTestApp } from '../../support/app.js'
import { onServer, openTestDatabase, withoutClose } from '../../support/database.js'
import { createDistrict } from '../../support/factories.js'
import { eventually, type Receiver, startReceiver } from '../../support/receiver.js'

const FAST = { WEBHOOK_WORKER_POLL_MS: '100', WEBHOOK_RETRY_BASE_MS: '100' }
const receivers: Receiver[] = []
afterAll(() => Promise.all(receivers.map((r) => r.close())))

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

const meetingAt = (unitRef: string, i: number) => ({
  unitRef,
  format: 'forum',
  heldOn: `2018-0${(i % 9) + 1}-10`,
  attendees: i + 1,
})

describe('webhook deliveries across processes', () => {
  it('sends what was pending when the process stopped, after it starts again', async () => {
    const database = await openTestDatabase()
    const first = await createTestApp(FAST, withoutClose(database))
    const port = await freePort() // nobody listens there yet: the receiver is down
    const d = await createDistrict(first, '65')
    const hook = await first
      .admin()
      .post('/v1/webhooks')
      .send({ url: `http://127.0.0.1:${port}/antq`, events: ['meeting.created'] })
      .expect(201)
    for (let i = 0; i < 3; i++)
      await first.admin().post('/v1/meetings').send(meetingAt(d.hamlet.code, i)).expect(201)
    await eventually(
      async () =>
        (await first.admin().get(`/v1/webhooks/${hook.body.id}/deliveries`)).body.items as {
          attempts: number
        }[],
      (items) => items.length === 3 && items.every((i) => i.attempts >= 1),
    )
    await first.close()
    // One attempt was under way when its process died: its lease has run out.
    await sql`update webhook_deliveries set status = 'delivering',
      locked_until = now() - interval '1 second'
      where id = (select id from webhook_deliveries order by created_at limit 1)`.execute(
      database.db,
    )

    const r = await startReceiver(port)
    receivers.push(r)
    const second = await createTestApp(FAST, database)
    try {
      await r.waitFor(3)
      await new Promise((resolve) => setTimeout(resolve, 400))
      const ids = r.received.map((g) => g.headers['webhook-id'])
      expect(ids).toHaveLength(3)
      expect(new Set(ids).size).toBe(3)
      const items = (await second.admin().get(`/v1/webhooks/${hook.body.id}/deliveries`)).body
        .items as { status: string }[]
      expect(items.map((i) => i.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    } finally {
      await second.close()
    }
  })

  ;(onServer ? it : it.skip)(
    'two service processes on one database deliver each change once',
    async () => {
      const t = await createTestApp(FAST)
      const url = (t.database as { url?: string }).url!
      const port = await freePort()
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: url,
          PORT: String(port),
          HOST: '127.0.0.1',
          ADMIN_API_KEY: ADMIN_KEY,
          LOG_LEVEL: 'silent',
          RATE_LIMIT_PER_MINUTE: '0',
          DATABASE_POOL_SIZE: '4',
          ...FAST,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      const other = `http://127.0.0.1:${port}`
      try {
        await eventually(
          () =>
            fetch(`${other}/readyz`).then(
              (r) => r.status,
              () => 0,
            ),
          (status) => status === 200,
        )
        const r = await startReceiver()
        receivers.push(r)
        const d = await createDistrict(t, '66')
        // A long poll on one process is woken by a commit in the other (LISTEN/NOTIFY).
        const headers = { authorization: `Bearer ${ADMIN_KEY}` }
        const now = (await (await fetch(`${other}/v1/changes?after=now`, { headers })).json()) as {
          nextCursor: string
        }
        const polling = fetch(`${other}/v1/changes?wait=20&after=${now.nextCursor}`, { headers })
        await new Promise((resolve) => setTimeout(resolve, 300))
        const wrote = Date.now()
        const first = await t
          .admin()
          .post('/v1/meetings')
          .send(meetingAt(d.hamlet.code, 99))
          .expect(201)
        const woken = (await (await polling).json()) as { items: { entityId: string }[] }
        expect(Date.now() - wrote).toBeLessThan(5000)
        expect(woken.items.map((i) => i.entityId)).toEqual([first.body.id])
        await t
          .admin()
          .post('/v1/webhooks')
          .send({ url: r.url, events: ['meeting.*'] })
          .expect(201)
        const writes = Array.from({ length: 40 }, async (_, i) => {
          const body = JSON.stringify(meetingAt(d.hamlet.code, i))
          if (i % 2 === 0)
            return (
              await t
                .admin()
                .post('/v1/meetings')
                .send(body)
                .set('content-type', 'application/json')
                .expect(201)
            ).body.id as string
          const response = await fetch(`${other}/v1/meetings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
            body,
          })
          expect(response.status).toBe(201)
          return ((await response.json()) as { id: string }).id
        })
        const ids = await Promise.all(writes)
        await r.waitFor(40)
        await new Promise((resolve) => setTimeout(resolve, 1000))
        expect(r.received).toHaveLength(40)
        const delivered = r.received.map((g) => JSON.parse(g.body).data.entityId as string)
        expect(delivered.sort()).toEqual([...ids].sort())
        expect(new Set(r.received.map((g) => g.headers['webhook-id'])).size).toBe(40)
      } finally {
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        })
        await t.close()
      }
    },
  )
})
