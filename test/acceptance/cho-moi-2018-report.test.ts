// The first acceptance scenario: the Chợ Mới (893) district report for 2018, computed live from
// records entered through the API, must give the article's figures; the same figures rolled up
// into today's six communes must add up to them.
/* eslint-disable @typescript-eslint/no-explicit-any -- report bodies are read as loose JSON */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../support/app.js'
import {
  ARTICLE_2018,
  applyChoMoiReform,
  fixture,
  loadChoMoiUnits,
  recordChoMoi2018,
  recordNoise,
} from '../support/cho-moi.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await loadChoMoiUnits(t)
  await recordChoMoi2018(t)
  await recordNoise(t)
  await t
    .admin()
    .post('/v1/campaigns')
    .send({
      code: 'CM-2019',
      name: 'Thi đua Toàn dân bảo vệ ANTQ năm 2018, huyện Chợ Mới',
      year: 2018,
      scopeRef: '893',
      targets: [
        { metric: 'certifiedRate', kinds: ['hamlet'], op: '>=', value: 0.8 },
        { metric: 'weakCount', op: '=', value: 0 },
        { metric: 'forumCount', op: '>=', value: 300 },
      ],
    })
    .expect(201)
})
afterAll(() => t.close())

const report = (query: string) => t.admin().get(`/v1/reports/summary?${query}`).expect(200)

describe('GET /v1/reports/summary for Chợ Mới 2018', () => {
  it('gives the article’s figures', async () => {
    const { body } = await report('unit=893&year=2018')
    expect(body.unit).toEqual({
      id: expect.any(String),
      code: '893',
      name: 'Huyện Chợ Mới',
      kind: 'district',
    })
    expect(body.certifications.communeLevel).toEqual({
      eligible: 18,
      assessed: 18,
      certified: 16,
      rate: 0.8889,
    })
    expect(body.certifications.hamlet).toEqual({
      eligible: 150,
      assessed: 150,
      certified: 125,
      rate: 0.8333,
    })
    expect(body.certifications.agency.certified).toBe(ARTICLE_2018.agencies)
    expect(body.certifications.business.certified).toBe(ARTICLE_2018.businesses)
    expect(body.certifications.school.certified).toBe(ARTICLE_2018.schools)
    expect(body.certifications.weak).toEqual({
      communeLevel: 0,
      hamlet: 0,
      agency: 0,
      business: 0,
      school: 0,
    })
    expect(body.meetings).toMatchObject({
      forums: 284,
      hamletsCovered: 142,
      consultations: 6,
      attendees: 10_213,
      formsDistributed: 10_072,
      opinionsReceived: 921,
    })
    expect(body.reeducation).toEqual({ reEducated: 1214, reformed: 542, underManagement: 272 })
    expect(body.targets).toEqual([
      {
        campaign: 'CM-2019',
        metric: 'certifiedRate',
        kinds: ['hamlet'],
        op: '>=',
        value: 0.8,
        actual: 0.8333,
        met: true,
      },
      {
        campaign: 'CM-2019',
        metric: 'weakCount',
        kinds: null,
        op: '=',
        value: 0,
        actual: 0,
        met: true,
      },
      {
        campaign: 'CM-2019',
        metric: 'forumCount',
        kinds: null,
        op: '>=',
        value: 300,
        actual: 284,
        met: false,
      },
    ])
    expect(body.notAttributable).toBeNull()
  })

  it('lets nothing from another district or year leak in', async () => {
    const { body } = await report('unit=065&year=2018&asOf=2018-12-31')
    expect(body.meetings.forums).toBe(1)
    expect(body.reeducation.reEducated).toBe(9)
    const next = (await report('unit=893&year=2019')).body
    expect(next.certifications.communeLevel).toMatchObject({
      eligible: 18,
      assessed: 1,
      certified: 1,
    })
    expect(next.meetings.forums).toBe(1)
    expect(next.reeducation.reEducated).toBe(5)
  })

  it('breaks the figures down by commune, with the legal floor', async () => {
    const { body } = await report('unit=893&year=2018&groupBy=child')
    expect(body.items).toHaveLength(18)
    const total = (of: (item: any) => number) =>
      body.items.reduce((sum: number, item: any) => sum + of(item), 0)
    expect(total((i) => i.certifications.communeLevel.certified)).toBe(16)
    expect(total((i) => i.meetings.forums)).toBe(284)
    expect(total((i) => i.meetings.hamletsCovered)).toBe(142)
    expect(total((i) => i.reeducation.reEducated)).toBe(1214)
    const first = body.items[0]
    expect(first.legalFloor).toMatchObject({ basis: expect.stringContaining('23/2012'), met: true })
    // The last hamlets of the district are not certified: the last commune falls below 70%.
    expect(body.items.at(-1).legalFloor.met).toBe(false)
  })

  it('answers CSV for Excel', async () => {
    const response = await t
      .admin()
      .get('/v1/reports/summary?unit=893&year=2018')
      .set('accept', 'text/csv')
      .expect(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    const text = response.text
    expect(text.startsWith('\uFEFF')).toBe(true)
    const [header, row] = text.slice(1).trimEnd().split('\r\n')
    const record = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]))
    expect(record).toMatchObject({
      'unit.code': '893',
      'unit.name': 'Huyện Chợ Mới',
      'certifications.communeLevel.certified': '16',
      'meetings.forums': '284',
      'reeducation.reEducated': '1214',
    })
    const breakdown = await t
      .admin()
      .get('/v1/reports/summary?unit=893&year=2018&groupBy=child&format=csv')
      .expect(200)
    expect(breakdown.text.trimEnd().split('\r\n')).toHaveLength(19)
  })

  it('reports campaign progress', async () => {
    const { body } = await t.admin().get('/v1/campaigns/CM-2019/progress').expect(200)
    expect(body.targets.map((x: { met: boolean }) => x.met)).toEqual([true, true, false])
  })
})

describe('after the 2025 reorganisation', () => {
  beforeAll(() => applyChoMoiReform(t))

  it('still reports 2018 as the hierarchy stood then', async () => {
    const { body } = await report('unit=893&year=2018&asOf=2018-12-31')
    expect(body.certifications.communeLevel.certified).toBe(16)
    expect(body.reeducation.reEducated).toBe(1214)
  })

  it('rolls 2018 up into today’s six communes, adding up to the district’s figures', async () => {
    const codes = fixture.merges.map((m) => m.level2_id)
    const figures = await Promise.all(
      codes.map(async (code) => (await report(`unit=${code}&year=2018&hierarchy=current`)).body),
    )
    const sum = (of: (f: any) => number) => figures.reduce((total, f) => total + of(f), 0)
    expect(sum((f) => f.certifications.communeLevel.eligible)).toBe(18)
    expect(sum((f) => f.certifications.communeLevel.certified)).toBe(16)
    expect(sum((f) => f.certifications.agency.certified)).toBe(36)
    expect(sum((f) => f.certifications.business.certified)).toBe(6)
    expect(sum((f) => f.certifications.school.certified)).toBe(91)
    expect(sum((f) => f.meetings.forums)).toBe(284)
    expect(sum((f) => f.meetings.hamletsCovered)).toBe(142)
    expect(sum((f) => f.meetings.consultations)).toBe(6)
    expect(sum((f) => f.meetings.formsDistributed)).toBe(10_072)
    expect(sum((f) => f.meetings.opinionsReceived)).toBe(921)
    expect(sum((f) => f.reeducation.reEducated)).toBe(1214)
    expect(sum((f) => f.reeducation.reformed)).toBe(542)
    expect(sum((f) => f.reeducation.underManagement)).toBe(272)
    // Each of today's communes is three of 2018's.
    expect(figures.map((f) => f.certifications.communeLevel.eligible)).toEqual([3, 3, 3, 3, 3, 3])
    const province = await report('unit=91&year=2018&hierarchy=current&groupBy=child')
    const chợMới = province.body.items.filter((i: any) => codes.includes(i.unit.code))
    expect(chợMới.reduce((n: number, i: any) => n + i.meetings.forums, 0)).toBe(284)
  })

  it('confines a scoped key and refuses bad input', async () => {
    const scoped = await createKey(
      t,
      'viewer',
      (await t.admin().get('/v1/units/065?asOf=2018-12-31')).body.id,
    )
    await t
      .http()
      .get('/v1/reports/summary?unit=893&year=2018&asOf=2018-12-31')
      .set('authorization', `Bearer ${scoped}`)
      .expect(404)
    await t.admin().get('/v1/reports/summary?unit=893').expect(400)
    await t.admin().get('/v1/reports/summary?unit=893&year=1800').expect(400)
    await t.admin().get('/v1/reports/summary?unit=893&year=2018&hierarchy=later').expect(400)
    await t.admin().get('/v1/reports/summary?unit=nowhere&year=2018').expect(404)
  })
})
