// The first record of a unit's year is written in one statement, a record sent again unchanged is
// answered from what is stored; both must leave exactly what the locked path would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '76')
})
afterAll(() => t.close())

const url = (ref: string, year: number) => `/v1/units/${ref}/certifications/${year}`
type Event = { action: string; after: unknown; unitId: string }
const eventsOf = async (id: string) =>
  (await t.admin().get(`/v1/audit-events?entity=certification&entityId=${id}`).expect(200)).body
    .items as Event[]

describe('the first record of a year, and the same record again', () => {
  it('audits the record exactly as the API shows it, once', async () => {
    const body = {
      result: 'not_certified',
      decisionNumber: '7/QĐ-UBND "đặc biệt"',
      decisionDate: '2019-12-30',
      issuedBy: 'UBND xã \\ phường',
      note: ' ghi chú 😀 ',
    }
    const created = await t.admin().put(url(d.commune.code, 2019)).send(body).expect(201)
    const shown = await t.admin().get(url(d.commune.id, 2019)).expect(200)
    expect(created.body).toEqual(shown.body)
    expect(created.headers.etag).toBe(shown.headers.etag)
    const again = await t.admin().put(url(d.commune.id, 2019)).send(body).expect(200)
    expect(again.body).toEqual(shown.body)
    expect(again.headers.etag).toBe(shown.headers.etag)
    const events = await eventsOf(created.body.id)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ action: 'create', unitId: d.commune.id })
    expect(events[0]!.after).toEqual(shown.body)
  })

  it('keeps the preconditions: If-Match on a new year is 412, If-None-Match on a stored one too', async () => {
    const body = { result: 'certified' }
    await t.admin().put(url(d.hamlet.id, 2020)).set('if-match', '"x"').send(body).expect(412)
    expect((await t.admin().get(url(d.hamlet.id, 2020))).status).toBe(404)
    const created = await t.admin().put(url(d.hamlet.id, 2020)).send(body).expect(201)
    await t.admin().put(url(d.hamlet.id, 2020)).set('if-none-match', '*').send(body).expect(412)
    await t
      .admin()
      .put(url(d.hamlet.id, 2020))
      .set('if-match', created.headers.etag!)
      .send(body)
      .expect(200)
    await t.admin().put(url(d.hamlet.id, 2020)).send({ result: 'not_certified' }).expect(428)
  })

  it('records a year once when many send it at the same moment', async () => {
    const body = { result: 'certified', movementRating: 'good' }
    const statuses = (
      await Promise.all(
        Array.from({ length: 12 }, () => t.admin().put(url(d.otherCommune.id, 2018)).send(body)),
      )
    ).map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(11)
    const shown = await t.admin().get(url(d.otherCommune.id, 2018)).expect(200)
    expect(await eventsOf(shown.body.id)).toHaveLength(1)
  })
})
