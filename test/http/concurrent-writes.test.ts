// Concurrent writers (on PostgreSQL the pool runs them side by side): of many conditional writes
// carrying one ETag exactly one succeeds and the others get 412; racing create-only PUTs give one
// 201 and 412s; identical PUTs racing give one 201 and 200s ("unchanged"). Nothing is lost and
// the audit holds exactly the writes that succeeded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/app.js'
import { createDistrict } from '../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '73')
})
afterAll(() => t.close())

async function send(method: string, url: string, payload?: object, headers = {}) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    ...(payload ? { payload } : {}),
  })
  return {
    status: response.statusCode,
    etag: response.headers.etag,
    body: response.payload ? response.json<Record<string, unknown>>() : null,
  }
}

/** Fires `n` writes at once; returns the statuses counted and the winners' bodies. */
async function race(n: number, write: (i: number) => ReturnType<typeof send>) {
  const responses = await Promise.all(Array.from({ length: n }, (_, i) => write(i)))
  const counts: Record<number, number> = {}
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1
  return { counts, winners: responses.filter((r) => r.status < 300) }
}

/** How many `update` events the audit holds for one record. */
const updatesOf = async (entity: string, id: string) => {
  const page = await send('GET', `/v1/audit-events?entity=${entity}&entityId=${id}&limit=100`)
  return (page.body!.items as { action: string }[]).filter((e) => e.action === 'update').length
}

describe('30 conditional writes with one If-Match', () => {
  it('PATCH a meeting: one 200, the rest 412; the winner’s body is stored', async () => {
    const created = await send('POST', '/v1/meetings', {
      unitRef: d.hamlet.code,
      format: 'forum',
      heldOn: '2023-05-05',
      attendees: 1,
    })
    const url = `/v1/meetings/${created.body!.id as string}`
    const { counts, winners } = await race(30, (i) =>
      send('PATCH', url, { attendees: 100 + i }, { 'if-match': created.etag }),
    )
    expect(counts).toEqual({ 200: 1, 412: 29 })
    const stored = await send('GET', url)
    expect(stored.body!.attendees).toBe(winners[0]!.body!.attendees)
    expect(await updatesOf('meeting', created.body!.id as string)).toBe(1)
  })

  it('PATCH a unit', async () => {
    const current = await send('GET', `/v1/units/${d.agency.id}`)
    const { counts } = await race(30, (i) =>
      send(
        'PATCH',
        `/v1/units/${d.agency.id}`,
        { name: `Cơ quan ${i}` },
        {
          'if-match': current.etag,
        },
      ),
    )
    expect(counts).toEqual({ 200: 1, 412: 29 })
    expect(await updatesOf('unit', d.agency.id)).toBe(1)
  })

  it('PATCH a campaign', async () => {
    const created = await send('POST', '/v1/campaigns', {
      code: 'RACE-2023',
      name: 'Thi đua',
      year: 2023,
      scopeRef: d.district.code,
      targets: [{ metric: 'forumCount', op: '>=', value: 1 }],
    })
    const { counts } = await race(30, (i) =>
      send(
        'PATCH',
        '/v1/campaigns/RACE-2023',
        { name: `Thi đua ${i}` },
        {
          'if-match': created.etag,
        },
      ),
    )
    expect(counts).toEqual({ 200: 1, 412: 29 })
  })

  it('PUT re-education counts and a certification that exist', async () => {
    const reeducation = `/v1/units/${d.commune.code}/reeducation/2023Q1`
    const first = await send('PUT', reeducation, { reEducated: 1, reformed: 0, underManagement: 0 })
    const r = await race(30, (i) =>
      send(
        'PUT',
        reeducation,
        { reEducated: 10 + i, reformed: 0, underManagement: 0 },
        {
          'if-match': first.etag,
        },
      ),
    )
    expect(r.counts).toEqual({ 200: 1, 412: 29 })

    const certification = `/v1/units/${d.hamlet.code}/certifications/2023`
    const made = await send('PUT', certification, { result: 'certified' })
    const c = await race(30, (i) =>
      send(
        'PUT',
        certification,
        { result: 'certified', note: `lần ${i}` },
        {
          'if-match': made.etag,
        },
      ),
    )
    expect(c.counts).toEqual({ 200: 1, 412: 29 })
    expect(await updatesOf('certification', made.body!.id as string)).toBe(1)
  })

  it('DELETE a meeting: one 204, the rest 412', async () => {
    const created = await send('POST', '/v1/meetings', {
      unitRef: d.hamlet.code,
      format: 'forum',
      heldOn: '2023-06-06',
      attendees: 5,
    })
    expect(created.status).toBe(201)
    const { counts } = await race(10, () =>
      send('DELETE', `/v1/meetings/${created.body!.id as string}`, undefined, {
        'if-match': created.etag,
      }),
    )
    expect(counts).toEqual({ 204: 1, 412: 9 })
  })
})

describe('racing creates', () => {
  it('create-only PUTs (If-None-Match: *): one 201, the rest 412', async () => {
    const { counts } = await race(10, (i) =>
      send(
        'PUT',
        `/v1/units/${d.commune.code}/certifications/2022`,
        {
          result: i % 2 ? 'certified' : 'not_certified',
        },
        { 'if-none-match': '*' },
      ),
    )
    expect(counts).toEqual({ 201: 1, 412: 9 })
  })

  it('identical PUTs: one 201, the rest 200 (nothing changed)', async () => {
    const body = { reEducated: 5, reformed: 2, underManagement: 1 }
    const { counts } = await race(10, () =>
      send('PUT', `/v1/units/${d.commune.code}/reeducation/2022`, body),
    )
    expect(counts).toEqual({ 201: 1, 200: 9 })
    const certification = await race(10, () =>
      send('PUT', `/v1/units/${d.agency.code}/certifications/2022`, { result: 'certified' }),
    )
    expect(certification.counts).toEqual({ 201: 1, 200: 9 })
  })
})
