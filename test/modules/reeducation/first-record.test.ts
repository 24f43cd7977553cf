// The first counts of a period are written in one statement, counts sent again unchanged are
// answered from what is stored; both must leave exactly what the locked path would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '77')
})
afterAll(() => t.close())

const url = (ref: string, period: string) => `/v1/units/${ref}/reeducation/${period}`
const eventsOf = async (id: string) =>
  (await t.admin().get(`/v1/audit-events?entity=reeducation&entityId=${id}`).expect(200)).body
    .items as { action: string; after: unknown }[]

describe('the first counts of a period, and the same counts again', () => {
  it('audits the record exactly as the API shows it (warnings included), once', async () => {
    const body = {
      reEducated: 10,
      reformed: 9,
      underManagement: 4,
      byCategory: { theft: 3, drugs: 4 },
      byOrganisation: { family: 10 },
      note: ' "ghi chú" \\ 😀 ',
    }
    const created = await t.admin().put(url(d.commune.code, '2019Q2')).send(body).expect(201)
    const shown = await t.admin().get(url(d.commune.id, '2019Q2')).expect(200)
    expect(created.body).toEqual(shown.body)
    expect(shown.body.warnings.length).toBeGreaterThan(0)
    const again = await t.admin().put(url(d.commune.id, '2019Q2')).send(body).expect(200)
    expect(again.headers.etag).toBe(shown.headers.etag)
    const events = await eventsOf(created.body.id)
    expect(events).toHaveLength(1)
    expect(events[0]!.after).toEqual(shown.body)
  })

  it('records a period once when many send it at the same moment, and again after a deletion', async () => {
    const body = { reEducated: 5, reformed: 5, underManagement: 0 }
    for (let round = 0; round < 2; round++) {
      const statuses = (
        await Promise.all(
          Array.from({ length: 12 }, () =>
            t.admin().put(url(d.otherCommune.id, '2018')).send(body),
          ),
        )
      ).map((r) => r.status)
      expect(statuses.sort()).toEqual([...Array(11).fill(200), 201])
      const shown = await t.admin().get(url(d.otherCommune.id, '2018')).expect(200)
      expect((await eventsOf(shown.body.id)).filter((e) => e.action === 'create')).toHaveLength(1)
      await t.admin().delete(url(d.otherCommune.id, '2018')).expect(204)
    }
  })
})
