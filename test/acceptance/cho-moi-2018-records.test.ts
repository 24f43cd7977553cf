// The district report the project started from: Chợ Mới's 2018 movement records, entered through
// the records endpoints and read back through their lists. (The reports sum them server-side.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../support/app.js'
import { ARTICLE_2018, loadChoMoiUnits, recordChoMoi2018, recordNoise } from '../support/cho-moi.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await loadChoMoiUnits(t)
  await recordChoMoi2018(t)
  await recordNoise(t)
})
afterAll(() => t.close())

/** Every item of a list, following cursors. */
async function all<T>(path: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const separator = path.includes('?') ? '&' : '?'
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } = await t
      .admin()
      .get(`${path}${separator}limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
    expect(page.status).toBe(200)
    items.push(...page.body.items)
    cursor = page.body.nextCursor
  } while (cursor)
  return items
}

const sum = <T>(items: T[], of: (item: T) => number | null) =>
  items.reduce((total, item) => total + (of(item) ?? 0), 0)

describe('Chợ Mới 2018, recorded through the API', () => {
  it('has the certifications of the article', async () => {
    const certified = (kind: string) =>
      all(`/v1/certifications?year=2018&under=893&kind=${kind}&result=certified`)
    expect((await certified('commune,ward,town')).length).toBe(ARTICLE_2018.communeLevel.certified)
    expect(await all('/v1/certifications?year=2018&under=893&kind=commune,ward,town')).toHaveLength(
      ARTICLE_2018.communeLevel.eligible,
    )
    expect((await certified('agency')).length).toBe(ARTICLE_2018.agencies)
    expect((await certified('business')).length).toBe(ARTICLE_2018.businesses)
    expect((await certified('school')).length).toBe(ARTICLE_2018.schools)
    expect(await all('/v1/certifications?year=2018&under=893&movementRating=weak')).toEqual([])
  })

  it('has the forums, consultations and their measures', async () => {
    type M = { unit: { code: string }; format: string } & Record<string, number | null>
    const meetings = await all<M>('/v1/meetings?under=893&from=2018-01-01&to=2018-12-31')
    const forums = meetings.filter((m) => m.format === 'forum')
    expect(forums).toHaveLength(ARTICLE_2018.forums)
    expect(new Set(forums.map((m) => m.unit.code)).size).toBe(ARTICLE_2018.hamletsCovered)
    expect(meetings.filter((m) => m.format === 'consultation')).toHaveLength(
      ARTICLE_2018.consultations,
    )
    expect(sum(meetings, (m) => m.attendees!)).toBe(ARTICLE_2018.attendees)
    expect(sum(meetings, (m) => m.formsDistributed!)).toBe(ARTICLE_2018.formsDistributed)
    expect(sum(meetings, (m) => m.opinionsReceived!)).toBe(ARTICLE_2018.opinionsReceived)
  })

  it('has the re-education counts, yearly where a yearly record exists, else quarterly', async () => {
    type R = { unit: { code: string }; periodType: string; reEducated: number; reformed: number }
    const records = await all<R & { underManagement: number }>(
      '/v1/reeducation?under=893&year=2018',
    )
    const yearly = new Set(records.filter((r) => r.periodType === 'year').map((r) => r.unit.code))
    const counted = records.filter((r) => r.periodType === 'year' || !yearly.has(r.unit.code))
    expect(sum(counted, (r) => r.reEducated)).toBe(ARTICLE_2018.reEducated)
    expect(sum(counted, (r) => r.reformed)).toBe(ARTICLE_2018.reformed)
    expect(sum(counted, (r) => r.underManagement)).toBe(ARTICLE_2018.underManagement)
    // Adding a year to its own quarters would overcount.
    expect(sum(records, (r) => r.reEducated)).toBeGreaterThan(ARTICLE_2018.reEducated)
  })
})
