// With REDIS_URL, processes of the service count requests against one limit. Two apps over one
// database stand for two processes; the test runs where a Redis server is named by TEST_REDIS_URL
// (.ci/run names the local one).
import { describe, expect, it } from '@jest/globals'
import supertest from 'supertest'
import { createKey, createTestApp } from '../support/app.js'
import { openTestDatabase } from '../support/database.js'

const redisUrl = process.env.TEST_REDIS_URL

describe('rate limits shared through Redis', () => {
  ;(redisUrl ? it : it.skip)('counts the requests of every process against one limit', async () => {
    const database = await openTestDatabase()
    const env = { RATE_LIMIT_PER_MINUTE: '6', REDIS_URL: redisUrl! }
    const one = await createTestApp(env, { ...database, close: async () => {} })
    const two = await createTestApp(env, database)
    try {
      // A new key, so that the count starts at zero whatever ran before against this Redis.
      const key = await createKey(one, 'viewer')
      const get = (app: typeof one) =>
        supertest(app.app.server).get('/v1/units').set('authorization', `Bearer ${key}`)
      for (let i = 0; i < 3; i++) {
        await get(one).expect(200)
        await get(two).expect(200)
      }
      const limited = await get(two).expect(429)
      expect(limited.body.code).toBe('RATE_LIMITED')
      expect((await get(one)).status).toBe(429)
    } finally {
      await one.close()
      await two.close()
    }
  })

  it('counts per process without REDIS_URL', async () => {
    const database = await openTestDatabase()
    const env = { RATE_LIMIT_PER_MINUTE: '2' }
    const one = await createTestApp(env, { ...database, close: async () => {} })
    const two = await createTestApp(env, database)
    try {
      const key = await createKey(one, 'viewer')
      const get = (app: typeof one) =>
        supertest(app.app.server).get('/v1/units').set('authorization', `Bearer ${key}`)
      await get(one).expect(200)
      await get(one).expect(200)
      await get(one).expect(429)
      await get(two).expect(200)
    } finally {
      await one.close()
      await two.close()
    }
  })
})
