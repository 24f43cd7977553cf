import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '73')
})
afterAll(() => t.close())

const url = (ref: string, period: string) => `/v1/units/${ref}/reeducation/${period}`
const put = (ref: string, period: string, body: object) =>
  t.admin().put(url(ref, period)).send(body)
const counts = { reEducated: 70, reformed: 30, underManagement: 15 }

describe('PUT /v1/units/{ref}/reeducation/{period}', () => {
  it('stores each kind of period with its first and last day', async () => {
    const periods = {
      '2018': ['year', '2018-01-01', '2018-12-31'],
      '2018S2': ['half', '2018-07-01', '2018-12-31'],
      '2018Q1': ['quarter', '2018-01-01', '2018-03-31'],
      '201802': ['month', '2018-02-01', '2018-02-28'],
      '202002': ['month', '2020-02-01', '2020-02-29'],
    }
    for (const [period, [periodType, startsOn, endsOn]] of Object.entries(periods)) {
      const response = await put(d.commune.code, period, counts).expect(201)
      expect(response.body).toMatchObject({ period, periodType, startsOn, endsOn })
    }
  })

  it('creates (201) with breakdowns as given, shows it, and replays an unchanged PUT', async () => {
    const body = {
      ...counts,
      byCategory: { theft: 20, gambling: 30, cockfighting: 20 },
      byOrganisation: { womens_union: 40, youth_union: 30 },
    }
    const created = await put(d.commune.code, '2019', body).expect(201)
    expect(created.headers.location).toBe(url(d.commune.id, '2019'))
    expect(created.body).toEqual({
      id: expect.any(String),
      unit: { id: d.commune.id, code: d.commune.code, name: d.commune.name, kind: 'commune' },
      period: '2019',
      periodType: 'year',
      startsOn: '2019-01-01',
      endsOn: '2019-12-31',
      reEducated: 70,
      reformed: 30,
      underManagement: 15,
      byCategory: { cockfighting: 20, gambling: 30, theft: 20 },
      byOrganisation: { womens_union: 40, youth_union: 30 },
      note: null,
      warnings: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    const shown = await t.admin().get(url(d.commune.code, '2019')).expect(200)
    expect(shown.body).toEqual(created.body)
    await t
      .admin()
      .get(url(d.commune.code, '2019'))
      .set('if-none-match', shown.headers.etag!)
      .expect(304)
    await put(d.commune.code, '2019', body).expect(200)
  })

  it('warns, without refusing, when figures do not add up', async () => {
    const response = await put(d.commune.code, '2019Q1', {
      reEducated: 10,
      reformed: 8,
      underManagement: 5,
      byCategory: { theft: 4 },
    }).expect(201)
    expect(
      response.body.warnings.map((w: { code: string; pointer: string }) => [w.code, w.pointer]),
    ).toEqual([
      ['BREAKDOWN_SUM_MISMATCH', '/byCategory'],
      ['OUTCOMES_EXCEED_TOTAL', '/reformed'],
    ])
  })

  it('needs If-Match to replace and audits before and after', async () => {
    const current = await t.admin().get(url(d.commune.code, '2019')).expect(200)
    const change = { ...counts, reEducated: 71 }
    await put(d.commune.code, '2019', change).expect(428)
    await t.admin().put(url(d.commune.code, '2019')).set('if-match', '"x"').send(change).expect(412)
    await t
      .admin()
      .put(url(d.commune.code, '2019'))
      .set('if-none-match', '*')
      .send(change)
      .expect(412)
    const updated = await t
      .admin()
      .put(url(d.commune.code, '2019'))
      .set('if-match', current.headers.etag!)
      .send(change)
      .expect(200)
    // The whole record is replaced: breakdowns not sent are cleared.
    expect(updated.body).toMatchObject({ reEducated: 71, byCategory: null, byOrganisation: null })
    const audit = await t
      .admin()
      .get(`/v1/audit-events?entity=reeducation&entityId=${updated.body.id}`)
      .expect(200)
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
    expect(audit.body.items[1].before).toMatchObject({ reEducated: 70, byCategory: { theft: 20 } })
    // Before and after are the record exactly as the API showed it, warnings included.
    expect(audit.body.items[1].before).toEqual(current.body)
    expect(audit.body.items[1].after).toEqual(updated.body)
  })

  it('keeps counts for commune-level units only, valid during the period', async () => {
    for (const ref of [d.hamlet.code, d.district.code, d.agency.code]) {
      expect((await put(ref, '2018', counts).expect(422)).body.code).toBe('INELIGIBLE_UNIT_KIND')
    }
    await put(d.otherCommune.code, '2018Q4', counts).expect(201) // a ward
    const closed = await put(d.closedCommune.id, '2020Q1', counts).expect(422)
    expect(closed.body.code).toBe('UNIT_CLOSED')
    await put(d.closedCommune.code, '2020Q1', counts).expect(404) // the code names nothing then
    // A year the unit closed in: resolve the code on a day it was valid.
    await t
      .admin()
      .put(`${url(d.closedCommune.code, '2019')}?asOf=2019-06-30`)
      .send(counts)
      .expect(201)
    const early = await put(d.commune.id, '1999', counts).expect(422)
    expect(early.body.code).toBe('UNIT_NOT_YET_VALID')
  })

  it('rejects bad periods, counts and fields with problem+json and writes nothing', async () => {
    const before = (await t.admin().get('/v1/reeducation?limit=1000')).body
    for (const period of ['2018Q5', '201813', '2018S3', '18', '1989', '2018-10']) {
      const response = await put(d.commune.code, period, counts).expect(400)
      expect(response.body.errors[0].pointer).toBe('period')
    }
    expect((await put(d.commune.code, '2099', counts).expect(422)).body.code).toBe(
      'PERIOD_IN_FUTURE',
    )
    const negative = await put(d.commune.code, '2017', { ...counts, reformed: -1 }).expect(400)
    expect(negative.body.errors[0].pointer).toBe('/reformed')
    await put(d.commune.code, '2017', { ...counts, name: 'Nguyễn Văn A' }).expect(400)
    await put(d.commune.code, '2017', { reEducated: 1 }).expect(400)
    await put(d.commune.code, '2017', { ...counts, byCategory: { 'Trộm cắp': 1 } }).expect(400)
    await put(d.commune.code, '2017', { ...counts, byCategory: { theft: -1 } }).expect(400)
    expect((await t.admin().get('/v1/reeducation?limit=1000')).body).toEqual(before)
  })
})

describe('DELETE and lists', () => {
  it('deletes with an audit entry', async () => {
    await put(d.commune.code, '2017', counts).expect(201)
    await t.admin().delete(url(d.commune.code, '2017')).set('if-match', '"x"').expect(412)
    await t.admin().delete(url(d.commune.code, '2017')).expect(204)
    await t.admin().get(url(d.commune.code, '2017')).expect(404)
    await t.admin().delete(url(d.commune.code, '2017')).expect(404)
    const audit = await t
      .admin()
      .get(`/v1/audit-events?entity=reeducation&action=delete`)
      .expect(200)
    expect(audit.body.items[0]).toMatchObject({ before: { period: '2017' }, after: null })
  })

  it('filters by subtree, period, year and period type, and pages', async () => {
    const periods = async (query: string) =>
      (await t.admin().get(`/v1/reeducation?${query}`).expect(200)).body.items.map(
        (r: { unit: { code: string }; period: string }) => `${r.unit.code}:${r.period}`,
      )
    expect(await periods('year=2018&under=731')).toEqual([
      '73101:2018',
      '73101:2018Q1',
      '73101:201802',
      '73101:2018S2',
    ])
    expect(await periods('period=2018Q4')).toEqual(['73201:2018Q4'])
    expect(await periods('year=2019&periodType=year')).toEqual(['73101:2019', '73102:2019'])
    expect(await periods(`unit=${d.otherCommune.code}`)).toEqual(['73201:2018Q4'])
    const all = await periods('limit=1000')
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const page: {
        body: { items: { unit: { code: string }; period: string }[]; nextCursor: string | null }
      } = await t.admin().get(`/v1/reeducation?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      paged.push(...page.body.items.map((r) => `${r.unit.code}:${r.period}`))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(paged).toEqual(all)
    await t.admin().get('/v1/reeducation?period=2018Q9').expect(400)
  })

  it('confines a scoped key to its subtree', async () => {
    const scoped = await createKey(t, 'editor', d.otherDistrict.id)
    const auth = `Bearer ${scoped}`
    await t.http().get(url(d.commune.code, '2019')).set('authorization', auth).expect(404)
    await t
      .http()
      .put(url(d.commune.code, '2016'))
      .set('authorization', auth)
      .send(counts)
      .expect(403)
    await t.http().delete(url(d.commune.code, '2019')).set('authorization', auth).expect(403)
    const listed = await t.http().get('/v1/reeducation?limit=1000').set('authorization', auth)
    expect(listed.body.items.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['73201'])
    await t
      .http()
      .put(url(d.otherCommune.code, '2016'))
      .set('authorization', auth)
      .send(counts)
      .expect(201)
  })
})
