// A unit is written as JSON in two places: toUnit (reads of one unit, and its ETag) and unitJson in
// SQL (pages of units, audit rows of creations). Whatever a unit holds, both must say the same.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createUnit } from '../../support/factories.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

type Unit = { id: string; code: string }

const ODD_ATTRIBUTES: Record<string, unknown>[] = [
  {},
  { level: 'THCS', pupils: 812, public: true, note: null },
  { nested: { deeper: { list: [1, 'two', { three: 3 }, [], {}] } }, empty: '' },
  { big: 1e21, small: 1e-7, negative: -0.5, exact: 0.1, integer: 9007199254740991 },
  { text: 'dấu "ngoặc" \\ gạch chéo\ttab\nxuống dòng \u0001 😀 ₫', 'khóa có dấu': 'giá trị' },
]

describe('the two writings of a unit', () => {
  it('agree for every kind of name, validity and attributes, in pages, reads and the audit', async () => {
    const province = await createUnit(t, { code: 'R9', name: 'Tỉnh "Thử"', kind: 'province' })
    const commune = await createUnit(t, {
      code: 'R9.001',
      name: 'Xã Một \\ Hai',
      kind: 'commune',
      parentCode: 'R9',
      validFrom: '2001-02-03',
    })
    const created: Unit[] = [province, commune]
    for (const [i, attributes] of ODD_ATTRIBUTES.entries()) {
      created.push(
        await createUnit(t, {
          code: `R9-${i}/x`,
          name: ` Ấp   ${i} — “${'ê'.normalize('NFD')}” `,
          kind: i % 2 ? 'school' : 'hamlet',
          parentId: commune.id,
          validFrom: `200${i + 2}-01-01`,
          ...(i === 3 ? { validTo: '2019-12-31' } : {}),
          attributes,
        }),
      )
    }
    const patched = created[3]!
    const current = await t.admin().get(`/v1/units/${patched.id}`).expect(200)
    await t
      .admin()
      .patch(`/v1/units/${patched.id}`)
      .set('if-match', current.headers.etag!)
      .send({ attributes: { changed: ['after', 'patch'] } })
      .expect(200)

    const page = await t.admin().get('/v1/units?under=R9&includeClosed=true&limit=1000').expect(200)
    expect(page.headers['content-type']).toBe('application/json; charset=utf-8')
    const listed = page.body.items as Unit[]
    expect(listed.map((u) => u.id).sort()).toEqual(
      created
        .slice(1)
        .map((u) => u.id)
        .sort(),
    )
    const events = (await t.admin().get('/v1/audit-events?entity=unit&action=create&limit=1000'))
      .body.items as { entityId: string; after: unknown }[]
    for (const unit of created) {
      const shown = (await t.admin().get(`/v1/units/${unit.id}`).expect(200)).body
      if (unit.id !== province.id) expect(listed.find((u) => u.id === unit.id)).toEqual(shown)
      const creation = events.find((e) => e.entityId === unit.id)!
      if (unit.id !== patched.id) expect(creation.after).toEqual(shown)
      else
        expect(creation.after).toEqual({
          ...shown,
          attributes: ODD_ATTRIBUTES[1],
          updatedAt: expect.any(String),
        })
    }
    const provinces = (await t.admin().get('/v1/units?kind=province&limit=1000').expect(200)).body
      .items as Unit[]
    expect(provinces.find((u) => u.id === province.id)).toEqual(
      (await t.admin().get(`/v1/units/${province.id}`)).body,
    )
    const children = await t.admin().get(`/v1/units/${commune.id}/children?asOf=2010-01-01`)
    const hamletsAndSchools = new Set(created.slice(2).map((u) => u.id))
    expect(children.body.items).toEqual(listed.filter((u) => hamletsAndSchools.has(u.id)))
  })
})
