// Who may do what: every operation of the contract × every kind of caller (none, unknown key,
// revoked key, viewer, editor, admin, and each of them scoped to district A) × a target inside
// district A and one in district B. Expected: 401 without a valid key; 403 for a role that may not
// act; outside a key's scope, reads 404 and writes 403; otherwise the operation's own answer. And
// outside the scope a code reads exactly like a code nobody has.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ADMIN_KEY, createTestApp, type TestApp } from '../support/app.js'
import { createUnit } from '../support/factories.js'

type Role = 'viewer' | 'editor' | 'admin'
interface Caller {
  name: string
  key: string | null
  role: Role | null
  scoped: boolean
}
interface Target {
  commune: string
  hamlet: string
  meeting: string
  campaign: string
  apiKey: string
  /** The commune's id: the scope of a key created there. */
  apiKeyScope: string
  /** A webhook subscribed by an admin scoped to the commune. */
  webhook: string
  /** The commune's 2023 report, sent to its district. */
  submission: string
  district: string
}
interface Operation {
  id: string
  method: string
  role: Role
  /** read: outside the scope answers 404; write: 403; none: no scoped target. */
  access: 'read' | 'write' | 'none'
  url: (at: Target) => string
  body?: (at: Target, n: number) => object
  ok: number
}

let t: TestApp
const inside = {} as Target
const outside = {} as Target
const callers: Caller[] = []
let serial = 0

async function admin(method: string, url: string, payload?: object) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    ...(payload ? { payload } : {}),
  })
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.payload}`)
  return response.payload ? response.json<Record<string, string>>() : {}
}

async function place(target: Target, district: string) {
  const commune = await createUnit(t, {
    code: `${district}01`,
    name: `Xã ${district}`,
    kind: 'commune',
    parentCode: district,
  })
  target.commune = commune.code
  target.apiKeyScope = commune.id
  target.hamlet = (
    await createUnit(t, {
      code: `${district}01-A1`,
      name: 'Ấp',
      kind: 'hamlet',
      parentCode: commune.code,
    })
  ).code
  await admin('PUT', `/v1/units/${target.hamlet}/certifications/2023`, { result: 'certified' })
  await admin('PUT', `/v1/units/${target.commune}/reeducation/2023`, {
    reEducated: 3,
    reformed: 1,
    underManagement: 1,
  })
  target.meeting = (
    await admin('POST', '/v1/meetings', {
      unitRef: target.hamlet,
      format: 'forum',
      heldOn: '2023-04-04',
      attendees: 10,
    })
  ).id!
  target.campaign = `C-${district}`
  await admin('POST', '/v1/campaigns', {
    code: target.campaign,
    name: 'Thi đua',
    year: 2023,
    scopeRef: district,
    targets: [{ metric: 'forumCount', op: '>=', value: 1 }],
  })
  target.apiKey = (
    await admin('POST', '/v1/api-keys', {
      name: `viewer ${district}`,
      role: 'viewer',
      scope: commune.id,
    })
  ).id!
  const hookAdmin = await admin('POST', '/v1/api-keys', {
    name: `hooks ${district}`,
    role: 'admin',
    scope: commune.id,
  })
  const hook = await t.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: { authorization: `Bearer ${hookAdmin.key}` },
    payload: { url: 'https://hooks.example.vn/antq', events: ['campaign.*'] },
  })
  target.webhook = hook.json<{ id: string }>().id
  target.district = district
  target.submission = (
    await admin('POST', '/v1/report-submissions', { unitRef: target.commune, year: 2023 })
  ).id!
}

beforeAll(async () => {
  t = await createTestApp()
  await createUnit(t, { code: '62', name: 'Tỉnh Quyền', kind: 'province' })
  const a = await createUnit(t, {
    code: '621',
    name: 'Huyện A',
    kind: 'district',
    parentCode: '62',
  })
  await createUnit(t, { code: '622', name: 'Huyện B', kind: 'district', parentCode: '62' })
  await place(inside, '621')
  await place(outside, '622')
  const revoked = await admin('POST', '/v1/api-keys', { name: 'old', role: 'admin' })
  await admin('DELETE', `/v1/api-keys/${revoked.id}`)
  callers.push(
    { name: 'none', key: null, role: null, scoped: false },
    { name: 'unknown key', key: 'not-a-key-0123456789', role: null, scoped: false },
    { name: 'revoked key', key: revoked.key!, role: null, scoped: false },
  )
  for (const role of ['viewer', 'editor', 'admin'] as const)
    for (const scoped of [false, true]) {
      const key = await admin('POST', '/v1/api-keys', {
        name: `${role}${scoped ? ' A' : ''}`,
        role,
        ...(scoped ? { scope: a.id } : {}),
      })
      callers.push({ name: `${role}${scoped ? ' scoped to A' : ''}`, key: key.key!, role, scoped })
    }
})
afterAll(() => t.close())

const STALE = { 'if-match': '"stale"' }
const OPERATIONS: (Operation & { headers?: Record<string, string> })[] = [
  {
    id: 'listUnits',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'getUnit',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.hamlet}`,
    ok: 200,
  },
  {
    id: 'listUnitChildren',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.commune}/children`,
    ok: 200,
  },
  {
    id: 'listUnitAncestors',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.hamlet}/ancestors`,
    ok: 200,
  },
  {
    id: 'getUnitLineage',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.commune}/lineage`,
    ok: 200,
  },
  {
    id: 'createUnit',
    method: 'POST',
    role: 'editor',
    access: 'write',
    url: () => '/v1/units',
    ok: 201,
    body: (at, n) => ({
      code: `${at.commune}-N${n}`,
      name: 'Ấp mới',
      kind: 'hamlet',
      parentCode: at.commune,
    }),
  },
  {
    id: 'updateUnit',
    method: 'PATCH',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.hamlet}`,
    body: () => ({ name: 'x' }),
    ok: 428,
  },
  {
    id: 'deleteUnit',
    method: 'DELETE',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.hamlet}`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'applyUnitChange',
    method: 'POST',
    role: 'admin',
    access: 'write',
    url: () => '/v1/unit-changes?dryRun=true',
    ok: 200,
    body: (at) => ({
      type: 'rename',
      effectiveDate: '2024-01-01',
      legalBasis: 'NQ',
      from: [at.commune],
      to: [{ code: at.commune, name: 'Xã Mới', kind: 'commune' }],
    }),
  },
  {
    id: 'listCertifications',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/certifications?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'listLegalBases',
    method: 'GET',
    role: 'viewer',
    access: 'none',
    url: () => '/v1/certifications/legal-bases',
    ok: 200,
  },
  {
    id: 'getCertification',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.hamlet}/certifications/2023`,
    ok: 200,
  },
  {
    id: 'putCertification',
    method: 'PUT',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.hamlet}/certifications/2023`,
    body: () => ({ result: 'certified' }),
    ok: 200,
  },
  {
    id: 'withdrawCertification',
    method: 'DELETE',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.hamlet}/certifications/2023?reason=test`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'listMeetings',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/meetings?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'createMeeting',
    method: 'POST',
    role: 'editor',
    access: 'write',
    url: () => '/v1/meetings',
    ok: 201,
    body: (at) => ({ unitRef: at.hamlet, format: 'forum', heldOn: '2023-05-05', attendees: 1 }),
  },
  {
    id: 'getMeeting',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/meetings/${at.meeting}`,
    ok: 200,
  },
  {
    id: 'updateMeeting',
    method: 'PATCH',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/meetings/${at.meeting}`,
    body: () => ({ attendees: 2 }),
    ok: 428,
  },
  {
    id: 'deleteMeeting',
    method: 'DELETE',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/meetings/${at.meeting}`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'listReeducationCounts',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/reeducation?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'getReeducationCount',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/units/${at.commune}/reeducation/2023`,
    ok: 200,
  },
  {
    id: 'putReeducationCount',
    method: 'PUT',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.commune}/reeducation/2023`,
    ok: 200,
    body: () => ({ reEducated: 3, reformed: 1, underManagement: 1 }),
  },
  {
    id: 'deleteReeducationCount',
    method: 'DELETE',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/units/${at.commune}/reeducation/2023`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'getReportSummary',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/reports/summary?unit=${at.commune}&year=2023`,
    ok: 200,
  },
  {
    id: 'submitReport',
    method: 'POST',
    role: 'editor',
    access: 'write',
    url: () => '/v1/report-submissions',
    body: (at) => ({ unitRef: at.commune, year: 2023 }),
    ok: 409,
  },
  {
    id: 'listReportSubmissions',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/report-submissions?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'getReportSubmission',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/report-submissions/${at.submission}`,
    ok: 200,
  },
  // A submission outside the scope is not seen at all: 404, not 403.
  ...(['accept', 'return', 'reopen'] as const).map((action) => ({
    id: `${action}ReportSubmission`,
    method: 'POST',
    role: 'editor' as const,
    access: 'read' as const,
    url: (at: Target) => `/v1/report-submissions/${at.submission}/${action}`,
    body: () => (action === 'accept' ? {} : { reason: 'x' }),
    headers: STALE,
    ok: 412,
  })),
  {
    id: 'getReportCompleteness',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/reports/completeness?unit=${at.district}&year=2023`,
    ok: 200,
  },
  {
    id: 'listCampaigns',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/campaigns?under=${at.commune.slice(0, 3)}`,
    ok: 200,
  },
  {
    id: 'createCampaign',
    method: 'POST',
    role: 'editor',
    access: 'write',
    url: () => '/v1/campaigns',
    ok: 201,
    body: (at, n) => ({
      code: `N-${at.commune}-${n}`,
      name: 'Mới',
      year: 2023,
      scopeRef: at.commune,
      targets: [{ metric: 'forumCount', op: '>=', value: 1 }],
    }),
  },
  {
    id: 'getCampaign',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/campaigns/${at.campaign}`,
    ok: 200,
  },
  {
    id: 'getCampaignProgress',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/campaigns/${at.campaign}/progress`,
    ok: 200,
  },
  {
    id: 'updateCampaign',
    method: 'PATCH',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/campaigns/${at.campaign}`,
    body: () => ({ name: 'x' }),
    ok: 428,
  },
  {
    id: 'deleteCampaign',
    method: 'DELETE',
    role: 'editor',
    access: 'write',
    url: (at) => `/v1/campaigns/${at.campaign}`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'listAuditEvents',
    method: 'GET',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/audit-events?unit=${at.commune}`,
    ok: 200,
  },
  {
    id: 'listChanges',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/changes?under=${at.commune}`,
    ok: 200,
  },
  {
    id: 'listWebhooks',
    method: 'GET',
    role: 'admin',
    access: 'none',
    url: () => '/v1/webhooks',
    ok: 200,
  },
  {
    id: 'createWebhook',
    method: 'POST',
    role: 'admin',
    access: 'none',
    url: () => '/v1/webhooks',
    body: () => ({ url: 'https://hooks.example.vn/new', events: ['unit-change.applied'] }),
    ok: 201,
  },
  // A scoped admin cannot see a subscription outside its subtree: 404, as for a read.
  {
    id: 'getWebhook',
    method: 'GET',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}`,
    ok: 200,
  },
  {
    id: 'updateWebhook',
    method: 'PATCH',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}`,
    body: () => ({ description: 'x' }),
    headers: STALE,
    ok: 412,
  },
  {
    id: 'rotateWebhookSecret',
    method: 'POST',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}/rotate-secret`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'deleteWebhook',
    method: 'DELETE',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}`,
    headers: STALE,
    ok: 412,
  },
  {
    id: 'listWebhookDeliveries',
    method: 'GET',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}/deliveries`,
    ok: 200,
  },
  {
    id: 'getWebhookDelivery',
    method: 'GET',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}/deliveries/00000000-0000-4000-8000-000000000000`,
    ok: 404,
  },
  {
    id: 'retryWebhookDelivery',
    method: 'POST',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/webhooks/${at.webhook}/deliveries/00000000-0000-4000-8000-000000000000/retry`,
    ok: 404,
  },
  {
    id: 'listApiKeys',
    method: 'GET',
    role: 'admin',
    access: 'none',
    url: () => '/v1/api-keys',
    ok: 200,
  },
  {
    id: 'createApiKey',
    method: 'POST',
    role: 'admin',
    access: 'write',
    url: () => '/v1/api-keys',
    ok: 201,
    body: (at) => ({ name: 'new', role: 'viewer', scope: at.apiKeyScope }),
  },
  {
    id: 'getApiKey',
    method: 'GET',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/api-keys/${at.apiKey}`,
    ok: 200,
  },
  // A scoped admin cannot even see a key outside its subtree: 404, as for a read.
  {
    // Rows outside the key's scope are refused row by row (422); an empty dry run tests the roles.
    id: 'importRecords',
    method: 'POST',
    role: 'editor',
    access: 'none',
    url: () => '/v1/imports/certifications?dryRun=true',
    body: () => [],
    ok: 200,
  },
  {
    id: 'exportRecords',
    method: 'GET',
    role: 'viewer',
    access: 'read',
    url: (at) => `/v1/exports/certifications?under=${at.commune}&format=json`,
    ok: 200,
  },
  {
    id: 'listImports',
    method: 'GET',
    role: 'viewer',
    access: 'none',
    url: () => '/v1/imports',
    ok: 200,
  },
  {
    // A key sees its own imports only: another's, like an unknown id, is 404.
    id: 'getImport',
    method: 'GET',
    role: 'viewer',
    access: 'none',
    url: () => '/v1/imports/7d1f3c2e-0000-4000-8000-000000000000',
    ok: 404,
  },
  {
    id: 'revokeApiKey',
    method: 'DELETE',
    role: 'admin',
    access: 'read',
    url: (at) => `/v1/api-keys/${at.apiKey}`,
    ok: 204,
  },
]

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 }

function expected(op: Operation, caller: Caller, out: boolean): number {
  if (!caller.role) return 401
  if (RANK[caller.role] < RANK[op.role]) return 403
  if (out && caller.scoped && op.access !== 'none') return op.access === 'read' ? 404 : 403
  return op.ok
}

describe('authorization', () => {
  it('covers every operation of the contract under /v1', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId: string }>>
    }>()
    const ids = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1'))
      .flatMap(([, ops]) => Object.values(ops).map((op) => op.operationId))
    expect(OPERATIONS.map((op) => op.id).sort()).toEqual(ids.sort())
  })

  it('answers every operation × caller × inside/outside as the rules say', async () => {
    const failures: string[] = []
    let cases = 0
    for (const op of OPERATIONS)
      for (const caller of callers)
        for (const [i, at] of [inside, outside].entries()) {
          const out = i === 1
          const target = at
          const response = await t.app.inject({
            method: op.method as 'GET',
            url: op.url(target),
            headers: {
              ...(caller.key ? { authorization: `Bearer ${caller.key}` } : {}),
              ...op.headers,
            },
            ...(op.body ? { payload: op.body(target, serial++) } : {}),
          })
          cases++
          const want = expected(op, caller, out)
          if (response.statusCode !== want)
            failures.push(
              `${op.id} as ${caller.name} ${out ? 'outside' : 'inside'}: ${response.statusCode} (expected ${want}) ${response.payload.slice(0, 160)}`,
            )
        }
    expect(failures).toEqual([])
    expect(cases).toBe(OPERATIONS.length * callers.length * 2)
  })

  it('answers with the headers the document declares, and declares the ones it sends', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, { headers?: object }> }>
      >
    }>()
    const operations = new Map(
      Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((o) => [o.operationId, o])),
    )
    const admin = callers.find((c) => c.role === 'admin' && !c.scoped)!
    // Rate-limit counters are off in tests; a replay needs a second request.
    const notHere = new Set([
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'retry-after',
      'idempotent-replayed',
    ])
    const mismatches: string[] = []
    for (const op of OPERATIONS) {
      const response = await t.app.inject({
        method: op.method as 'GET',
        url: op.url(inside),
        headers: { authorization: `Bearer ${admin.key}`, ...op.headers },
        ...(op.body ? { payload: op.body(inside, serial++) } : {}),
      })
      const declared = Object.keys(
        operations.get(op.id)!.responses[String(response.statusCode)]?.headers ?? {},
      )
      for (const name of declared)
        if (!notHere.has(name) && response.headers[name] === undefined)
          mismatches.push(`${op.id} ${response.statusCode}: ${name} declared, not sent`)
      for (const name of ['etag', 'location', 'x-request-id'])
        if (response.headers[name] !== undefined && !declared.includes(name))
          mismatches.push(`${op.id} ${response.statusCode}: ${name} sent, not declared`)
    }
    expect(mismatches).toEqual([])
  })

  it('outside its scope, a code reads exactly like a code nobody has', async () => {
    const viewer = callers.find((c) => c.role === 'viewer' && c.scoped)!
    const read = async (url: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${viewer.key}` },
      })
      // Every field but the request id must match.
      const body = { ...response.json<Record<string, unknown>>(), instance: undefined }
      return { status: response.statusCode, body }
    }
    const urls = (code: string) => [
      `/v1/units/${code}`,
      `/v1/units/${code}/children`,
      `/v1/units/${code}/certifications/2023`,
      `/v1/units/${code}/reeducation/2023`,
      `/v1/reports/summary?unit=${code}&year=2023`,
      `/v1/units?under=${code}`,
      `/v1/meetings?unit=${code}`,
      `/v1/exports/certifications?under=${code}`,
    ]
    const [there, nobody] = [outside.hamlet, '62999-Z9']
    for (const [i, url] of urls(there).entries()) {
      const answer = await read(url)
      const unknown = await read(urls(nobody)[i]!)
      expect(answer.status).toBe(404)
      expect(JSON.stringify(answer.body)).toBe(
        JSON.stringify(unknown.body).replaceAll(nobody, there),
      )
    }
  })
})
