import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '72')
})
afterAll(() => t.close())

const post = (body: object) => t.admin().post('/v1/meetings').send(body)
const forum = (extra: object = {}) => ({
  unitRef: d.hamlet.code,
  format: 'forum',
  heldOn: '2018-05-10',
  attendees: 45,
  formsDistributed: 40,
  opinionsReceived: 60,
  ...extra,
})
const listIds = async (query: string) =>
  (await t.admin().get(`/v1/meetings?${query}`).expect(200)).body.items.map(
    (m: { id: string }) => m.id,
  )

describe('POST /v1/meetings and GET /v1/meetings/{id}', () => {
  it('records a forum with independent measures, and shows it', async () => {
    // More opinions than forms: the two are different measures, neither bounds the other.
    const created = await post(forum({ note: '  Hội nghị quý II  ', tipsReceived: 2 })).expect(201)
    expect(created.headers.location).toBe(`/v1/meetings/${created.body.id}`)
    expect(created.body).toEqual({
      id: expect.any(String),
      unit: { id: d.hamlet.id, code: d.hamlet.code, name: 'Ấp Một', kind: 'hamlet' },
      format: 'forum',
      heldOn: '2018-05-10',
      attendees: 45,
      formsDistributed: 40,
      formsReturned: null,
      opinionsReceived: 60,
      opinionsAnsweredOnSite: null,
      opinionsReferred: null,
      tipsReceived: 2,
      source: 'admin-api-key',
      externalId: null,
      note: 'Hội nghị quý II',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    const shown = await t.admin().get(created.headers.location!).expect(200)
    expect(shown.body).toEqual(created.body)
    expect(shown.headers.etag).toBe(created.headers.etag)
    await t
      .admin()
      .get(created.headers.location!)
      .set('if-none-match', shown.headers.etag!)
      .expect(304)
    await t.admin().get('/v1/meetings/00000000-0000-4000-8000-000000000000').expect(404)
    await t.admin().get('/v1/meetings/not-a-uuid').expect(400)
  })

  it('holds forums at hamlets and commune-level units, consultations at administrative units', async () => {
    await post(forum({ unitRef: d.commune.code })).expect(201)
    const atDistrict = await post(forum({ unitRef: d.district.code })).expect(422)
    expect(atDistrict.body.code).toBe('INELIGIBLE_UNIT_KIND')
    expect(atDistrict.body.errors[0].pointer).toBe('/unitRef')
    await post(forum({ unitRef: d.district.code, format: 'consultation' })).expect(201)
    await post(forum({ unitRef: d.province.code, format: 'consultation' })).expect(201)
    await post(forum({ unitRef: d.hamlet.code, format: 'consultation' })).expect(422)
    await post(forum({ unitRef: d.agency.code })).expect(422)
  })

  it('needs the unit valid on the day held, and the day not in the future', async () => {
    await post(forum({ unitRef: d.newHamlet.code, heldOn: '2019-03-01' })).expect(404)
    const early = await post(forum({ unitRef: d.newHamlet.id, heldOn: '2019-03-01' })).expect(422)
    expect(early.body.code).toBe('UNIT_NOT_YET_VALID')
    const closed = await post(forum({ unitRef: d.closedCommune.id, heldOn: '2020-01-01' })).expect(
      422,
    )
    expect(closed.body.code).toBe('UNIT_CLOSED')
    await post(forum({ unitRef: d.closedCommune.code, heldOn: '2019-12-31' })).expect(201)
    const future = await post(forum({ heldOn: '2099-01-01' })).expect(422)
    expect(future.body.code).toBe('DATE_IN_FUTURE')
  })

  it('rejects bad input with problem+json and writes nothing', async () => {
    const before = await listIds('limit=1000')
    const negative = await post(forum({ attendees: -1, formsDistributed: -5 })).expect(400)
    expect(negative.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/attendees',
      '/formsDistributed',
    ])
    expect(
      (await post(forum({ speaker: 'Nguyễn Văn A' })).expect(400)).body.errors[0].pointer,
    ).toBe('/speaker')
    await post(forum({ attendees: 1.5 })).expect(400)
    await post(forum({ format: 'party' })).expect(400)
    await post(forum({ heldOn: '2018-02-30' })).expect(400)
    await post({ format: 'forum' }).expect(400)
    await post(forum({ unitRef: 'no-such-unit' })).expect(404)
    await t
      .admin()
      .post('/v1/meetings')
      .set('content-type', 'application/xml')
      .send('<x/>')
      .expect(415)
    expect(await listIds('limit=1000')).toEqual(before)
  })
})

describe('externalId and Idempotency-Key', () => {
  it('answers a repeated externalId with 409 and the existing meeting’s Location, per source', async () => {
    const first = await post(forum({ externalId: 'AG-2018-001' })).expect(201)
    const repeat = await post(forum({ externalId: 'AG-2018-001', attendees: 1 })).expect(409)
    expect(repeat.body.code).toBe('DUPLICATE_EXTERNAL_ID')
    expect(repeat.headers.location).toBe(`/v1/meetings/${first.body.id}`)
    // Another system may use the same id for its own meeting.
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'portal', role: 'editor', source: 'an-giang-portal' })
      .expect(201)
    expect(response.body.source).toBe('an-giang-portal')
    const other = await t
      .http()
      .post('/v1/meetings')
      .set('authorization', `Bearer ${response.body.key}`)
      .send(forum({ externalId: 'AG-2018-001' }))
      .expect(201)
    expect(other.body.source).toBe('an-giang-portal')
    const found = await listIds('externalId=AG-2018-001')
    expect(found.sort()).toEqual([first.body.id, other.body.id].sort())
  })

  it('replays the first response for a retried key, and refuses the key with another body', async () => {
    const body = forum({ heldOn: '2018-06-01' })
    const first = await t.admin().post('/v1/meetings').set('idempotency-key', 'k-1').send(body)
    expect(first.status).toBe(201)
    const retry = await t.admin().post('/v1/meetings').set('idempotency-key', 'k-1').send(body)
    expect(retry.status).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.headers.location).toBe(first.headers.location)
    expect(retry.body).toEqual(first.body)
    expect(await listIds('from=2018-06-01&to=2018-06-01')).toEqual([first.body.id])
    const reused = await t
      .admin()
      .post('/v1/meetings')
      .set('idempotency-key', 'k-1')
      .send({ ...body, attendees: 99 })
      .expect(422)
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED')
    // A failed request keeps nothing: the same key can carry the corrected request.
    await t
      .admin()
      .post('/v1/meetings')
      .set('idempotency-key', 'k-2')
      .send({ ...body, heldOn: '2099-01-01' })
      .expect(422)
    await t
      .admin()
      .post('/v1/meetings')
      .set('idempotency-key', 'k-2')
      .send({ ...body, heldOn: '2018-06-02' })
      .expect(201)
    // Keys belong to the API key that sent them.
    const editor = await createKey(t, 'editor')
    const own = await t
      .http()
      .post('/v1/meetings')
      .set('authorization', `Bearer ${editor}`)
      .set('idempotency-key', 'k-1')
      .send(body)
      .expect(201)
    expect(own.body.id).not.toBe(first.body.id)
    await t
      .admin()
      .post('/v1/meetings')
      .set('idempotency-key', 'bad key with spaces')
      .send(body)
      .expect(400)
  })
})

describe('PATCH and DELETE /v1/meetings/{id}', () => {
  it('corrects with If-Match, re-checking the rules, and audits before and after', async () => {
    const created = await post(forum({ heldOn: '2018-07-01' })).expect(201)
    const path = `/v1/meetings/${created.body.id}`
    await t.admin().patch(path).send({ attendees: 50 }).expect(428)
    await t.admin().patch(path).set('if-match', '"stale"').send({ attendees: 50 }).expect(412)
    const etag = created.headers.etag!
    await t.admin().patch(path).set('if-match', etag).send({}).expect(400)
    const invalid = await t
      .admin()
      .patch(path)
      .set('if-match', etag)
      .send({ unitRef: d.district.code })
      .expect(422)
    expect(invalid.body.code).toBe('INELIGIBLE_UNIT_KIND')
    const patched = await t
      .admin()
      .patch(path)
      .set('if-match', etag)
      .send({ attendees: 50, unitRef: d.commune.code, formsDistributed: null })
      .expect(200)
    expect(patched.body).toMatchObject({
      attendees: 50,
      unit: { code: d.commune.code },
      formsDistributed: null,
      opinionsReceived: 60,
    })
    expect(patched.headers.etag).not.toBe(etag)
    const audit = await t
      .admin()
      .get(`/v1/audit-events?entity=meeting&entityId=${created.body.id}`)
      .expect(200)
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
    expect(audit.body.items[1].before).toMatchObject({ attendees: 45 })
    expect(audit.body.items[1].after).toMatchObject({ attendees: 50 })

    await t.admin().delete(path).set('if-match', etag).expect(412)
    await t.admin().delete(path).expect(204)
    await t.admin().get(path).expect(404)
    await t.admin().delete(path).expect(404)
    const deleted = await t
      .admin()
      .get(`/v1/audit-events?entity=meeting&entityId=${created.body.id}&action=delete`)
      .expect(200)
    expect(deleted.body.items[0]).toMatchObject({ before: { attendees: 50 }, after: null })
  })
})

describe('GET /v1/meetings', () => {
  it('filters by subtree, unit, dates and format, and pages', async () => {
    await post(forum({ unitRef: d.otherCommune.code, heldOn: '2018-09-09' })).expect(201)
    const all = await listIds('limit=1000')
    const inDistrict = await listIds(`under=${d.district.code}&limit=1000`)
    const inOther = await listIds(`under=${d.otherDistrict.code}`)
    expect(inOther).toHaveLength(1)
    expect(inDistrict.length + inOther.length + 1).toBe(all.length) // + the province's consultation
    const consultations = (
      await t.admin().get('/v1/meetings?format=consultation').expect(200)
    ).body.items.map((m: { format: string }) => m.format)
    expect(consultations).toEqual(['consultation', 'consultation'])
    const dated = (
      await t.admin().get('/v1/meetings?from=2018-06-01&to=2018-06-30').expect(200)
    ).body.items.map((m: { heldOn: string }) => m.heldOn)
    expect(dated.every((day: string) => day >= '2018-06-01' && day <= '2018-06-30')).toBe(true)
    expect(dated.length).toBeGreaterThan(0)
    expect(await listIds(`unit=${d.otherCommune.code}`)).toEqual(inOther)
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
        .admin()
        .get(`/v1/meetings?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200)
      paged.push(...page.body.items.map((m) => m.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(paged).toEqual(all)
    await t.admin().get('/v1/meetings?from=yesterday').expect(400)
  })

  it('confines a scoped key to its subtree', async () => {
    const scoped = await createKey(t, 'editor', d.otherDistrict.id)
    const auth = `Bearer ${scoped}`
    const listed = await t.http().get('/v1/meetings?limit=1000').set('authorization', auth)
    expect(listed.body.items.map((m: { unit: { code: string } }) => m.unit.code)).toEqual([
      d.otherCommune.code,
    ])
    const outside = (await t.admin().get(`/v1/meetings?unit=${d.hamlet.code}`)).body.items[0].id
    await t.http().get(`/v1/meetings/${outside}`).set('authorization', auth).expect(404)
    await t
      .http()
      .patch(`/v1/meetings/${outside}`)
      .set('authorization', auth)
      .set('if-match', '*')
      .send({ attendees: 1 })
      .expect(403)
    await t.http().delete(`/v1/meetings/${outside}`).set('authorization', auth).expect(403)
    await t.http().post('/v1/meetings').set('authorization', auth).send(forum()).expect(403)
    await t
      .http()
      .post('/v1/meetings')
      .set('authorization', auth)
      .send(forum({ unitRef: d.otherCommune.code }))
      .expect(201)
  })
})

describe('Idempotency-Key retention', () => {
  it('forgets keys after 24 hours: the same key then starts a new write', async () => {
    const body = forum({ heldOn: '2018-08-08' })
    const first = await t.admin().post('/v1/meetings').set('idempotency-key', 'old').send(body)
    expect(first.status).toBe(201)
    await t.database.db
      .updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', 'old')
      .execute()
    const again = await t.admin().post('/v1/meetings').set('idempotency-key', 'old').send(body)
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBeUndefined()
    expect(again.body.id).not.toBe(first.body.id)
  })

  it('answers 409 while the first request with the key is still running, and takes over a dead one', async () => {
    const body = forum({ heldOn: '2018-08-09' })
    await t.admin().post('/v1/meetings').set('idempotency-key', 'running').send(body).expect(201)
    // As if the first request had not finished yet.
    const running = t.database.db
      .updateTable('idempotency_keys')
      .set({ response_status: null, response_body: null })
      .where('key', '=', 'running')
    await running.execute()
    const busy = await t.admin().post('/v1/meetings').set('idempotency-key', 'running').send(body)
    expect(busy.status).toBe(409)
    expect(busy.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS')
    // A first request silent for over a minute is taken to have died: the retry runs.
    await running.set({ created_at: new Date(Date.now() - 120_000) }).execute()
    await t.admin().post('/v1/meetings').set('idempotency-key', 'running').send(body).expect(201)
  })
})
