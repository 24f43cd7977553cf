import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '71')
})
afterAll(() => t.close())

const url = (ref: string, year: number | string) => `/v1/units/${ref}/certifications/${year}`
const put = (ref: string, year: number | string, body: object) =>
  t.admin().put(url(ref, year)).send(body)

describe('PUT /v1/units/{ref}/certifications/{year}', () => {
  it('creates (201), shows, and replays a PUT that changes nothing without a precondition', async () => {
    const body = {
      result: 'certified',
      decisionNumber: ' 123/QĐ-UBND ',
      decisionDate: '2018-12-20',
      issuedBy: 'UBND xã',
      movementRating: 'good',
    }
    const created = await put(d.hamlet.code, 2018, body).expect(201)
    expect(created.headers.location).toBe(url(d.hamlet.id, 2018))
    expect(created.body).toEqual({
      id: expect.any(String),
      unit: { id: d.hamlet.id, code: d.hamlet.code, name: 'Ấp Một', kind: 'hamlet' },
      year: 2018,
      result: 'certified',
      legalBasis: '23/2012/TT-BCA',
      decisionNumber: '123/QĐ-UBND',
      decisionDate: '2018-12-20',
      issuedBy: 'UBND xã',
      movementRating: 'good',
      note: null,
      status: 'active',
      withdrawal: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    const shown = await t.admin().get(url(d.hamlet.code, 2018)).expect(200)
    expect(shown.body).toEqual(created.body)
    expect(shown.headers.etag).toBe(created.headers.etag)
    await t
      .admin()
      .get(url(d.hamlet.id, 2018))
      .set('if-none-match', created.headers.etag!)
      .expect(304)
    const again = await put(d.hamlet.code, 2018, body).expect(200)
    expect(again.body).toEqual(created.body)
  })

  it('needs If-Match to replace (428), refuses a stale one (412), and audits before and after', async () => {
    const current = await t.admin().get(url(d.hamlet.code, 2018)).expect(200)
    const change = { result: 'not_certified', movementRating: 'weak' }
    expect((await put(d.hamlet.code, 2018, change).expect(428)).body.code).toBe(
      'PRECONDITION_REQUIRED',
    )
    await t
      .admin()
      .put(url(d.hamlet.code, 2018))
      .set('if-match', '"stale"')
      .send(change)
      .expect(412)
    await t.admin().put(url(d.hamlet.code, 2018)).set('if-none-match', '*').send(change).expect(412)
    const updated = await t
      .admin()
      .put(url(d.hamlet.code, 2018))
      .set('if-match', current.headers.etag!)
      .send(change)
      .expect(200)
    expect(updated.body).toMatchObject({
      result: 'not_certified',
      movementRating: 'weak',
      decisionNumber: null,
    })
    const audit = await t
      .admin()
      .get(`/v1/audit-events?entity=certification&entityId=${updated.body.id}`)
      .expect(200)
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
    // Before and after, as the database builds them, are the record exactly as the API showed it.
    expect(audit.body.items[1].before).toEqual(current.body)
    expect(audit.body.items[1].after).toEqual(updated.body)
  })

  it('creates only with If-None-Match: * and refuses If-Match on a new record', async () => {
    await t
      .admin()
      .put(url(d.agency.code, 2019))
      .set('if-match', '"x"')
      .send({ result: 'certified' })
      .expect(412)
    await t
      .admin()
      .put(url(d.agency.code, 2019))
      .set('if-none-match', '*')
      .send({ result: 'certified' })
      .expect(201)
  })

  it('defaults the legal basis by year and refuses one not in force', async () => {
    const basis = async (year: number) =>
      (await put(d.commune.code, year, { result: 'certified' }).expect(201)).body.legalBasis
    expect(await basis(2021)).toBe('23/2012/TT-BCA')
    expect(await basis(2022)).toBe('124/2021/TT-BCA')
    expect(await basis(2025)).toBe('124/2021/TT-BCA;48/2025/TT-BCA')
    const refused = await put(d.commune.code, 2023, {
      result: 'certified',
      legalBasis: '23/2012/TT-BCA',
    }).expect(422)
    expect(refused.body.code).toBe('LEGAL_BASIS_NOT_IN_FORCE')
    expect(refused.body.errors[0].pointer).toBe('/legalBasis')
    await put(d.commune.code, 2024, {
      result: 'certified',
      legalBasis: '124/2021/TT-BCA;48/2025/TT-BCA',
    }).expect(422)
    const legalBases = await t.admin().get('/v1/certifications/legal-bases').expect(200)
    expect(legalBases.body.items).toHaveLength(3)
  })

  it('refuses ineligible kinds, and units 124/2021 leaves out', async () => {
    for (const ref of [d.district.code, d.province.code]) {
      const response = await put(ref, 2018, { result: 'certified' }).expect(422)
      expect(response.body.code).toBe('INELIGIBLE_UNIT_KIND')
    }
    // Small businesses and primary schools were assessed under 23/2012, not under 124/2021.
    await put(d.business.code, 2018, { result: 'certified' }).expect(201)
    await put(d.school.code, 2018, { result: 'certified' }).expect(201)
    for (const ref of [d.business.code, d.school.code]) {
      const response = await put(ref, 2023, { result: 'certified' }).expect(422)
      expect(response.body.code).toBe('NOT_ELIGIBLE_UNDER_LEGAL_BASIS')
    }
  })

  it('needs the unit valid during the year', async () => {
    // By code, the unit must be valid on 31 December; by id, the version's validity is checked.
    await put(d.newHamlet.code, 2019, { result: 'certified' }).expect(404)
    const early = await put(d.newHamlet.id, 2019, { result: 'certified' }).expect(422)
    expect(early.body.code).toBe('UNIT_NOT_YET_VALID')
    const closed = await put(d.closedCommune.id, 2020, { result: 'certified' }).expect(422)
    expect(closed.body.code).toBe('UNIT_CLOSED')
    await put(d.closedCommune.code, 2019, { result: 'certified' }).expect(201)
    await t
      .admin()
      .put(`${url(d.closedCommune.code, 2019)}?asOf=2019-06-01`)
      .send({ result: 'certified' })
      .expect(200)
  })

  it('rejects bad input with problem+json and writes nothing', async () => {
    const before = await t.admin().get(`/v1/certifications?unit=${d.agency.code}&status=all`)
    const unknown = await put(d.agency.code, 2020, { result: 'certified', extra: 1 }).expect(400)
    expect(unknown.headers['content-type']).toContain('application/problem+json')
    expect(unknown.body.errors[0].pointer).toBe('/extra')
    await put(d.agency.code, 2020, { result: 'maybe' }).expect(400)
    await put(d.agency.code, 2020, {}).expect(400)
    await put(d.agency.code, 1980, { result: 'certified' }).expect(400)
    await put(d.agency.code, 'abc', { result: 'certified' }).expect(400)
    const future = await put(d.agency.code, 2099, { result: 'certified' }).expect(422)
    expect(future.body.code).toBe('YEAR_IN_FUTURE')
    const decision = await put(d.agency.code, 2020, {
      result: 'certified',
      decisionDate: '2019-12-31',
    }).expect(422)
    expect(decision.body.code).toBe('INVALID_DECISION_DATE')
    await put(d.agency.code, 2020, { result: 'certified', legalBasis: 'TT 1/2000' }).expect(400)
    const after = await t.admin().get(`/v1/certifications?unit=${d.agency.code}&status=all`)
    expect(after.body).toEqual(before.body)
  })
})

describe('DELETE: withdrawal with a reason', () => {
  it('keeps the record with its reason, hides it, audits it, and lets a new PUT replace it', async () => {
    await put(d.otherCommune.code, 2018, { result: 'certified' }).expect(201)
    const noReason = await t.admin().delete(url(d.otherCommune.code, 2018)).expect(400)
    expect(noReason.body.errors[0].pointer).toBe('reason')
    await t
      .admin()
      .delete(`${url(d.otherCommune.code, 2018)}?reason=x`)
      .expect(400)
    await t
      .admin()
      .delete(`${url(d.otherCommune.code, 2018)}?reason=Sai%20s%E1%BB%91%20li%E1%BB%87u`)
      .set('if-match', '"stale"')
      .expect(412)
    await t
      .admin()
      .delete(`${url(d.otherCommune.code, 2018)}?reason=Sai%20s%E1%BB%91%20li%E1%BB%87u`)
      .expect(204)
    const gone = await t.admin().get(url(d.otherCommune.code, 2018)).expect(404)
    expect(gone.body.code).toBe('CERTIFICATION_WITHDRAWN')
    expect(gone.body.detail).toContain('Sai số liệu')
    await t
      .admin()
      .delete(`${url(d.otherCommune.code, 2018)}?reason=again`)
      .expect(404)
    const withdrawn = await t
      .admin()
      .get(`/v1/certifications?unit=${d.otherCommune.code}&status=withdrawn`)
      .expect(200)
    expect(withdrawn.body.items).toHaveLength(1)
    expect(withdrawn.body.items[0]).toMatchObject({
      status: 'withdrawn',
      withdrawal: { reason: 'Sai số liệu', at: expect.any(String) },
    })
    const active = await t.admin().get(`/v1/certifications?unit=${d.otherCommune.code}`)
    expect(active.body.items).toEqual([])
    const audit = await t
      .admin()
      .get(`/v1/audit-events?entity=certification&action=withdraw`)
      .expect(200)
    expect(audit.body.items).toHaveLength(1)
    expect(audit.body.items[0].before).toMatchObject({ status: 'active' })
    expect(audit.body.items[0].after).toMatchObject({ status: 'withdrawn' })
    const again = await put(d.otherCommune.code, 2018, { result: 'not_certified' }).expect(201)
    expect(again.body).toMatchObject({ status: 'active', withdrawal: null })
    // Replacing a withdrawn record counts it again: a creation, from the withdrawn record.
    const revived = await t
      .admin()
      .get(`/v1/audit-events?entity=certification&entityId=${again.body.id}&action=create`)
      .expect(200)
    expect(revived.body.items.at(-1).before).toEqual(withdrawn.body.items[0])
    expect(revived.body.items.at(-1).after).toEqual(again.body)
  })
})

describe('GET /v1/certifications', () => {
  it('filters by year, subtree, kind, result, legal basis and rating', async () => {
    const codes = async (query: string) =>
      (await t.admin().get(`/v1/certifications?${query}`).expect(200)).body.items.map(
        (c: { unit: { code: string }; year: number }) => `${c.unit.code}/${c.year}`,
      )
    expect(await codes(`year=2018&under=${d.district.code}`)).toEqual([
      '71101-A1/2018',
      '71101-DN1/2018',
      '71101-TH1/2018',
    ])
    expect(await codes(`year=2018&under=${d.otherDistrict.code}`)).toEqual(['71201/2018'])
    expect(await codes('kind=business,school')).toEqual(['71101-DN1/2018', '71101-TH1/2018'])
    expect(await codes('result=not_certified')).toEqual(['71101-A1/2018', '71201/2018'])
    expect(await codes('movementRating=weak')).toEqual(['71101-A1/2018'])
    expect(await codes('legalBasis=124/2021/TT-BCA')).toEqual(['71101/2022'])
    expect(await codes(`unit=${d.commune.code}`)).toEqual([
      '71101/2021',
      '71101/2022',
      '71101/2025',
    ])
    await t.admin().get('/v1/certifications?kind=district').expect(400)
    await t.admin().get('/v1/certifications?under=99999').expect(404)
  })

  it('pages with a cursor in a stable order', async () => {
    const all = (await t.admin().get('/v1/certifications?limit=1000').expect(200)).body.items
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
        .admin()
        .get(`/v1/certifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200)
      seen.push(...page.body.items.map((c) => c.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(seen).toEqual(all.map((c: { id: string }) => c.id))
    expect(seen.length).toBeGreaterThan(5)
    await t.admin().get('/v1/certifications?cursor=garbage').expect(400)
  })
})

describe('units with records', () => {
  it('cannot be deleted, only closed (409), and the records stay', async () => {
    const response = await t.admin().delete(`/v1/units/${d.hamlet.code}`).expect(409)
    expect(response.body.code).toBe('UNIT_IN_USE')
    await t.admin().get(url(d.hamlet.code, 2018)).expect(200)
  })
})

describe('roles and scopes', () => {
  it('lets a viewer read but not write, and confines a scoped key to its subtree', async () => {
    const viewer = await createKey(t, 'viewer')
    await t
      .http()
      .get(url(d.hamlet.code, 2018))
      .set('authorization', `Bearer ${viewer}`)
      .expect(200)
    await t
      .http()
      .put(url(d.hamlet.code, 2019))
      .set('authorization', `Bearer ${viewer}`)
      .send({ result: 'certified' })
      .expect(403)
    const scoped = await createKey(t, 'editor', d.otherDistrict.id)
    const as = (request: ReturnType<ReturnType<TestApp['http']>['get']>) =>
      request.set('authorization', `Bearer ${scoped}`)
    await as(t.http().get(url(d.hamlet.code, 2018))).expect(404)
    const refused = await as(t.http().put(url(d.hamlet.code, 2019)))
      .send({ result: 'certified' })
      .expect(403)
    expect(refused.body.code).toBe('OUT_OF_SCOPE')
    await as(t.http().delete(`${url(d.hamlet.code, 2018)}?reason=not mine`)).expect(403)
    await as(t.http().put(url(d.otherCommune.code, 2019)))
      .send({ result: 'certified' })
      .expect(201)
    const listed = await as(t.http().get('/v1/certifications?limit=1000')).expect(200)
    expect(new Set(listed.body.items.map((c: { unit: { code: string } }) => c.unit.code))).toEqual(
      new Set(['71201']),
    )
    await t.http().get(url(d.hamlet.code, 2018)).expect(401)
  })
})
