// With REDIS_URL, processes of the service count requests against one limit. Two apps over one
// database stand for two processes; the test runs where a Redis server is named by TEST_REDIS_URL
// (.ci/run names the local one).
import { describe, expect, it } from '@jest/globals'
import supertest from 'supertest'
import { createKey, createTestApp, type TestApp } from '../support/app.js'
import { openTestDatabase, withoutClose } from '../support/database.js'

const redisUrl = process.env.TEST_REDIS_URL

/**
 * Two apps over one database with `env`, and a GET of the units with a new key (so that counts
 * start at zero whatever ran before against this Redis) through either.
 */
async function twoProcesses(
  env: Record<string, string>,
  run: (get: (app: TestApp) => supertest.Test, one: TestApp, two: TestApp) => Promise<void>,
) {
  const database = await openTestDatabase()
  const one = await createTestApp(env, withoutClose(database))
  const two = await createTestApp(env, database)
  try {
    const key = await createKey(one, 'viewer')
    await run(
      (app) => supertest(app.app.server).get('/v1/units').set('authorization', `Bearer ${key}`),
      one,
      two,
    )
  } finally {
    await one.close()
    await two.close()
  }
}

describe('rate limits shared through Redis', () => {
  ;(redisUrl ? it : it.skip)('counts the requests of every process against one limit', () =>
    twoProcesses({ RATE_LIMIT_PER_MINUTE: '6', REDIS_URL: redisUrl! }, async (get, one, two) => {
      for (let i = 0; i < 3; i++) {
        await get(one).expect(200)
        await get(two).expect(200)
      }
      const limited = await get(two).expect(429)
      expect(limited.body.code).toBe('RATE_LIMITED')
      expect((await get(one)).status).toBe(429)
    }),
  )

  it('counts per process without REDIS_URL', () =>
    twoProcesses({ RATE_LIMIT_PER_MINUTE: '2' }, async (get, one, two) => {
      await get(one).expect(200)
      await get(one).expect(200)
      await get(one).expect(429)
      await get(two).expect(200)
    }))
})
