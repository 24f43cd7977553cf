import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '74')
  await t
    .admin()
    .put(`/v1/units/${d.hamlet.code}/certifications/2018`)
    .send({ result: 'certified' })
  await t
    .admin()
    .put(`/v1/units/${d.otherCommune.code}/certifications/2018`)
    .send({ result: 'certified' })
})
afterAll(() => t.close())

type Event = { id: number; entity: string; unitId: string; actor: { name: string } }

describe('GET /v1/audit-events', () => {
  it('is for admins only', async () => {
    const editor = await createKey(t, 'editor')
    const response = await t
      .http()
      .get('/v1/audit-events')
      .set('authorization', `Bearer ${editor}`)
      .expect(403)
    expect(response.headers['content-type']).toContain('application/problem+json')
    await t.http().get('/v1/audit-events').expect(401)
  })

  it('filters by entity, unit subtree and time, oldest first, and pages', async () => {
    const all = (await t.admin().get('/v1/audit-events?limit=1000').expect(200)).body
      .items as Event[]
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b))
    const certifications = (await t.admin().get('/v1/audit-events?entity=certification')).body
      .items as Event[]
    expect(certifications.map((e) => e.unitId)).toEqual([d.hamlet.id, d.otherCommune.id])
    const inDistrict = (
      await t.admin().get(`/v1/audit-events?unit=${d.district.code}&entity=certification`)
    ).body.items as Event[]
    expect(inDistrict.map((e) => e.unitId)).toEqual([d.hamlet.id])
    const since = new Date(Date.now() + 60_000).toISOString()
    expect((await t.admin().get(`/v1/audit-events?since=${since}`)).body.items).toEqual([])
    const until = (await t.admin().get(`/v1/audit-events?until=${since}&limit=1000`)).body.items
    expect(until).toHaveLength(all.length)
    const paged: number[] = []
    let cursor: string | null = null
    do {
      const page: { body: { items: Event[]; nextCursor: string | null } } = await t
        .admin()
        .get(`/v1/audit-events?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
      paged.push(...page.body.items.map((e) => e.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(paged).toEqual(all.map((e) => e.id))
    await t.admin().get('/v1/audit-events?entity=person').expect(400)
    await t.admin().get('/v1/audit-events?since=yesterday').expect(400)
  })

  it('shows a scoped admin only its subtree', async () => {
    const scopedAdmin = await createKey(t, 'admin', d.otherDistrict.id)
    const events = (
      await t
        .http()
        .get('/v1/audit-events?limit=1000')
        .set('authorization', `Bearer ${scopedAdmin}`)
        .expect(200)
    ).body.items as Event[]
    expect(new Set(events.map((e) => e.unitId))).toEqual(
      new Set([d.otherDistrict.id, d.otherCommune.id]),
    )
  })

  it('records a created unit exactly as the API answered it, whichever way the parent is named', async () => {
    const editor = await createKey(t, 'editor', d.district.id)
    const bodies = [
      { parentId: d.commune.id, validFrom: '2005-01-01', attributes: {} },
      {
        parentCode: d.commune.code,
        validFrom: '2010-01-01',
        validTo: '2030-12-31',
        attributes: { households: 120, ethnic: ['Kinh', 'Chăm'], note: 'ấp "1"', x: 1.5e3 },
      },
    ]
    for (const [i, extra] of bodies.entries()) {
      const response = await t
        .http()
        .post('/v1/units')
        .set('authorization', `Bearer ${editor}`)
        .set('x-request-id', `create-${i}`)
        .send({ code: `AUDIT${i}`, name: ` Ấp ${i} `, kind: 'hamlet', ...extra })
        .expect(201)
      const events = (
        await t.admin().get(`/v1/audit-events?entity=unit&entityId=${response.body.id}`).expect(200)
      ).body.items as (Event & { before: unknown; after: unknown; requestId: string })[]
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        action: 'create',
        unitId: response.body.id,
        actor: { name: 'editor key' },
        requestId: `create-${i}`,
        before: null,
      })
      expect(events[0]!.after).toEqual(response.body)
      expect(response.body.name).toBe(`Ấp ${i}`)
    }
  })
})
