import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../../support/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const post = (body: Record<string, unknown>) => t.admin().post('/v1/units').send(body)

describe('POST /v1/units and GET /v1/units/{ref}', () => {
  it('creates a hierarchy and resolves codes as of a day', async () => {
    const province = await post({
      code: '89',
      name: 'Tỉnh An Giang',
      kind: 'province',
      validTo: '2025-06-30',
    }).expect(201)
    expect(province.headers.location).toBe(`/v1/units/${province.body.id}`)
    expect(province.headers.etag).toMatch(/^"/)
    const district = await post({
      code: '893',
      name: 'Huyện Chợ Mới',
      kind: 'district',
      parentCode: '89',
      validFrom: '2000-01-01',
      validTo: '2025-06-30',
    }).expect(201)
    expect(district.body).toEqual({
      id: expect.any(String),
      code: '893',
      name: 'Huyện Chợ Mới',
      kind: 'district',
      parentId: province.body.id,
      parentCode: '89',
      path: '89/893',
      validFrom: '2000-01-01',
      validTo: '2025-06-30',
      attributes: {},
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    const shown = await t.admin().get('/v1/units/893?asOf=2018-06-01').expect(200)
    expect(shown.body.id).toBe(district.body.id)
    const missing = await t.admin().get('/v1/units/893').expect(404)
    expect(missing.body.code).toBe('UNIT_NOT_FOUND')
    expect(missing.body.detail).toContain('2000-01-01 to 2025-06-30')
  })

  it('rejects an overlapping code with 409 naming the other unit, enforced by the database too', async () => {
    const response = await post({
      code: '89',
      name: 'Another',
      kind: 'province',
      validFrom: '2020-01-01',
    }).expect(409)
    expect(response.body.code).toBe('CODE_OVERLAP')
    expect(response.body.detail).toContain('Tỉnh An Giang')
    await expect(
      sql`insert into units (code, name, kind, path, code_path, valid_from) values ('89', 'x', 'province', 'x', '89', '2020-01-01')`.execute(
        t.database.db,
      ),
    ).rejects.toMatchObject({ code: '23P01' })
  })

  it('enforces kinds and parents, and validity inside the parent', async () => {
    expect(
      (await post({ code: '99901', name: 'Xã Lạ', kind: 'commune' }).expect(422)).body.code,
    ).toBe('PARENT_REQUIRED')
    expect(
      (
        await post({
          code: '99902',
          name: 'Ấp',
          kind: 'hamlet',
          parentCode: '893',
          validFrom: '2010-01-01',
        }).expect(422)
      ).body.code,
    ).toBe('INVALID_PARENT_KIND')
    expect(
      (
        await post({
          code: '99903',
          name: 'Xã',
          kind: 'commune',
          parentCode: '893',
          validFrom: '2010-01-01',
        }).expect(422)
      ).body.code,
    ).toBe('OUTSIDE_PARENT_VALIDITY')
    expect(
      (
        await post({
          code: '99904',
          name: 'Xã',
          kind: 'commune',
          parentCode: '893',
          parentId: '00000000-0000-4000-8000-000000000000',
        }).expect(422)
      ).body.code,
    ).toBe('AMBIGUOUS_PARENT')
    const bad = await post({ code: 'bad code!', name: '', kind: 'village', extra: true }).expect(
      400,
    )
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/code',
      '/extra',
      '/kind',
      '/name',
    ])
  })
})
