// Small factories: each test file builds the units it needs through the API, with its own codes.
import type { TestApp } from './app.js'

export interface UnitBody {
  code: string
  name: string
  kind: string
  parentCode?: string
  parentId?: string
  validFrom?: string | null
  validTo?: string | null
  attributes?: Record<string, unknown>
}

export interface CreatedUnit {
  id: string
  code: string
  name: string
  kind: string
}

export async function createUnit(t: TestApp, body: UnitBody): Promise<CreatedUnit> {
  const response = await t.admin().post('/v1/units').send(body)
  if (response.status !== 201)
    throw new Error(`creating ${body.code}: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body as CreatedUnit
}

/**
 * A province with one district (valid from 2000), two communes under it (the second closed at
 * the end of 2019), two hamlets, an agency, a business and a school under the first commune, and
 * a second district to test scopes against. Codes start with `prefix` (two digits).
 */
export async function createDistrict(t: TestApp, prefix: string) {
  const unit = (body: UnitBody) => createUnit(t, body)
  const province = await unit({ code: prefix, name: `Tỉnh ${prefix}`, kind: 'province' })
  const since = { validFrom: '2000-01-01' }
  const district = await unit({
    code: `${prefix}1`,
    name: `Huyện ${prefix}1`,
    kind: 'district',
    parentCode: prefix,
    ...since,
  })
  const otherDistrict = await unit({
    code: `${prefix}2`,
    name: `Huyện ${prefix}2`,
    kind: 'district',
    parentCode: prefix,
    ...since,
  })
  const commune = await unit({
    code: `${prefix}101`,
    name: `Xã Một ${prefix}`,
    kind: 'commune',
    parentCode: district.code,
    ...since,
  })
  const closedCommune = await unit({
    code: `${prefix}102`,
    name: `Xã Hai ${prefix}`,
    kind: 'commune',
    parentCode: district.code,
    validFrom: '2000-01-01',
    validTo: '2019-12-31',
  })
  const otherCommune = await unit({
    code: `${prefix}201`,
    name: `Phường Ba ${prefix}`,
    kind: 'ward',
    parentCode: otherDistrict.code,
    ...since,
  })
  const under = { parentCode: commune.code, ...since }
  const hamlet = await unit({ code: `${prefix}101-A1`, name: 'Ấp Một', kind: 'hamlet', ...under })
  const newHamlet = await unit({
    code: `${prefix}101-A2`,
    name: 'Ấp Hai',
    kind: 'hamlet',
    parentCode: commune.code,
    validFrom: '2021-01-01',
  })
  const agency = await unit({ code: `${prefix}101-CQ1`, name: 'UBND xã', kind: 'agency', ...under })
  const business = await unit({
    code: `${prefix}101-DN1`,
    name: 'Công ty Nhỏ',
    kind: 'business',
    attributes: { size: 'small' },
    ...under,
  })
  const school = await unit({
    code: `${prefix}101-TH1`,
    name: 'Trường Tiểu học',
    kind: 'school',
    attributes: { level: 'primary' },
    ...under,
  })
  return {
    province,
    district,
    otherDistrict,
    commune,
    closedCommune,
    otherCommune,
    hamlet,
    newHamlet,
    agency,
    business,
    school,
  }
}
