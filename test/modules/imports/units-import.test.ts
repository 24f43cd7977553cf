// Bulk import of units: the rules of POST /v1/units and PATCH, parents before children.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { importFile, rowErrors } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '84')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'units')
const unit = (ref: string, asOf = '2024-01-01') => t.admin().get(`/v1/units/${ref}?asOf=${asOf}`)

describe('POST /v1/imports/units', () => {
  const csv = [
    'code,name,kind,parentCode,validFrom,validTo,attributes',
    `843,Huyện Mới,district,84,2020-01-01,,`,
    `84301,Xã Mới,commune,843,2020-01-01,,`,
    `84301-T1,Trường Tiểu học Mới,school,84301,2020-01-01,,"{""level"":""primary""}"`,
  ].join('\r\n')

  it('creates a district and its commune from one file, then finds them unchanged', async () => {
    const dry = await importing(csv, 'text/csv', '?dryRun=true').expect(200)
    expect(dry.body.counts).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0, rejected: 0 })
    await unit('843').expect(404)
    const first = await importing(csv).expect(200)
    expect(first.body.counts).toEqual(dry.body.counts)
    const school = await unit('84301-T1').expect(200)
    expect(school.body).toMatchObject({
      path: '84/843/84301/84301-T1',
      kind: 'school',
      attributes: { level: 'primary' },
      validFrom: '2020-01-01',
    })
    const again = await importing(csv).expect(200)
    expect(again.body.counts).toMatchObject({ unchanged: 3, created: 0 })
    const events = await t.admin().get(`/v1/audit-events?entity=unit&entityId=${school.body.id}`)
    expect(events.body.items).toEqual([
      expect.objectContaining({ action: 'create', importId: first.body.id, after: school.body }),
    ])
  })

  it('renames and closes a stored unit as PATCH would, and refuses a change of parent', async () => {
    const renamed = csv
      .replace('84301,Xã Mới,', '84301,Xã Mới Đổi Tên,')
      .replace('2020-01-01,,"{', '2020-01-01,2030-12-31,"{')
    const response = await importing(renamed).expect(200)
    expect(response.body.counts).toMatchObject({ updated: 2, unchanged: 1 })
    expect((await unit('84301').expect(200)).body.name).toBe('Xã Mới Đổi Tên')
    expect((await unit('84301-T1').expect(200)).body.validTo).toBe('2030-12-31')
    // A parent may not close before its children: the rule of PATCH.
    const closing = `code,name,kind,parentCode,validFrom,validTo\n84301,Xã Mới Đổi Tên,commune,843,2020-01-01,2025-12-31\n`
    const early = await importing(closing).expect(422)
    expect(early.body.errors).toEqual([
      expect.objectContaining({ row: 1, pointer: '/validTo', code: 'CHILDREN_OUTSIDE_VALIDITY' }),
    ])
    const moved = `code,name,kind,parentCode,validFrom\n84301,Xã Mới Đổi Tên,commune,${d.district.code},2020-01-01\n`
    const refused = await importing(moved).expect(422)
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ row: 1, pointer: '/code', code: 'REORGANISATION_NEEDED' }),
    ])
  })

  it('creates children listed before their parents, and refuses two rows of one code at once', async () => {
    const rows = [
      {
        code: '847-A1',
        name: 'Ấp Một',
        kind: 'hamlet',
        parentCode: '84701',
        validFrom: '2020-01-01',
      },
      {
        code: '84701',
        name: 'Xã Bảy',
        kind: 'commune',
        parentCode: '847',
        validFrom: '2020-01-01',
      },
      {
        code: '847',
        name: 'Huyện Bảy',
        kind: 'district',
        parentCode: '84',
        validFrom: '2020-01-01',
      },
    ]
    const made = await importing(JSON.stringify(rows), 'application/json').expect(200)
    expect(made.body.counts).toMatchObject({ created: 3, rejected: 0 })
    expect((await unit('847-A1').expect(200)).body.path).toBe('84/847/84701/847-A1')
    const twice = [
      {
        code: '847-A2',
        name: 'Ấp Hai',
        kind: 'hamlet',
        parentCode: '84701',
        validFrom: '2020-01-01',
      },
      {
        code: '847-A2',
        name: 'Ấp Hai mới',
        kind: 'hamlet',
        parentCode: '84701',
        validFrom: '2021-01-01',
      },
    ]
    const refused = await importing(JSON.stringify(twice), 'application/json').expect(422)
    expect(rowErrors(refused.body)).toEqual([[2, '/code', 'CODE_OVERLAP']])
    await unit('847-A2').expect(404)
  })

  it('refuses rows POST /v1/units would refuse, writing none', async () => {
    const rows = [
      {
        code: '84302',
        name: 'Xã Hai',
        kind: 'commune',
        parentCode: '843',
        validFrom: '2021-01-01',
      },
      {
        code: '84303',
        name: 'Xã Ba',
        kind: 'commune',
        parentCode: 'NOPE',
        validFrom: '2021-01-01',
      },
      { code: '84304', name: 'Ấp Bốn', kind: 'hamlet', parentCode: d.province.code },
      {
        code: '84305',
        name: 'Ấp Năm',
        kind: 'hamlet',
        parentCode: d.closedCommune.code,
        validFrom: '2015-01-01',
      },
      {
        code: d.commune.code,
        name: 'Trùng mã',
        kind: 'commune',
        parentCode: '843',
        validFrom: '2021-01-01',
      },
      {
        code: '84306',
        name: 'Xã Sáu',
        kind: 'commune',
        parentCode: '843',
        validFrom: '2022-01-01',
        validTo: '2021-01-01',
      },
    ]
    const response = await importing(JSON.stringify(rows), 'application/json').expect(422)
    expect(rowErrors(response.body)).toEqual([
      [2, '/parentCode', 'UNIT_NOT_FOUND'],
      [3, '/parentCode', 'INVALID_PARENT_KIND'],
      [4, '/validFrom', 'OUTSIDE_PARENT_VALIDITY'],
      [5, '/code', 'CODE_OVERLAP'],
      [6, '/validTo', 'INVALID_VALIDITY'],
    ])
    await unit('84302').expect(404)
  })

  it('keeps a scoped key inside its subtree', async () => {
    const key = await createKey(t, 'editor', d.district.id)
    const rows = `code,name,kind,parentCode,validFrom\n84101-A9,Ấp Chín,hamlet,${d.commune.code},2020-01-01\n84202,Xã Ngoài,commune,${d.otherDistrict.code},2020-01-01\n`
    const response = await t
      .http()
      .post('/v1/imports/units')
      .set('authorization', `Bearer ${key}`)
      .set('content-type', 'text/csv')
      .send(rows)
      .expect(422)
    expect(response.body.errors).toEqual([
      expect.objectContaining({ row: 2, pointer: '/parentCode', code: 'OUT_OF_SCOPE' }),
    ])
  })
})
