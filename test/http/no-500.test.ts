// No input produces a 500 or a status the contract does not declare: every operation of the
// OpenAPI document, sent odd path values, odd query values, odd bodies (deeply nested, of the
// wrong content type), answers with a status below 500 that its operation declares and, for
// errors, problem+json.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../support/app.js'
import { createDistrict } from '../support/factories.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await createDistrict(t, '77')
})
afterAll(() => t.close())

const PATH_VALUES = [
  '77',
  '77101',
  'x'.repeat(300),
  '%00',
  '..',
  '0',
  '2018Q0',
  '99999999999',
  'ấp',
]
const QUERIES = [
  '',
  '?limit=0',
  '?limit=abc',
  '?year=2018.5',
  '?year=99999999999999999999',
  '?asOf=2018-13-01',
  '?under=%00&unit=%00',
  '?under=77&unit=77101&year=2018',
  '?from=2019-01-01&to=2018-01-01',
  '?kind=province,,&q=%25%25',
  '?unknown=1',
]
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded']
const BODIES: unknown[] = [
  null,
  [],
  'text',
  {},
  { a: { b: [1, 2] } },
  { unitRef: '77101', format: 'forum', heldOn: '2018-01-01', attendees: 1e20 },
  { result: 'certified', decisionDate: '0000-00-00' },
  { reEducated: 1, reformed: 1, underManagement: 1, byCategory: { ['x'.repeat(60)]: 1 } },
  { code: '\u0000', name: '\u0000', kind: 'hamlet', parentCode: '77101' },
  { code: '77101-N', name: 'Ấp \u0000', kind: 'hamlet', parentCode: '77101' },
  { result: 'certified', note: 'x\u0000y', issuedBy: '\ud800' },
]

/** `{"a":{"a":…}}`, `depth` levels deep, as text (too deep for JSON.stringify's own stack). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
const PAYLOADS = [
  ...BODIES.map((body) => JSON.stringify(body)),
  `{"code":"77101-D","name":"Sâu","kind":"hamlet","parentCode":"77101","attributes":${nested(12_000)}}`,
  `{"name":"x","attributes":${nested(40)},"byCategory":${nested(3_000)},"to":[{"attributes":${nested(50)}}]}`,
]

describe('every operation', () => {
  it('answers below 500 to odd paths, queries and bodies', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }>()
    const failures: string[] = []
    let requests = 0
    for (const [template, operations] of Object.entries(spec.paths)) {
      if (!template.startsWith('/v1')) continue
      for (const [method, operation] of Object.entries(operations)) {
        const declared = new Set(Object.keys(operation.responses))
        for (const value of PATH_VALUES) {
          const path = template.replace(/\{[^}]+\}/g, encodeURIComponent(value))
          // Each query with a body (a different one each time, so that every body meets several
          // queries), and each body in each content type: every pairing of the three would take
          // minutes and find nothing these do not (the query and the body are checked apart).
          const withBody = method !== 'get' && method !== 'delete'
          const cases: [string, string | undefined, string][] = withBody
            ? [
                ...QUERIES.map((query, q): [string, string, string] => [
                  query,
                  PAYLOADS[(PATH_VALUES.indexOf(value) * QUERIES.length + q) % PAYLOADS.length]!,
                  'application/json',
                ]),
                ...PAYLOADS.flatMap((body) =>
                  CONTENT_TYPES.map((type): [string, string, string] => ['', body, type]),
                ),
              ]
            : QUERIES.map((query): [string, undefined, string] => [query, undefined, ''])
          for (const [query, body, contentType] of cases) {
            const response = await t.app.inject({
              method: method.toUpperCase() as 'GET',
              url: `${path}${query}`,
              headers: {
                authorization: 'Bearer test-admin-key-0123456789',
                ...(body === undefined ? {} : { 'content-type': contentType }),
                'if-match': '*',
              },
              ...(body === undefined ? {} : { payload: body }),
            })
            requests++
            const problem = String(response.headers['content-type']).includes('problem+json')
            if (
              response.statusCode >= 500 ||
              (response.statusCode >= 400 && !problem) ||
              !declared.has(String(response.statusCode))
            )
              failures.push(
                `${method.toUpperCase()} ${path}${query} ${contentType} ${body?.slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 200)}`,
              )
          }
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([])
    expect(requests).toBeGreaterThan(1000)
  })

  it('answers an oversized body, wrongly typed values and no key with declared statuses', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }>()
    const oversized = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
    const failures: string[] = []
    for (const [template, operations] of Object.entries(spec.paths)) {
      if (!template.startsWith('/v1')) continue
      for (const [method, operation] of Object.entries(operations)) {
        const path = template.replace(/\{[^}]+\}/g, '77101')
        const withBody = method !== 'get' && method !== 'delete'
        const attempts = [
          { headers: {}, query: '' },
          {
            headers: { authorization: 'Bearer test-admin-key-0123456789' },
            query: '?limit=true&year=x&asOf=1',
          },
          ...(withBody
            ? [
                {
                  headers: {
                    authorization: 'Bearer test-admin-key-0123456789',
                    'content-type': 'application/json',
                  },
                  query: '',
                  payload: oversized,
                },
              ]
            : []),
        ]
        for (const attempt of attempts) {
          const response = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url: `${path}${attempt.query}`,
            headers: attempt.headers,
            ...('payload' in attempt ? { payload: attempt.payload } : {}),
          })
          if (response.statusCode >= 500 || !(String(response.statusCode) in operation.responses))
            failures.push(
              `${method.toUpperCase()} ${path}${attempt.query} → ${response.statusCode}`,
            )
        }
      }
    }
    expect(failures).toEqual([])
  })
})
