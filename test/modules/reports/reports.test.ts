// The report's rules beyond the acceptance scenario: withdrawn records, eligibility under
// 124/2021, which re-education periods count, a split reported as not attributable, CSV quoting.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict, createUnit } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '76')
})
afterAll(() => t.close())

const summary = async (query: string) =>
  (await t.admin().get(`/v1/reports/summary?${query}`).expect(200)).body
const certify = (ref: string, year: number, result = 'certified', extra: object = {}) =>
  t
    .admin()
    .put(`/v1/units/${ref}/certifications/${year}`)
    .send({ result, ...extra })
    .expect(201)
const counts = (n: number) => ({ reEducated: n, reformed: 0, underManagement: 0 })

describe('certification figures', () => {
  it('counts eligible units valid that year, leaves withdrawn records out, and counts weak ratings', async () => {
    await certify(d.hamlet.code, 2019)
    await certify(d.commune.code, 2019, 'not_certified', { movementRating: 'weak' })
    await certify(d.closedCommune.code, 2019)
    await certify(d.agency.code, 2019)
    await t
      .admin()
      .delete(`/v1/units/${d.agency.code}/certifications/2019?reason=entered twice`)
      .expect(204)
    const body = await summary(`unit=${d.district.code}&year=2019`)
    expect(body.certifications.communeLevel).toEqual({
      eligible: 2,
      assessed: 2,
      certified: 1,
      rate: 0.5,
    })
    // The second hamlet opened in 2021: not eligible in 2019.
    expect(body.certifications.hamlet).toEqual({ eligible: 1, assessed: 1, certified: 1, rate: 1 })
    expect(body.certifications.agency).toEqual({ eligible: 1, assessed: 0, certified: 0, rate: 0 })
    expect(body.certifications.weak.communeLevel).toBe(1)
    // The commune closed at the end of 2019 is not eligible in 2020.
    const next = await summary(`unit=${d.district.code}&year=2020`)
    expect(next.certifications.communeLevel.eligible).toBe(1)
    expect(next.certifications.hamlet.rate).toBe(0)
    expect(next.certifications.agency.rate).toBe(0)
    expect((await summary(`unit=${d.district.code}&year=2000`)).certifications.province).toBe(
      undefined,
    )
  })

  it('leaves out the units 124/2021 does not assess, from 2022', async () => {
    const before = await summary(`unit=${d.commune.code}&year=2021`)
    expect(before.certifications.business.eligible).toBe(1)
    expect(before.certifications.school.eligible).toBe(1)
    const after = await summary(`unit=${d.commune.code}&year=2022`)
    expect(after.certifications.business).toEqual({
      eligible: 0,
      assessed: 0,
      certified: 0,
      rate: null,
    })
    expect(after.certifications.school.eligible).toBe(0)
    // A commune's own report includes the commune itself.
    expect(after.certifications.communeLevel.eligible).toBe(1)
  })
})

describe('re-education figures', () => {
  it('takes a unit’s yearly record, else its quarters, else halves, else months — never two kinds', async () => {
    const put = (ref: string, period: string, n: number) =>
      t.admin().put(`/v1/units/${ref}/reeducation/${period}`).send(counts(n)).expect(201)
    // Commune: a year (100) and its quarters (4 × 30): the year counts.
    await put(d.commune.code, '2018', 100)
    for (const q of [1, 2, 3, 4]) await put(d.commune.code, `2018Q${q}`, 30)
    // Ward: halves (2 × 7) and months (12 × 1): the halves count.
    await put(d.otherCommune.code, '2018S1', 7)
    await put(d.otherCommune.code, '2018S2', 7)
    for (let m = 1; m <= 12; m++)
      await put(d.otherCommune.code, `2018${String(m).padStart(2, '0')}`, 1)
    // Closed commune: months only.
    await put(d.closedCommune.code, '201803', 2)
    await put(d.closedCommune.code, '201807', 3)
    expect((await summary(`unit=${d.district.code}&year=2018`)).reeducation.reEducated).toBe(105)
    expect((await summary(`unit=${d.otherDistrict.code}&year=2018`)).reeducation.reEducated).toBe(
      14,
    )
    expect((await summary(`unit=${d.province.code}&year=2018`)).reeducation.reEducated).toBe(119)
    const breakdown = await summary(`unit=${d.province.code}&year=2018&groupBy=child`)
    expect(
      breakdown.items.map((i: { unit: { code: string }; reeducation: { reEducated: number } }) => [
        i.unit.code,
        i.reeducation.reEducated,
      ]),
    ).toEqual([
      ['761', 105],
      ['762', 14],
    ])
    expect(breakdown.items[0].legalFloor).toBeNull() // districts have no floor
  })
})

describe('the whole country', () => {
  it('is the report without a unit, by province with groupBy=child; a scoped key gets its scope', async () => {
    const country = await summary('year=2018')
    expect(country.unit).toBeNull()
    expect(country.reeducation.reEducated).toBe(119)
    const provinces = await summary('year=2018&groupBy=child')
    expect(provinces.items.map((i: { unit: { code: string } }) => i.unit.code)).toEqual(['76'])
    expect(provinces.items[0].reeducation.reEducated).toBe(119)
    const csv = await t.admin().get('/v1/reports/summary?year=2018&format=csv').expect(200)
    expect(csv.text.split('\r\n')[1]).toMatch(/^,Toàn quốc,country,2018,/)
    const scoped = await createKey(t, 'viewer', d.otherDistrict.id)
    const own = await t
      .http()
      .get('/v1/reports/summary?year=2018')
      .set('authorization', `Bearer ${scoped}`)
      .expect(200)
    expect(own.body.unit.code).toBe(d.otherDistrict.code)
    expect(own.body.reeducation.reEducated).toBe(14)
  })
})

describe('a unit changed during the year', () => {
  it('brings the activity of the units it succeeded that year into its own report', async () => {
    await createUnit(t, {
      code: '76108',
      name: 'Xã Cũ',
      kind: 'commune',
      parentCode: d.district.code,
      validFrom: '2000-01-01',
    })
    await createUnit(t, {
      code: '76108-A1',
      name: 'Ấp Một',
      kind: 'hamlet',
      parentCode: '76108',
      validFrom: '2000-01-01',
    })
    const forum = (heldOn: string) =>
      t
        .admin()
        .post('/v1/meetings')
        .send({ unitRef: '76108-A1', format: 'forum', heldOn, attendees: 10 })
        .expect(201)
    await forum('2024-03-01')
    await t
      .admin()
      .put('/v1/units/76108/reeducation/2024Q1?asOf=2024-03-31')
      .send(counts(4))
      .expect(201)
    await t
      .admin()
      .post('/v1/unit-changes')
      .send({
        type: 'rename',
        effectiveDate: '2024-07-01',
        legalBasis: 'NQ đổi tên',
        from: ['76108'],
        to: [{ name: 'Xã Mới' }],
      })
      .expect(201)
    await forum('2024-09-01')
    await t.admin().put('/v1/units/76108/reeducation/2024Q3').send(counts(5)).expect(201)
    await certify('76108', 2024)
    // The renamed commune's 2024 covers the whole year, its hamlet once.
    const renamed = await summary('unit=76108&year=2024')
    expect(renamed.unit.name).toBe('Xã Mới')
    expect(renamed.meetings).toMatchObject({ forums: 2, hamletsCovered: 1, attendees: 20 })
    expect(renamed.reeducation.reEducated).toBe(9)
    expect(renamed.certifications.communeLevel).toEqual({
      eligible: 1,
      assessed: 1,
      certified: 1,
      rate: 1,
    })
    // The old version's own report stops at its closing.
    const old = await summary('unit=76108&year=2024&asOf=2024-06-30')
    expect(old.meetings.forums).toBe(1)
    // The district counts each once.
    const district = await summary(`unit=${d.district.code}&year=2024`)
    expect(district.meetings.forums).toBe(2)
    expect(district.reeducation.reEducated).toBe(9)
  })
})

describe('hierarchy=current', () => {
  it('reports records of a unit split in two as not attributable', async () => {
    const commune = await createUnit(t, {
      code: '76103',
      name: 'Xã Tách',
      kind: 'commune',
      parentCode: d.district.code,
      validFrom: '2000-01-01',
    })
    await t
      .admin()
      .post('/v1/meetings')
      .send({ unitRef: commune.code, format: 'forum', heldOn: '2018-03-01', attendees: 40 })
      .expect(201)
    await t
      .admin()
      .post('/v1/unit-changes')
      .send({
        type: 'split',
        effectiveDate: '2024-01-01',
        legalBasis: 'NQ thử',
        from: [commune.code],
        to: [
          { code: '76104', name: 'Xã Tách Một', kind: 'commune', parentCode: d.district.code },
          { code: '76105', name: 'Xã Tách Hai', kind: 'commune', parentCode: d.district.code },
        ],
      })
      .expect(201)
    const part = await summary('unit=76104&year=2018&hierarchy=current')
    expect(part.meetings.forums).toBe(0)
    expect(part.notAttributable.meetings.forums).toBe(1)
    const district = await summary(`unit=${d.district.code}&year=2018&hierarchy=current`)
    expect(district.notAttributable.meetings.attendees).toBe(40)
    // As the hierarchy stood in 2018, the forum is the district's.
    const then = await summary(`unit=${d.district.code}&year=2018`)
    expect(then.meetings.forums).toBe(1)
    expect(then.notAttributable).toBeNull()
  })
})

describe('CSV', () => {
  it('quotes names that hold commas and quotes, and defuses formulas', async () => {
    await createUnit(t, {
      code: '76106',
      name: 'Xã "Mới", Một',
      kind: 'commune',
      parentCode: d.district.code,
      validFrom: '2000-01-01',
    })
    const response = await t
      .admin()
      .get('/v1/reports/summary?unit=76106&year=2018&format=csv')
      .expect(200)
    expect(response.text.split('\r\n')[1]).toMatch(/^76106,"Xã ""Mới"", Một",commune,2018,year,/)
    await createUnit(t, {
      code: '76107',
      name: '=HYPERLINK("http://x","y")',
      kind: 'commune',
      parentCode: d.district.code,
      validFrom: '2000-01-01',
    })
    const formula = await t
      .admin()
      .get('/v1/reports/summary?unit=76107&year=2018&format=csv')
      .expect(200)
    expect(formula.text.split('\r\n')[1]).toMatch(/^76107,"'=HYPERLINK\(""http:\/\/x"",""y""\)",/)
    const json = await t
      .admin()
      .get('/v1/reports/summary?unit=76106&year=2018')
      .set('accept', 'application/json, text/csv')
      .expect(200)
    expect(json.body.unit.code).toBe('76106')
  })
})
