import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

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

describe('GET /v1/units?parent=', () => {
  it('lists a parent’s children by its code or id, scoped as the parent is', async () => {
    const d = await createDistrict(t, '41')
    const codes = async (query: string, key?: string) => {
      const request = key
        ? t.http().get(`/v1/units?${query}`).set('authorization', `Bearer ${key}`)
        : t.admin().get(`/v1/units?${query}`)
      const response = await request.expect(200)
      return response.body.items.map((u: { code: string }) => u.code)
    }
    // Today: the closed commune is gone; in 2018 it was there.
    expect(await codes('parent=411')).toEqual(['41101'])
    expect(await codes(`parent=${d.district.id}&asOf=2018-06-01`)).toEqual(['41101', '41102'])
    expect(await codes('parent=411&kind=ward')).toEqual([])
    expect(await codes('parent=41101-A1')).toEqual([]) // a hamlet has nothing below
    // Two at a time, by cursor.
    const first = await t.admin().get('/v1/units?parent=41&limit=1').expect(200)
    expect(first.body.items.map((u: { code: string }) => u.code)).toEqual(['411'])
    const next = await t
      .admin()
      .get(`/v1/units?parent=41&limit=1&cursor=${first.body.nextCursor}`)
      .expect(200)
    expect(next.body.items.map((u: { code: string }) => u.code)).toEqual(['412'])
    // With `under` too: children of the parent inside the subtree.
    expect(await codes('parent=41101&under=411&kind=hamlet')).toEqual(['41101-A1', '41101-A2'])
    // A parent nobody has, or not valid on the day.
    const missing = await t.admin().get('/v1/units?parent=49999').expect(404)
    expect(missing.headers['content-type']).toMatch(/problem\+json/)
    await t.admin().get('/v1/units?parent=41102').expect(404)
    // A key scoped to the other district sees its own children and reads this parent as nobody's.
    const scoped = await createKey(t, 'viewer', d.otherDistrict.id)
    expect(await codes('parent=412', scoped)).toEqual(['41201'])
    const outside = await t
      .http()
      .get('/v1/units?parent=411')
      .set('authorization', `Bearer ${scoped}`)
      .expect(404)
    expect(outside.body.code).toBe(
      (await t.http().get('/v1/units?parent=49999').set('authorization', `Bearer ${scoped}`)).body
        .code,
    )
  })
})
