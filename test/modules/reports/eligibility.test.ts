// Eligibility under 124/2021 as the reports count it: a missing or null attribute never excludes,
// and a record of a unit that has since become excluded never makes certified exceed eligible.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createUnit } from '../../support/factories.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await createUnit(t, { code: '89', name: 'Tỉnh An Giang', kind: 'province' })
  await createUnit(t, { code: '893', name: 'Huyện Chợ Mới', kind: 'district', parentCode: '89' })
  await createUnit(t, { code: 'AG1', name: 'Cơ quan 1', kind: 'agency', parentCode: '893' })
  await createUnit(t, {
    code: 'AG2',
    name: 'Cơ quan 2',
    kind: 'agency',
    parentCode: '893',
    attributes: { armedForces: false },
  })
})
afterAll(() => t.close())

const certify = (ref: string, year: number, extra: object = {}) =>
  t
    .admin()
    .put(`/v1/units/${ref}/certifications/${year}`)
    .send({ result: 'certified', ...extra })
    .expect(201)
const agencies = async (year: number) =>
  (await t.admin().get(`/v1/reports/summary?unit=893&year=${year}`).expect(200)).body.certifications

describe('eligibility in reports', () => {
  it('counts agencies with no attributes, or armedForces false, under both circulars', async () => {
    for (const year of [2021, 2023]) {
      await certify('AG1', year)
      await certify('AG2', year)
      expect((await agencies(year)).agency).toEqual({
        eligible: 2,
        assessed: 2,
        certified: 2,
        rate: 1,
      })
    }
  })

  it('leaves out a record of a unit that has since become excluded', async () => {
    const later = await createUnit(t, {
      code: 'AG3',
      name: 'Cơ quan 3',
      kind: 'agency',
      parentCode: '893',
      attributes: { armedForces: 'true' },
    })
    // The string "true" is not the boolean: the unit is assessed.
    await certify('AG3', 2024, { movementRating: 'weak' })
    await certify('AG1', 2024)
    expect((await agencies(2024)).agency).toEqual({
      eligible: 3,
      assessed: 2,
      certified: 2,
      rate: 0.6667,
    })
    const current = await t.admin().get(`/v1/units/${later.id}`).expect(200)
    await t
      .admin()
      .patch(`/v1/units/${later.id}`)
      .set('if-match', current.headers.etag!)
      .send({ attributes: { armedForces: true } })
      .expect(200)
    const after = await agencies(2024)
    expect(after.agency).toEqual({ eligible: 2, assessed: 1, certified: 1, rate: 0.5 })
    expect(after.weak.agency).toBe(0)
    // …and a new record for it is refused.
    await t
      .admin()
      .put(`/v1/units/AG3/certifications/2025`)
      .send({ result: 'certified' })
      .expect(422)
  })
})
