// A round of a periodic task is run by one process: claims racing from several pools (as several
// processes of the service would) give exactly one winner per round.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { claimRound } from '../../src/background/scheduled-tasks.js'
import type { Database } from '../../src/db/database.js'
import { sweepIdempotencyKeys } from '../../src/http/idempotency.js'
import { onServer, openSecondPool, openTestDatabase } from '../support/database.js'

let database: Database
let second: Database | undefined
beforeAll(async () => {
  database = await openTestDatabase()
  second = openSecondPool(database)
})
afterAll(async () => {
  await second?.close()
  await database.close()
})

describe('scheduled tasks', () => {
  it('gives a round to one caller, and the next round only when it is due', async () => {
    const task = { name: 'test-task', everyMs: 60_000 }
    expect(await claimRound(database.db, task, 'a')).toBe(true)
    expect(await claimRound(database.db, task, 'b')).toBe(false)
    await sql`update scheduled_tasks set next_run_at = now() - interval '1 second'
      where name = 'test-task'`.execute(database.db)
    expect(await claimRound(database.db, task, 'b')).toBe(true)
    const row = await database.db
      .selectFrom('scheduled_tasks')
      .selectAll()
      .where('name', '=', 'test-task')
      .executeTakeFirstOrThrow()
    expect(row.last_run_by).toBe('b')
  })

  ;(onServer ? it : it.skip)('lets exactly one of many racing processes run a round', async () => {
    for (let round = 0; round < 5; round++) {
      const task = { name: `race-${round}`, everyMs: 60_000 }
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          claimRound((i % 2 === 0 ? database : second!).db, task, `p${i}`),
        ),
      )
      expect(claims.filter(Boolean)).toHaveLength(1)
    }
  })

  it('sweeps only expired idempotency keys', async () => {
    await database.db
      .insertInto('idempotency_keys')
      .values([
        {
          principal: 'p',
          key: 'old',
          request_hash: 'h',
          created_at: sql`now() - interval '2 days'`,
        },
        { principal: 'p', key: 'new', request_hash: 'h' },
      ])
      .execute()
    expect(await sweepIdempotencyKeys(database.db)).toBe(1)
    const left = await database.db.selectFrom('idempotency_keys').select('key').execute()
    expect(left.map((r) => r.key)).toEqual(['new'])
  })
})
