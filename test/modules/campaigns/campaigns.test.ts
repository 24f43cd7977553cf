import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '75')
})
afterAll(() => t.close())

const body = (extra: object = {}) => ({
  code: 'HUYEN-751-2018',
  name: 'Thi đua 2018',
  year: 2018,
  scopeRef: d.district.code,
  targets: [{ metric: 'certifiedRate', kinds: ['hamlet'], op: '>=', value: 0.8 }],
  ...extra,
})

describe('campaigns', () => {
  it('creates, shows, lists and corrects a campaign with If-Match, audited', async () => {
    const created = await t.admin().post('/v1/campaigns').send(body()).expect(201)
    expect(created.headers.location).toBe('/v1/campaigns/HUYEN-751-2018')
    expect(created.body).toMatchObject({
      code: 'HUYEN-751-2018',
      year: 2018,
      scope: { id: d.district.id, code: d.district.code, kind: 'district' },
    })
    await t.admin().get('/v1/campaigns/HUYEN-751-2018').expect(200)
    expect((await t.admin().get('/v1/campaigns?year=2018')).body.items).toHaveLength(1)
    expect((await t.admin().get('/v1/campaigns?year=2019')).body.items).toHaveLength(0)
    const path = '/v1/campaigns/HUYEN-751-2018'
    await t.admin().patch(path).send({ name: 'x' }).expect(428)
    await t.admin().patch(path).set('if-match', '"x"').send({ name: 'x' }).expect(412)
    const patched = await t
      .admin()
      .patch(path)
      .set('if-match', created.headers.etag!)
      .send({ targets: [{ metric: 'forumCount', op: '>=', value: 2 }] })
      .expect(200)
    expect(patched.body.targets).toEqual([
      { metric: 'forumCount', kinds: null, op: '>=', value: 2 },
    ])
    const audit = await t.admin().get('/v1/audit-events?entity=campaign').expect(200)
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
  })

  it('measures progress from the records and shows targets in the scope’s summary', async () => {
    await t
      .admin()
      .post('/v1/meetings')
      .send({ unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-04-04', attendees: 10 })
      .expect(201)
    const progress = await t.admin().get('/v1/campaigns/HUYEN-751-2018/progress').expect(200)
    expect(progress.body.targets).toEqual([
      {
        campaign: 'HUYEN-751-2018',
        metric: 'forumCount',
        kinds: null,
        op: '>=',
        value: 2,
        actual: 1,
        met: false,
      },
    ])
    const summary = await t
      .admin()
      .get(`/v1/reports/summary?unit=${d.district.code}&year=2018`)
      .expect(200)
    expect(summary.body.targets).toEqual(progress.body.targets)
  })

  it('refuses bad campaigns and changes nothing', async () => {
    await t.admin().post('/v1/campaigns').send(body()).expect(409)
    const rate = await t
      .admin()
      .post('/v1/campaigns')
      .send(body({ code: 'R', targets: [{ metric: 'certifiedRate', op: '>=', value: 80 }] }))
      .expect(422)
    expect(rate.body.errors[0].pointer).toBe('/targets/0/value')
    await t
      .admin()
      .post('/v1/campaigns')
      .send(body({ code: 'M', targets: [{ metric: 'happiness', op: '>=', value: 1 }] }))
      .expect(400)
    await t
      .admin()
      .post('/v1/campaigns')
      .send(body({ code: 'E', targets: [] }))
      .expect(400)
    await t
      .admin()
      .post('/v1/campaigns')
      .send(body({ code: 'S', scopeRef: '00000' }))
      .expect(404)
    expect((await t.admin().get('/v1/campaigns')).body.items).toHaveLength(1)
  })

  it('lets viewers read only, and confines scoped keys', async () => {
    const viewer = await createKey(t, 'viewer')
    await t
      .http()
      .post('/v1/campaigns')
      .set('authorization', `Bearer ${viewer}`)
      .send(body({ code: 'V' }))
      .expect(403)
    const scoped = await createKey(t, 'editor', d.otherDistrict.id)
    await t
      .http()
      .delete('/v1/campaigns/HUYEN-751-2018')
      .set('authorization', `Bearer ${scoped}`)
      .expect(403)
    await t
      .http()
      .get('/v1/campaigns/HUYEN-751-2018')
      .set('authorization', `Bearer ${scoped}`)
      .expect(404)
    await t
      .http()
      .post('/v1/campaigns')
      .set('authorization', `Bearer ${scoped}`)
      .send(body({ code: 'OUT' }))
      .expect(403)
  })
})

describe('listing and deleting', () => {
  it('lists by scope subtree, and deletes with an audit entry', async () => {
    await t
      .admin()
      .post('/v1/campaigns')
      .send(body({ code: 'XA-75101-2018', scopeRef: d.commune.code }))
      .expect(201)
    const codes = async (query: string) =>
      (await t.admin().get(`/v1/campaigns?${query}`).expect(200)).body.items.map(
        (c: { code: string }) => c.code,
      )
    expect(await codes(`under=${d.district.code}`)).toEqual(['HUYEN-751-2018', 'XA-75101-2018'])
    expect(await codes(`under=${d.commune.code}`)).toEqual(['XA-75101-2018'])
    expect(await codes(`under=${d.otherDistrict.code}`)).toEqual([])
    await t.admin().delete('/v1/campaigns/XA-75101-2018').set('if-match', '"x"').expect(412)
    await t.admin().delete('/v1/campaigns/XA-75101-2018').expect(204)
    await t.admin().get('/v1/campaigns/XA-75101-2018').expect(404)
    const audit = await t.admin().get('/v1/audit-events?entity=campaign&action=delete').expect(200)
    expect(audit.body.items[0].before).toMatchObject({ code: 'XA-75101-2018' })
  })
})
