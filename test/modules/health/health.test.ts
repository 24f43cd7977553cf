import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { buildApp } from '../../../src/app.js'
import { loadConfig } from '../../../src/config.js'
import { createTestApp, type TestApp } from '../../support/app.js'
import { openUnmigratedPglite } from '../../support/database.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('operations endpoints', () => {
  it('GET /healthz answers 200 without a key', async () => {
    const response = await t.http().get('/healthz').expect(200)
    expect(response.body).toEqual({ status: 'ok' })
  })

  it('GET /readyz answers 200 on a migrated database', async () => {
    const response = await t.http().get('/readyz').expect(200)
    expect(response.body).toEqual({ status: 'ready' })
  })

  it('GET /readyz answers 503 naming the migrations a database still lacks', async () => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), {
      database: await openUnmigratedPglite(),
    })
    const response = await app.inject({ method: 'GET', url: '/readyz' })
    await app.close()
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: expect.stringContaining('create-api-keys'),
    })
  })

  it('GET /metrics exposes Prometheus text with the request histogram', async () => {
    await t.http().get('/healthz').expect(200)
    const response = await t.http().get('/metrics').expect(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain/)
    expect(response.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+/,
    )
    expect(response.text).toContain('process_cpu_seconds_total')
  })

  it('serves the OpenAPI document and the HTML reference without a key', async () => {
    const doc = await t.http().get('/openapi.json').expect(200)
    expect(doc.body.openapi).toBe('3.1.0')
    const html = await t.http().get('/docs/').expect(200)
    expect(html.headers['content-type']).toMatch(/^text\/html/)
  })
})
