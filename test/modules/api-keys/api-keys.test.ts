import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { ADMIN_KEY, createKey, createTestApp, type TestApp } from '../../support/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const problem = (status: number, code: string) =>
  expect.objectContaining({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
    instance: expect.any(String),
  })

describe('authentication', () => {
  it('answers 401 problem+json without a key', async () => {
    const response = await t.http().get('/v1/api-keys').expect(401)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/)
    expect(response.body).toEqual(problem(401, 'UNAUTHORIZED'))
    expect(response.body.instance).toBe(response.headers['x-request-id'])
  })

  it('answers 401 for an unknown key and for a malformed header', async () => {
    await t
      .http()
      .get('/v1/api-keys')
      .set('authorization', 'Bearer antq_not-a-real-key')
      .expect(401)
    await t.http().get('/v1/api-keys').set('authorization', `Basic ${ADMIN_KEY}`).expect(401)
  })

  it('accepts the bootstrap ADMIN_API_KEY', async () => {
    const response = await t.admin().get('/v1/api-keys').expect(200)
    expect(response.body).toEqual({ items: expect.any(Array), nextCursor: null })
  })

  it('answers 403 to editor and viewer keys on admin routes', async () => {
    for (const role of ['editor', 'viewer'] as const) {
      const key = await createKey(t, role)
      const response = await t
        .http()
        .get('/v1/api-keys')
        .set('authorization', `Bearer ${key}`)
        .expect(403)
      expect(response.body).toEqual(problem(403, 'FORBIDDEN'))
    }
  })
})

describe('POST /v1/api-keys', () => {
  it('creates a key shown once, stored only as a hash, that works at once', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: '  Công an huyện Chợ Mới  ', role: 'admin' })
      .expect(201)
    const { key, ...apiKey } = response.body as Record<string, string>
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'Công an huyện Chợ Mới',
      role: 'admin',
      scope: null,
      scopeUnit: null,
      source: apiKey.id, // a key's own id unless it names its system
      keyPrefix: key!.slice(0, 11),
      createdAt: expect.any(String),
      revokedAt: null,
    })
    expect(response.headers.location).toBe(`/v1/api-keys/${apiKey.id}`)
    expect(key).toMatch(/^antq_[A-Za-z0-9_-]{43}$/)

    const stored = await sql<{
      n: number
    }>`select count(*)::int as n from api_keys where key_hash like ${`%${key}%`} or key_prefix = ${key}`.execute(
      t.database.db,
    )
    expect(stored.rows[0]!.n).toBe(0)

    const listed = await t
      .http()
      .get('/v1/api-keys')
      .set('authorization', `Bearer ${key}`)
      .expect(200)
    expect(JSON.stringify(listed.body)).not.toContain(key)
    expect(listed.body.items).toContainEqual(apiKey)
  })

  it('stores the name NFC-normalised', async () => {
    const decomposed = 'Cho\u031B\u0323 Mo\u031Bi'.normalize('NFD')
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: decomposed, role: 'viewer' })
      .expect(201)
    expect(response.body.name).toBe(decomposed.normalize('NFC'))
  })

  it('rejects an unknown role, unknown fields and a missing name with pointers, and writes nothing', async () => {
    const before = await t.admin().get('/v1/api-keys?limit=1000')
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ role: 'boss', colour: 'red', scope: 'not-a-uuid' })
      .expect(400)
    expect(response.body).toEqual(problem(400, 'VALIDATION_FAILED'))
    const pointers = (response.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()
    expect(pointers).toEqual(['/colour', '/name', '/role', '/scope'])
    const after = await t.admin().get('/v1/api-keys?limit=1000')
    expect(after.body.items).toHaveLength(before.body.items.length)
  })

  it('rejects a scope that is not a unit with 422', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'scoped', role: 'viewer', scope: '00000000-0000-4000-8000-000000000000' })
      .expect(422)
    expect(response.body).toEqual(problem(422, 'UNKNOWN_SCOPE_UNIT'))
  })

  it('takes scopeRef as a unit id or a code as of today; the deprecated scope still works', async () => {
    const unit = await t
      .admin()
      .post('/v1/units')
      .send({ code: '64', name: 'Tỉnh Phạm Vi', kind: 'province' })
      .expect(201)
    const byCode = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'by code', role: 'viewer', scopeRef: '64' })
      .expect(201)
    expect(byCode.body.scope).toBe(unit.body.id)
    expect(byCode.body.scopeUnit).toEqual({
      id: unit.body.id,
      code: '64',
      name: 'Tỉnh Phạm Vi',
      kind: 'province',
    })
    const listed = await t.admin().get('/v1/api-keys').expect(200)
    expect(
      listed.body.items.find((k: { id: string }) => k.id === byCode.body.id).scopeUnit,
    ).toEqual(byCode.body.scopeUnit)
    const byId = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'by id', role: 'viewer', scopeRef: unit.body.id })
      .expect(201)
    expect(byId.body.scope).toBe(unit.body.id)
    const deprecated = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'old field', role: 'viewer', scope: unit.body.id })
      .expect(201)
    expect(deprecated.body.scope).toBe(unit.body.id)
    const both = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'both', role: 'viewer', scope: unit.body.id, scopeRef: '64' })
      .expect(422)
    expect(both.body.code).toBe('AMBIGUOUS_SCOPE')
    const unknown = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'nowhere', role: 'viewer', scopeRef: '64999' })
      .expect(422)
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ pointer: '/scopeRef', code: 'UNKNOWN_SCOPE_UNIT' }),
    ])
  })

  it('audits the creation without the secret', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'audited', role: 'editor' })
      .expect(201)
    const { rows } = await sql<{
      action: string
      actor_name: string
      after: Record<string, unknown>
      request_id: string
    }>`
      select action, actor_name, after, request_id from audit_events where entity = 'api-key' and entity_id = ${response.body.id}`.execute(
      t.database.db,
    )
    expect(rows).toEqual([
      {
        action: 'create',
        actor_name: 'ADMIN_API_KEY',
        after: expect.objectContaining({ name: 'audited', role: 'editor' }),
        request_id: response.headers['x-request-id'],
      },
    ])
    expect(JSON.stringify(rows)).not.toContain(response.body.key)
  })
})

describe('GET /v1/api-keys', () => {
  it('pages through every key once, newest first, with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) await createKey(t, 'viewer')
    const all = (await t.admin().get('/v1/api-keys?limit=1000').expect(200)).body.items as {
      id: string
      createdAt: string
    }[]
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await t
        .admin()
        .get('/v1/api-keys')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...(page.body.items as { id: string }[]).map((k) => k.id))
      cursor = page.body.nextCursor as string | null
    } while (cursor)
    expect(seen).toEqual(all.map((k) => k.id))
    const times = all.map((k) => k.createdAt)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('rejects a forged cursor and an out-of-range limit', async () => {
    const bad = await t.admin().get('/v1/api-keys?cursor=garbage').expect(400)
    expect(bad.body).toEqual(problem(400, 'INVALID_CURSOR'))
    const limit = await t.admin().get('/v1/api-keys?limit=5000').expect(400)
    expect(limit.body.errors).toEqual([expect.objectContaining({ pointer: 'limit' })])
  })
})

describe('GET and DELETE /v1/api-keys/{id}', () => {
  it('shows a key with an ETag and answers 304 to If-None-Match', async () => {
    const created = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'etag', role: 'viewer' })
      .expect(201)
    const shown = await t.admin().get(`/v1/api-keys/${created.body.id}`).expect(200)
    expect(shown.headers.etag).toMatch(/^"[^"]+"$/)
    await t
      .admin()
      .get(`/v1/api-keys/${created.body.id}`)
      .set('if-none-match', shown.headers.etag!)
      .expect(304)
  })

  it('revokes a key: it stops working, stays listed with includeRevoked, and the revocation is audited', async () => {
    const created = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'to revoke', role: 'viewer' })
      .expect(201)
    const key = created.body.key as string
    // Used first, so that the service remembers it: the revocation must still take effect at once.
    await t
      .http()
      .get('/v1/api-keys/' + created.body.id)
      .set('authorization', `Bearer ${key}`)
    await t.http().get('/v1/units').set('authorization', `Bearer ${key}`).expect(200)
    await t.admin().delete(`/v1/api-keys/${created.body.id}`).expect(204)
    await t.admin().delete(`/v1/api-keys/${created.body.id}`).expect(204)
    await t.http().get('/v1/api-keys').set('authorization', `Bearer ${key}`).expect(401)
    const active = await t.admin().get('/v1/api-keys?limit=1000')
    expect((active.body.items as { id: string }[]).map((k) => k.id)).not.toContain(created.body.id)
    const all = await t.admin().get('/v1/api-keys?limit=1000&includeRevoked=true')
    expect(all.body.items).toContainEqual(
      expect.objectContaining({ id: created.body.id, revokedAt: expect.any(String) }),
    )
    const { rows } = await sql<{
      action: string
    }>`select action from audit_events where entity_id = ${created.body.id} order by id`.execute(
      t.database.db,
    )
    expect(rows.map((r) => r.action)).toEqual(['create', 'revoke'])
  })

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const missing = await t
      .admin()
      .delete('/v1/api-keys/00000000-0000-4000-8000-000000000000')
      .expect(404)
    expect(missing.body).toEqual(problem(404, 'NOT_FOUND'))
    await t.admin().get('/v1/api-keys/00000000-0000-4000-8000-000000000000').expect(404)
    const malformed = await t.admin().get('/v1/api-keys/42').expect(400)
    expect(malformed.body.errors).toEqual([expect.objectContaining({ pointer: 'id' })])
  })
})

describe('a scoped admin', () => {
  it('creates keys only inside its subtree (its own scope by default) and sees and revokes only those', async () => {
    const unit = (code: string, kind: string, parentCode?: string) =>
      t
        .admin()
        .post('/v1/units')
        .send({ code, name: `Đơn vị ${code}`, kind, ...(parentCode ? { parentCode } : {}) })
        .expect(201)
        .then((r) => r.body.id as string)
    await unit('63', 'province')
    const a = await unit('631', 'district', '63')
    const b = await unit('632', 'district', '63')
    const communeA = await unit('63101', 'commune', '631')
    const scopedAdmin = (
      await t.admin().post('/v1/api-keys').send({ name: 'A', role: 'admin', scope: a }).expect(201)
    ).body.key
    const elsewhere = (
      await t.admin().post('/v1/api-keys').send({ name: 'B', role: 'viewer', scope: b }).expect(201)
    ).body
    const as = () => t.http().set('authorization', `Bearer ${scopedAdmin}`)

    const byDefault = await as()
      .post('/v1/api-keys')
      .send({ name: 'x', role: 'viewer' })
      .expect(201)
    expect(byDefault.body.scope).toBe(a)
    const inside = await as()
      .post('/v1/api-keys')
      .send({ name: 'y', role: 'editor', scope: communeA })
      .expect(201)
    expect(inside.body.scope).toBe(communeA)
    await as().post('/v1/api-keys').send({ name: 'z', role: 'viewer', scope: null }).expect(403)
    await as().post('/v1/api-keys').send({ name: 'z', role: 'viewer', scope: b }).expect(403)

    const listed = (await as().get('/v1/api-keys?limit=100').expect(200)).body.items.map(
      (k: { scope: string }) => k.scope,
    )
    expect(listed.length).toBeGreaterThanOrEqual(3)
    expect(listed.every((scope: string) => scope === a || scope === communeA)).toBe(true)
    await as().get(`/v1/api-keys/${elsewhere.id}`).expect(404)
    await as().delete(`/v1/api-keys/${elsewhere.id}`).expect(404)
    await as().delete(`/v1/api-keys/${inside.body.id}`).expect(204)
    // The key in B still works.
    await t.http().get('/v1/units/632').set('authorization', `Bearer ${elsewhere.key}`).expect(200)
  })
})
