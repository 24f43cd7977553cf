// Chợ Mới (An Giang) through its history: 18 commune-level units in 2018, Xã Hội An becoming a
// town in 2023 under the same code, and the 2025 reorganisation into 6 communes of the new
// An Giang, which reuses Kiên Giang's code 91. Built through the API from the official lists.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { REFORM, applyChoMoiReform, loadChoMoiUnits } from '../../support/cho-moi.js'

let t: TestApp
const codesOf = (body: { items: { code: string }[] }) => body.items.map((u) => u.code).sort()

beforeAll(async () => {
  t = await createTestApp()
  await loadChoMoiUnits(t)
})
afterAll(() => t.close())

describe('Chợ Mới in 2018', () => {
  it('has 18 commune-level units: 2 towns and 16 communes', async () => {
    const response = await t
      .admin()
      .get('/v1/units/893/children?asOf=2018-12-31&limit=100')
      .expect(200)
    expect(response.body.items).toHaveLength(18)
    const kinds = (response.body.items as { kind: string }[]).map((u) => u.kind)
    expect(kinds.filter((k) => k === 'town')).toHaveLength(2)
    expect(kinds.filter((k) => k === 'commune')).toHaveLength(16)
    const ancestors = await t.admin().get('/v1/units/30628/ancestors?asOf=2018-06-01').expect(200)
    expect(ancestors.body.items.map((u: { code: string }) => u.code)).toEqual(['89', '893'])
  })
})

describe('reclassification under the same code', () => {
  it('makes Xã Hội An Thị trấn Hội An from 2023-04-10, keeping both versions', async () => {
    const change = await t
      .admin()
      .post('/v1/unit-changes')
      .send({
        type: 'reclassify',
        effectiveDate: '2023-04-10',
        legalBasis: 'Nghị quyết 725/NQ-UBTVQH15',
        from: ['30673'],
        to: [{ name: 'Thị trấn Hội An', kind: 'town' }],
      })
      .expect(201)
    expect(change.body.created).toEqual([
      expect.objectContaining({
        code: '30673',
        name: 'Thị trấn Hội An',
        kind: 'town',
        validFrom: '2023-04-10',
        parentCode: '893',
      }),
    ])
    const before = await t.admin().get('/v1/units/30673?asOf=2023-04-09').expect(200)
    const after = await t.admin().get('/v1/units/30673?asOf=2023-04-10').expect(200)
    expect([before.body.name, before.body.kind, before.body.validTo]).toEqual([
      'Xã Hội An',
      'commune',
      '2023-04-09',
    ])
    expect([after.body.name, after.body.kind]).toEqual(['Thị trấn Hội An', 'town'])
    const lineage = await t.admin().get('/v1/units/30673?asOf=2024-01-01').expect(200)
    const predecessors = await t.admin().get(`/v1/units/${lineage.body.id}/lineage`).expect(200)
    expect(predecessors.body.predecessors).toEqual([
      expect.objectContaining({
        coverage: 'full',
        depth: 1,
        changeType: 'reclassify',
        unit: expect.objectContaining({ name: 'Xã Hội An' }),
      }),
    ])
  })
})

describe('the 2025 reorganisation', () => {
  it('reports a dry run and changes nothing', async () => {
    const dry = await t
      .admin()
      .post('/v1/unit-changes?dryRun=true')
      .send({
        type: 'merge',
        ...REFORM,
        from: ['89', '91'],
        to: [{ code: '91', name: 'Tỉnh An Giang', kind: 'province' }],
        children: 'close',
      })
      .expect(200)
    expect(dry.body).toMatchObject({
      id: null,
      dryRun: true,
      created: [expect.objectContaining({ code: '91', name: 'Tỉnh An Giang' })],
    })
    expect(dry.body.closed.length).toBeGreaterThan(20)
    const still = await t.admin().get('/v1/units/91?asOf=2025-07-01').expect(200)
    expect([still.body.name, still.body.validTo]).toEqual(['Tỉnh Kiên Giang', null])
  })

  it('merges the provinces, then Chợ Mới’s 18 units into 6 communes reusing members’ codes', async () => {
    await applyChoMoiReform(t)
    const today = await t
      .admin()
      .get('/v1/units?kind=commune,ward,town&under=91&limit=100')
      .expect(200)
    expect(codesOf(today.body)).toEqual(['30628', '30631', '30643', '30658', '30664', '30673'])
    expect(
      await t
        .admin()
        .get('/v1/units/893')
        .then((r) => r.status),
    ).toBe(404)
    const in2018 = await t
      .admin()
      .get('/v1/units/893/children?asOf=2018-06-01&limit=100')
      .expect(200)
    expect(in2018.body.items).toHaveLength(18)
  })

  it('reads 91 as Kiên Giang before 2025-07-01 and An Giang after; 89 is closed', async () => {
    expect((await t.admin().get('/v1/units/91?asOf=2025-06-30').expect(200)).body.name).toBe(
      'Tỉnh Kiên Giang',
    )
    expect((await t.admin().get('/v1/units/91').expect(200)).body.name).toBe('Tỉnh An Giang')
    const closed = await t.admin().get('/v1/units/89').expect(404)
    expect(closed.body.detail).toContain('to 2025-06-30')
  })

  it('reads 30628 as Thị trấn Chợ Mới in 2018 and Xã Chợ Mới today, with its predecessors', async () => {
    expect((await t.admin().get('/v1/units/30628?asOf=2018-06-01').expect(200)).body).toMatchObject(
      { name: 'Thị trấn Chợ Mới', kind: 'town', path: '89/893/30628' },
    )
    const now = await t.admin().get('/v1/units/30628').expect(200)
    expect(now.body).toMatchObject({
      name: 'Xã Chợ Mới',
      kind: 'commune',
      path: '91/30628',
      parentCode: '91',
    })
    const lineage = await t.admin().get('/v1/units/30628/lineage').expect(200)
    expect(
      lineage.body.predecessors.map((p: { unit: { name: string } }) => p.unit.name).sort(),
    ).toEqual(['Thị trấn Chợ Mới', 'Xã Kiến An', 'Xã Kiến Thành'])
    const old = await t.admin().get('/v1/units/30634/lineage?asOf=2018-01-01').expect(200)
    expect(old.body.successors).toEqual([
      expect.objectContaining({
        coverage: 'full',
        unit: expect.objectContaining({ name: 'Xã Chợ Mới' }),
      }),
    ])
    // Transitive: Xã Hội An (to 2023) → Thị trấn Hội An → the new Xã Hội An.
    const hoiAn = await t.admin().get('/v1/units/30673/lineage').expect(200)
    expect(hoiAn.body.predecessors).toContainEqual(
      expect.objectContaining({
        depth: 2,
        unit: expect.objectContaining({ name: 'Xã Hội An', kind: 'commune' }),
      }),
    )
  })
})

describe('search', () => {
  it('finds Chợ Mới in An Giang and Bắc Kạn without diacritics, ranked by similarity', async () => {
    const response = await t.admin().get('/v1/units?q=cho%20moi').expect(200)
    const paths = (response.body.items as { path: string }[]).map((u) => u.path)
    expect(paths).toEqual(expect.arrayContaining(['91/30628', '06/065']))
    expect(paths.every((p) => p.startsWith('91/') || p.startsWith('06/'))).toBe(true)
    const old = await t.admin().get('/v1/units?q=CHO%20MOI&asOf=2018-01-01').expect(200)
    expect((old.body.items as { path: string }[]).map((u) => u.path)).toEqual(
      expect.arrayContaining(['89/893', '89/893/30628', '06/065']),
    )
    const byCode = await t.admin().get('/v1/units?q=30628').expect(200)
    expect(byCode.body.items[0].code).toBe('30628')
  })

  it('pages through ranked results', async () => {
    const first = await t.admin().get('/v1/units?q=xa&asOf=2018-01-01&limit=5').expect(200)
    expect(first.body.items).toHaveLength(5)
    const second = await t
      .admin()
      .get(`/v1/units?q=xa&asOf=2018-01-01&limit=5&cursor=${first.body.nextCursor}`)
      .expect(200)
    const ids = [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id)
    expect(new Set(ids).size).toBe(10)
  })
})

describe('scoped keys', () => {
  it('confine a key to its district: others are 404 to read and 403 to write', async () => {
    const bacKan = await t.admin().get('/v1/units/065').expect(200)
    const key = await createKey(t, 'editor', bacKan.body.id)
    const as = () => t.http().set('authorization', `Bearer ${key}`)
    await as().get('/v1/units/065').expect(200)
    await as().get('/v1/units/02089').expect(200)
    const hidden = await as().get('/v1/units/893?asOf=2018-01-01').expect(404)
    expect(hidden.body.code).toBe('UNIT_NOT_FOUND')
    const list = await as().get('/v1/units?limit=1000&q=cho%20moi').expect(200)
    expect((list.body.items as { path: string }[]).every((u) => u.path.startsWith('06/065'))).toBe(
      true,
    )
    const write = await as()
      .post('/v1/units')
      .send({ code: '30628-A01', name: 'Ấp Thị 1', kind: 'hamlet', parentCode: '30628' })
      .expect(403)
    expect(write.body.code).toBe('OUT_OF_SCOPE')
    await as()
      .post('/v1/units')
      .send({ code: '02089-T01', name: 'Thôn Nà Pài', kind: 'hamlet', parentCode: '02089' })
      .expect(201)
    await as()
      .post('/v1/units')
      .send({ code: '99', name: 'Tỉnh Mới', kind: 'province' })
      .expect(403)
  })

  it('forbid viewers to write', async () => {
    const key = await createKey(t, 'viewer')
    await t
      .http()
      .post('/v1/units')
      .set('authorization', `Bearer ${key}`)
      .send({ code: '02089-T02', name: 'Thôn', kind: 'hamlet', parentCode: '02089' })
      .expect(403)
  })
})

describe('writes and their errors', () => {
  it('PATCH needs If-Match (428), rejects a stale one (412), and audits before/after', async () => {
    const unit = await t.admin().get('/v1/units/02092').expect(200)
    await t.admin().patch('/v1/units/02092').send({ name: 'Xã Thanh Vận' }).expect(428)
    await t
      .admin()
      .patch('/v1/units/02092')
      .set('if-match', '"stale"')
      .send({ name: 'Xã Thanh Vận' })
      .expect(412)
    const patched = await t
      .admin()
      .patch('/v1/units/02092')
      .set('if-match', unit.headers.etag!)
      .send({ attributes: { area: 'mountain' } })
      .expect(200)
    expect(patched.body.attributes).toEqual({ area: 'mountain' })
    expect(patched.headers.etag).not.toBe(unit.headers.etag)
    const audit = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_id', '=', unit.body.id)
      .where('action', '=', 'update')
      .execute()
    expect(audit).toEqual([
      expect.objectContaining({
        before: expect.objectContaining({ attributes: {} }),
        after: expect.objectContaining({ attributes: { area: 'mountain' } }),
      }),
    ])
  })

  it('refuses to close a unit while its children stay valid, and to delete one with children', async () => {
    const district = await t.admin().get('/v1/units/065').expect(200)
    const closing = await t
      .admin()
      .patch('/v1/units/065')
      .set('if-match', district.headers.etag!)
      .send({ validTo: '2024-12-31' })
      .expect(422)
    expect(closing.body.code).toBe('CHILDREN_OUTSIDE_VALIDITY')
    expect((await t.admin().delete('/v1/units/065').expect(409)).body.code).toBe(
      'UNIT_HAS_CHILDREN',
    )
  })

  it('deletes a leaf unit entered by mistake', async () => {
    const created = await t
      .admin()
      .post('/v1/units')
      .send({ code: '02092-T09', name: 'Thôn nhầm', kind: 'hamlet', parentCode: '02092' })
      .expect(201)
    await t.admin().delete(`/v1/units/${created.body.id}`).expect(204)
    await t.admin().get(`/v1/units/${created.body.id}`).expect(404)
  })

  it('rejects malformed reorganisations', async () => {
    const split = await t
      .admin()
      .post('/v1/unit-changes')
      .send({
        type: 'split',
        ...REFORM,
        from: ['02095'],
        to: [{ code: '02095', name: 'x', kind: 'commune' }],
      })
      .expect(422)
    expect(split.body.code).toBe('INVALID_CHANGE_SHAPE')
    const unknown = await t
      .admin()
      .post('/v1/unit-changes')
      .send({ type: 'rename', ...REFORM, from: ['77777'], to: [{ name: 'x' }] })
      .expect(404)
    expect(unknown.body.code).toBe('UNIT_NOT_FOUND')
    const editor = await createKey(t, 'editor')
    await t
      .http()
      .post('/v1/unit-changes')
      .set('authorization', `Bearer ${editor}`)
      .send({ type: 'rename', ...REFORM, from: ['02095'], to: [{ name: 'x' }] })
      .expect(403)
    const bad = await t
      .admin()
      .post('/v1/unit-changes')
      .send({ type: 'teleport', effectiveDate: '2025-13-01', from: [], to: [] })
      .expect(400)
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/type', '/effectiveDate', '/legalBasis']),
    )
  })
})
