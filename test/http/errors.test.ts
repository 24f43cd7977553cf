import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openNoDatabase, openPostgres } from '../../src/db/database.js'
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '2048' })
})
afterAll(() => t.close())

describe('problem+json errors', () => {
  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const response = await t.http().get('/v1/no-such-thing').expect(404)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.body).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      title: 'Not found',
    })
  })

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .set('content-type', 'application/json')
      .send('{"name":')
      .expect(400)
    expect(response.body).toMatchObject({ status: 400, code: 'MALFORMED_JSON' })
  })

  it('answers an unsupported content type with 415', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .set('content-type', 'application/xml')
      .send('<key/>')
      .expect(415)
    expect(response.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' })
  })

  it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
    const response = await t
      .admin()
      .post('/v1/api-keys')
      .send({ name: 'x'.repeat(4000), role: 'viewer' })
      .expect(413)
    expect(response.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
  })

  it('points at the query parameter that failed validation', async () => {
    const response = await t.admin().get('/v1/api-keys?limit=0&includeRevoked=maybe').expect(400)
    expect(response.body.code).toBe('VALIDATION_FAILED')
    expect((response.body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      'includeRevoked',
      'limit',
    ])
  })

  it('keeps a caller’s x-request-id and replaces one that could forge log lines', async () => {
    const kept = await t.http().get('/healthz').set('x-request-id', 'portal-42.abc').expect(200)
    expect(kept.headers['x-request-id']).toBe('portal-42.abc')
    const replaced = await t
      .http()
      .get('/v1/api-keys')
      .set('x-request-id', 'evil\tid with spaces')
      .expect(401)
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(replaced.body.instance).toBe(replaced.headers['x-request-id'])
  })
})

describe('hostile input', () => {
  const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

  it('refuses JSON nested deeper than 32 levels with 400 JSON_TOO_DEEP, with or without an Idempotency-Key', async () => {
    const t2 = await createTestApp()
    try {
      for (const headers of [{}, { 'idempotency-key': 'deep-1' }]) {
        const response = await t2.app.inject({
          method: 'POST',
          url: '/v1/units',
          headers: {
            authorization: `Bearer ${ADMIN_KEY}`,
            'content-type': 'application/json',
            ...headers,
          },
          payload: `{"code":"D1","name":"Sâu","kind":"province","attributes":${deep(3_000)}}`,
        })
        expect(response.statusCode).toBe(400)
        expect(response.json()).toMatchObject({ code: 'JSON_TOO_DEEP' })
      }
      // Nothing was written; a body at the bound is fine.
      await t2.admin().get('/v1/units/D1').expect(404)
      await t2
        .admin()
        .post('/v1/units')
        .set('content-type', 'application/json')
        .send(`{"code":"D1","name":"Nông","kind":"province","attributes":${deep(30)}}`)
        .expect(201)
    } finally {
      await t2.close()
    }
  })

  it('answers a path parameter over 64 characters with 414 and headers over 16 KB with 431, as problem+json', async () => {
    const long = await t
      .admin()
      .get(`/v1/units/${'x'.repeat(65)}`)
      .expect(414)
    expect(long.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(long.body).toMatchObject({ code: 'PATH_PARAMETER_TOO_LONG' })
    await t
      .admin()
      .get(`/v1/units/${'x'.repeat(64)}`)
      .expect(404)
    const huge = await t.admin().get(`/v1/units?q=${'x'.repeat(20_000)}`)
    expect(huge.status).toBe(431)
    expect(huge.headers['content-type']).toBe('application/problem+json')
    expect(JSON.parse(huge.text)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' })
  })
})

describe('unexpected errors', () => {
  it('answers 500 INTERNAL_ERROR without leaking the message', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database: openNoDatabase() })
    app.get('/boom', () => {
      throw new Error('secret internals: password=hunter2')
    })
    const response = await app.inject({ method: 'GET', url: '/boom' })
    await app.close()
    expect(response.statusCode).toBe(500)
    expect(response.body).not.toContain('hunter2')
    expect(response.json()).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' })
  })
})

describe('database unreachable', () => {
  it('answers 503 on readiness and on a route that needs the database', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ADMIN_API_KEY: ADMIN_KEY }), {
      database: openPostgres('postgres://postgres@127.0.0.1:1/nowhere', { poolSize: 1 }),
    })
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    const list = await app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    })
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    await app.close()
    expect(ready.statusCode).toBe(503)
    expect(list.statusCode).toBe(503)
    expect(list.json()).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' })
    expect(list.body).not.toContain('ECONNREFUSED')
    expect(health.statusCode).toBe(200)
  })
})

describe('rate limit', () => {
  it('answers 429 problem+json past RATE_LIMIT_PER_MINUTE', async () => {
    const limited = await createTestApp({ RATE_LIMIT_PER_MINUTE: '2' })
    await limited.admin().get('/v1/api-keys').expect(200)
    await limited.admin().get('/v1/api-keys').expect(200)
    const response = await limited.admin().get('/v1/api-keys').expect(429)
    expect(response.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
    await limited.http().get('/healthz').expect(200)
    await limited.close()
  })
})
