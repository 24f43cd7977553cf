// Model-based test of the reports: a random world (units of every kind with random attributes and
// validity, records over 2018–2025, withdrawals, attribute changes) is recorded through the write
// endpoints, each write's answer checked against the model; then every year's summary, breakdown
// and campaign progress is compared with a plain reference computed from the raw records.
// MODEL_SEED=<n> replays another world.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ADMIN_KEY, createTestApp, type TestApp } from '../../support/app.js'
import {
  type Figures,
  type ModelTarget,
  type Records,
  breakdown,
  excluded,
  figures,
  measure,
  met,
} from './model/reference.js'
import { YEARS, type WorldUnit, generateWorld } from './model/world.js'

const SEED = Number(process.env.MODEL_SEED ?? 20261129)
const world = generateWorld(SEED)

let t: TestApp
const ids = new Map<string, string>()
const records: Records = {
  units: new Map(world.units.map((u) => [u.code, { ...u }])),
  certifications: new Map(),
  meetings: world.meetings,
  reeducation: world.reeducation,
}
let cases = 0

async function call(method: string, url: string, payload?: object, headers = {}) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    ...(payload ? { payload } : {}),
  })
  const body: unknown = response.payload ? response.json() : null
  return { status: response.statusCode, body, headers: response.headers }
}

async function expectStatus(expected: number, method: string, url: string, payload?: object) {
  const response = await call(method, url, payload)
  if (response.status !== expected)
    throw new Error(
      `seed ${SEED}: ${method} ${url} ${JSON.stringify(payload)} → ${response.status} ${JSON.stringify(response.body)}, expected ${expected}`,
    )
  return response.body as { id: string; code?: string }
}

const CAMPAIGN_TARGETS: ModelTarget[] = [
  { metric: 'certifiedRate', op: '>=', value: 0.6 },
  { metric: 'certifiedRate', kinds: ['agency', 'business', 'school'], op: '>=', value: 0.5 },
  { metric: 'certifiedCount', kinds: ['hamlet'], op: '>=', value: 3 },
  { metric: 'weakCount', op: '=', value: 0 },
  { metric: 'weakCount', kinds: ['school', 'hamlet'], op: '<', value: 2 },
  { metric: 'forumCount', op: '>=', value: 5 },
  { metric: 'hamletsCovered', op: '>=', value: 3 },
  { metric: 'consultationCount', op: '>=', value: 1 },
  { metric: 'attendees', op: '>=', value: 500 },
  { metric: 'formsDistributed', op: '>', value: 200 },
  { metric: 'opinionsReceived', op: '<=', value: 400 },
  { metric: 'reEducated', op: '>=', value: 100 },
  { metric: 'reformed', op: '>=', value: 40 },
]
const campaignScope = world.districts[0]!.code

beforeAll(async () => {
  t = await createTestApp()
  for (const unit of world.units) {
    const { parentCode, ...rest } = unit
    const created = await expectStatus(201, 'POST', '/v1/units', {
      ...rest,
      ...(parentCode ? { parentId: ids.get(parentCode) } : {}),
    })
    ids.set(unit.code, created.id)
  }
  // The write side applies the same rule the reports count by: an excluded unit is refused.
  for (const { code, year, ...body } of world.certifications) {
    const unit = records.units.get(code)!
    const refused = excluded(unit, year)
    await expectStatus(
      refused ? 422 : 201,
      'PUT',
      `/v1/units/${ids.get(code)}/certifications/${year}`,
      body,
    )
    if (!refused) records.certifications.set(`${code}/${year}`, body)
  }
  for (const { code, year } of world.withdrawals) {
    const recorded = records.certifications.delete(`${code}/${year}`)
    await expectStatus(
      recorded ? 204 : 404,
      'DELETE',
      `/v1/units/${ids.get(code)}/certifications/${year}?reason=model%20withdrawal`,
    )
  }
  for (const change of world.attributeChanges) {
    const url = `/v1/units/${ids.get(change.code)}`
    const { headers } = await call('GET', url)
    const patched = await call(
      'PATCH',
      url,
      { attributes: change.attributes },
      {
        'if-match': headers.etag,
      },
    )
    expect(patched.status).toBe(200)
    records.units.get(change.code)!.attributes = change.attributes
  }
  for (const m of world.meetings)
    await expectStatus(201, 'POST', '/v1/meetings', {
      unitRef: ids.get(m.code),
      format: m.format,
      heldOn: m.heldOn,
      ...m.counts,
    })
  for (const { code, period, ...counts } of world.reeducation)
    await expectStatus(201, 'PUT', `/v1/units/${ids.get(code)}/reeducation/${period}`, counts)
  for (const year of YEARS)
    await expectStatus(201, 'POST', '/v1/campaigns', {
      code: `MODEL-${year}`,
      name: `Chỉ tiêu ${year}`,
      year,
      scopeRef: ids.get(campaignScope),
      targets: CAMPAIGN_TARGETS,
    })
})
afterAll(async () => {
  console.info(
    `reports model (seed ${SEED}): ${world.units.length} units, ${world.certifications.length} certifications (${world.withdrawals.length} withdrawals), ${world.meetings.length} meetings, ${world.reeducation.length} re-education counts; ${cases} report comparisons`,
  )
  await t.close()
})

const figuresOf = (body: Figures) => ({
  certifications: body.certifications,
  meetings: body.meetings,
  reeducation: body.reeducation,
})
const targetResults = (f: Figures) =>
  CAMPAIGN_TARGETS.map((target) => {
    const actual = measure(f, target)
    return { metric: target.metric, kinds: target.kinds ?? null, actual, met: met(actual, target) }
  })

/** Roots compared: the province, both districts, and a few communes and bodies' parents. */
const roots: WorldUnit[] = [
  world.province,
  ...world.districts,
  ...world.units.filter((u) => u.kind !== 'hamlet' && u.parentCode?.length === 3).slice(0, 3),
]

describe.each(YEARS.map((year) => [year]))('reports of %i match the model', (year) => {
  it('summary of each root', async () => {
    for (const root of roots) {
      const body = await expectStatus(
        200,
        'GET',
        `/v1/reports/summary?unit=${ids.get(root.code)}&year=${year}`,
      )
      expect({ root: root.code, ...figuresOf(body as unknown as Figures) }).toEqual({
        root: root.code,
        ...figures(records, root.code, year),
      })
      cases++
    }
  })

  it('breakdown by child, with legal floors', async () => {
    for (const root of roots.slice(0, 4)) {
      const body = (await expectStatus(
        200,
        'GET',
        `/v1/reports/summary?unit=${ids.get(root.code)}&year=${year}&groupBy=child`,
      )) as unknown as {
        items: (Figures & { unit: { code: string }; legalFloor: Record<string, unknown> | null })[]
      }
      const actual = body.items.map((item) => ({
        code: item.unit.code,
        figures: figuresOf(item),
        legalFloor: item.legalFloor && { ...item.legalFloor, basis: undefined },
      }))
      const expected = breakdown(records, root.code, year).map((item) => ({
        ...item,
        legalFloor: item.legalFloor && { ...item.legalFloor, basis: undefined },
      }))
      expect(actual).toEqual(expected)
      cases += expected.length
    }
  })

  it('campaign progress and the summary’s targets', async () => {
    const expected = targetResults(figures(records, campaignScope, year))
    const progress = (await expectStatus(
      200,
      'GET',
      `/v1/campaigns/MODEL-${year}/progress`,
    )) as unknown as { targets: Record<string, unknown>[] }
    const pick = (targets: Record<string, unknown>[]) =>
      targets.map(({ metric, kinds, actual, met }) => ({ metric, kinds, actual, met }))
    expect(pick(progress.targets)).toEqual(expected)
    const summary = (await expectStatus(
      200,
      'GET',
      `/v1/reports/summary?unit=${campaignScope}&year=${year}`,
    )) as unknown as { targets: Record<string, unknown>[] }
    expect(pick(summary.targets)).toEqual(expected)
    cases += 2
  })
})
