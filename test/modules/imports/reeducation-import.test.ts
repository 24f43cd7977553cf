// Bulk import of re-education counts: the rules of the PUT, JSON cells in CSV, atomic refusal.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { importFile, rowErrors } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '83')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'reeducation')
const counts = (ref: string, period: string) =>
  t.admin().get(`/v1/units/${ref}/reeducation/${period}`)

describe('POST /v1/imports/reeducation', () => {
  it('imports counts with breakdowns as JSON cells, and finds them unchanged when sent again', async () => {
    const csv = [
      'unitCode,period,reEducated,reformed,underManagement,byCategory,note',
      `${d.commune.code},2018,5,3,1,"{""theft"":2,""drugs"":3}",Đã rà soát`,
      `${d.otherCommune.code},2018Q3,2,1,0,,`,
    ].join('\n')
    const first = await importing(csv).expect(200)
    expect(first.body.counts).toEqual({
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    })
    const shown = await counts(d.commune.code, '2018').expect(200)
    expect(shown.body).toMatchObject({
      reEducated: 5,
      reformed: 3,
      underManagement: 1,
      byCategory: { drugs: 3, theft: 2 },
      byOrganisation: null,
      note: 'Đã rà soát',
      periodType: 'year',
    })
    const again = await importing(csv).expect(200)
    expect(again.body.counts).toMatchObject({ unchanged: 2 })
    const changed = csv.replace(',2018Q3,2,1,0,,', ',2018Q3,4,1,0,,')
    const third = await importing(changed).expect(200)
    expect(third.body.counts).toMatchObject({ unchanged: 1, updated: 1 })
    const record = await counts(d.otherCommune.code, '2018Q3').expect(200)
    const events = await t
      .admin()
      .get(`/v1/audit-events?entity=reeducation&entityId=${record.body.id}&action=update`)
      .expect(200)
    expect(events.body.items[0]).toMatchObject({ importId: third.body.id, after: record.body })
  })

  it('refuses a file with rows the PUT would refuse, and writes none of it', async () => {
    const rows = [
      {
        unitCode: d.closedCommune.code,
        period: '2019S2',
        reEducated: 1,
        reformed: 0,
        underManagement: 0,
      },
      { unitCode: d.hamlet.code, period: '2019', reEducated: 1, reformed: 0, underManagement: 0 },
      { unitCode: d.commune.code, period: '2099', reEducated: 1, reformed: 0, underManagement: 0 },
      { unitCode: d.commune.code, period: '1800', reEducated: 1, reformed: 0, underManagement: 0 },
      { unitCode: d.commune.code, period: '2019', reEducated: -1, reformed: 0, underManagement: 0 },
      {
        unitCode: d.closedCommune.code,
        period: '2020',
        reEducated: 1,
        reformed: 0,
        underManagement: 0,
      },
    ]
    const response = await importing(JSON.stringify(rows), 'application/json').expect(422)
    expect(rowErrors(response.body)).toEqual([
      [2, '/unitCode', 'INELIGIBLE_UNIT_KIND'],
      [3, '/period', 'PERIOD_IN_FUTURE'],
      [4, '/period', 'INVALID_PERIOD'],
      [5, '/reEducated', 'MINIMUM'],
      [6, '/unitCode', 'UNIT_NOT_FOUND'],
    ])
    expect(response.body.counts).toMatchObject({ rows: 6, created: 1, rejected: 5 })
    await counts(d.closedCommune.code, '2019S2').expect(404)
  })
})
