// The classic trap of an outbox read by id: a transaction that began first (smaller id) commits
// after a younger one, and a reader that already moved past the younger one never sees it. The
// feed serves a change only once every older transaction has ended, so readers following
// nextCursor see each change exactly once. PostgreSQL only: the embedded database runs one
// transaction at a time, so commits cannot interleave there.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import pg from 'pg'
import { createTestApp, type TestApp } from '../../support/app.js'
import { onServer } from '../../support/database.js'
import { createDistrict } from '../../support/factories.js'

interface Item {
  cursor: string
  entity: string
  entityId: string
}

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
let url: string
beforeAll(async () => {
  t = await createTestApp()
  url = (t.database as { url?: string }).url ?? ''
  if (onServer) d = await createDistrict(t, '62')
})
afterAll(() => t.close())

const read = async (after: string, wait = 0) =>
  (await t.admin().get('/v1/changes').query({ after, wait, limit: 1000 }).expect(200)).body as {
    items: Item[]
    nextCursor: string
  }

/** A write made straight in the database (an audited change), in a transaction left open. */
async function openWriter(entityId: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('begin')
  await client.query(
    `insert into audit_events (actor_name, action, entity, entity_id) values ('test', 'create', 'meeting', $1)`,
    [entityId],
  )
  return {
    commit: async () => {
      await client.query('commit')
      await client.end()
    },
  }
}

describe('commit order (PostgreSQL)', () => {
  ;(onServer ? it : it.skip)(
    'holds back a younger commit until an older transaction ends, then serves both once',
    async () => {
      const start = (await read('now')).nextCursor
      const older = await openWriter('older')
      await t
        .admin()
        .post('/v1/meetings')
        .send({ unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-05-10', attendees: 9 })
        .expect(201)
      // The younger write has committed, but the older transaction may still write before it.
      const held = await read(start)
      expect(held.items).toEqual([])
      await older.commit()
      const after = await read(held.nextCursor)
      expect(after.items.map((i) => i.entityId)).toEqual(['older', expect.any(String)])
      expect((await read(after.nextCursor)).items).toEqual([])
    },
  )

  ;(onServer ? it : it.skip)(
    'is not held back by a transaction running in another database of the server',
    async () => {
      const start = (await read('now')).nextCursor
      const elsewhere = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
      await elsewhere.connect()
      try {
        await elsewhere.query('begin')
        await elsewhere.query('select pg_current_xact_id()') // it now has a transaction id
        const meeting = await t
          .admin()
          .post('/v1/meetings')
          .send({ unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-05-11', attendees: 3 })
          .expect(201)
        expect((await read(start)).items.map((i) => i.entityId)).toEqual([meeting.body.id])
      } finally {
        await elsewhere.query('rollback')
        await elsewhere.end()
      }
    },
  )

  ;(onServer ? it : it.skip)(
    'loses and repeats nothing while many writers commit out of order and a reader follows',
    async () => {
      const start = (await read('now')).nextCursor
      let writing = true
      const seen: Item[] = []
      const reader = (async () => {
        let cursor = start
        while (writing || cursor !== (await read(cursor)).nextCursor) {
          const page = await read(cursor, 1)
          seen.push(...page.items)
          cursor = page.nextCursor
        }
        seen.push(...(await read(cursor)).items)
      })()
      const ids = Array.from({ length: 60 }, (_, i) => `w${i}`)
      // Transactions held open for random times, so that they commit in another order.
      await Promise.all(
        ids.map(async (id, i) => {
          await new Promise((resolve) => setTimeout(resolve, i * 5))
          const writer = await openWriter(id)
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 150))
          await writer.commit()
        }),
      )
      const meetings = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .admin()
            .post('/v1/meetings')
            .send({
              unitRef: d.hamlet.code,
              format: 'forum',
              heldOn: '2018-05-10',
              attendees: i + 1,
            }),
        ),
      )
      expect(meetings.every((m) => m.status === 201)).toBe(true)
      writing = false
      await reader
      const got = seen.map((i) => i.entityId)
      expect(new Set(got).size).toBe(got.length)
      expect(got.filter((id) => id.startsWith('w')).sort()).toEqual([...ids].sort())
      expect(got.filter((id) => !id.startsWith('w')).sort()).toEqual(
        meetings.map((m) => m.body.id as string).sort(),
      )
    },
  )
})
