// The TypeScript client in clients/typescript: its types are what openapi-typescript makes of the
// committed document, and its example works against the real service over HTTP.
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createAntqClient } from '../../clients/typescript/index.js'
import { followChanges } from '../../clients/typescript/changes.js'
import { renameFirstCommune } from '../../clients/typescript/example.js'
import { generateClientTypes } from '../../src/http/openapi-client.js'
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/app.js'
import { createDistrict } from '../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
let baseUrl: string
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '91')
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
})
afterAll(() => t.close())

describe('clients/typescript', () => {
  it('holds the types generated from openapi/openapi.json (run `npm run openapi`)', async () => {
    const document = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
    const committed = await readFile(
      new URL('../../clients/typescript/schema.d.ts', import.meta.url),
      'utf8',
    )
    expect(committed).toBe(await generateClientTypes(document))
  })

  it('runs the example: a page with only the parameters it needs, the ETag, a PATCH with If-Match', async () => {
    const client = createAntqClient({ baseUrl, apiKey: ADMIN_KEY })
    const { before, after, etag } = await renameFirstCommune(client, d.province.code, 'Xã Đổi Tên')
    expect(before.code).toBe(d.commune.code)
    expect(after).toMatchObject({ id: before.id, name: 'Xã Đổi Tên' })
    expect(etag).toMatch(/^"/)
    const again = await client.PATCH('/v1/units/{ref}', {
      params: { path: { ref: before.id }, header: { 'if-match': etag } },
      body: { name: 'Xã Lần Hai' },
    })
    expect(again.response.status).toBe(412)
    expect(again.error).toMatchObject({ code: 'PRECONDITION_FAILED' })
  })

  it('follows the change feed: changes as they commit, in order, until stopped', async () => {
    const client = createAntqClient({ baseUrl, apiKey: ADMIN_KEY })
    const now = (await client.GET('/v1/changes', { params: { query: { after: 'now' } } })).data!
    const stop = new AbortController()
    const seen: string[] = []
    const following = (async () => {
      for await (const change of followChanges(client, {
        after: now.nextCursor,
        entity: ['meeting'],
        wait: 2,
        signal: stop.signal,
      })) {
        seen.push(change.entityId)
        if (seen.length === 2) stop.abort()
      }
    })()
    const ids: string[] = []
    for (const attendees of [5, 6]) {
      const { data } = await client.POST('/v1/meetings', {
        body: { unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-05-10', attendees },
      })
      ids.push(data!.id)
    }
    await following
    expect(seen).toEqual(ids)
  })
})
