// Cursors are opaque, but clients edit them: a cursor of the right shape holding wrong values
// must answer 400, never 500, on every list.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../support/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const cursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url')
const lists = [
  '/v1/units',
  '/v1/certifications',
  '/v1/meetings',
  '/v1/reeducation',
  '/v1/audit-events',
  '/v1/campaigns',
  '/v1/api-keys',
]
const junk = [
  cursor(['x']),
  cursor(['x', 'y']),
  cursor(['x', 'y', 'z']),
  cursor(['2018-99-99', 'a', 'b', 'not-a-uuid']),
  cursor([1e308, 'x', 'y']),
  cursor(['9999999999999999999999', 'x']),
  'not base64 !',
]

describe('edited cursors', () => {
  it.each(lists)('%s answers 400 problem+json for each', async (path) => {
    for (const c of junk) {
      // One string is a well-formed campaigns cursor (the last code seen).
      if (path === '/v1/campaigns' && c === junk[0]) continue
      const response = await t.admin().get(`${path}?cursor=${encodeURIComponent(c)}`)
      expect([response.status, path, c]).toEqual([400, path, c])
      expect(response.headers['content-type']).toContain('application/problem+json')
    }
  })
})
