// Bulk import of meetings: known by externalId within the key's source, the rules of POST /v1/meetings.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'
import { importFile, rowErrors } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '82')
})
afterAll(() => t.close())

const importing = importFile(() => t, 'meetings')
const meetingsOf = async (externalId: string) =>
  (
    await t
      .admin()
      .get(`/v1/meetings?externalId=${encodeURIComponent(externalId)}`)
      .expect(200)
  ).body.items

describe('POST /v1/imports/meetings', () => {
  const header =
    'externalId,unitCode,format,heldOn,attendees,formsDistributed,opinionsReceived,note'

  it('creates, then finds every row unchanged, then updates the one that changed', async () => {
    const csv = [
      header,
      `M-1,${d.hamlet.code},forum,2019-05-04,120,100,12,Hội nghị ấp`,
      `M-2,${d.commune.code},consultation,2019-06-01,40,,,`,
    ].join('\r\n')
    const first = await importing(csv).expect(200)
    expect(first.body.counts).toEqual({
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    })
    const [m1] = await meetingsOf('M-1')
    expect(m1).toMatchObject({
      unit: { code: d.hamlet.code },
      format: 'forum',
      heldOn: '2019-05-04',
      attendees: 120,
      formsDistributed: 100,
      opinionsReceived: 12,
      formsReturned: null,
      note: 'Hội nghị ấp',
    })
    const again = await importing(csv).expect(200)
    expect(again.body.counts).toMatchObject({ unchanged: 2, created: 0, updated: 0 })

    const changed = csv.replace(
      'M-2,' + d.commune.code + ',consultation,2019-06-01,40',
      'M-2,' + d.commune.code + ',consultation,2019-06-01,45',
    )
    const third = await importing(changed).expect(200)
    expect(third.body.counts).toMatchObject({ unchanged: 1, updated: 1 })
    const [m2] = await meetingsOf('M-2')
    expect(m2.attendees).toBe(45)
    const events = await t
      .admin()
      .get(`/v1/audit-events?entity=meeting&entityId=${m2.id}`)
      .expect(200)
    expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
    expect(events.body.items[1]).toMatchObject({ importId: third.body.id, after: m2 })
    // The single-item endpoint sees the same meeting.
    expect((await t.admin().get(`/v1/meetings/${m2.id}`).expect(200)).body).toEqual(m2)
  })

  it('refuses rows that break the rules of a single meeting, writing none', async () => {
    const ndjson = [
      {
        externalId: 'M-10',
        unitCode: d.hamlet.code,
        format: 'forum',
        heldOn: '2020-01-02',
        attendees: 5,
      },
      {
        externalId: 'M-11',
        unitCode: d.province.code,
        format: 'forum',
        heldOn: '2020-01-02',
        attendees: 5,
      },
      {
        externalId: 'M-12',
        unitCode: d.hamlet.code,
        format: 'forum',
        heldOn: '2999-01-02',
        attendees: 5,
      },
      { unitCode: d.hamlet.code, format: 'forum', heldOn: '2020-01-02', attendees: 5 },
      {
        externalId: 'M-10',
        unitCode: d.hamlet.code,
        format: 'forum',
        heldOn: '2020-01-03',
        attendees: 6,
      },
      {
        externalId: 'M-13',
        unitCode: d.closedCommune.code,
        format: 'forum',
        heldOn: '2021-01-02',
        attendees: 5,
      },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n')
    const response = await importing(ndjson, 'application/x-ndjson').expect(422)
    expect(rowErrors(response.body)).toEqual([
      [2, '/unitCode', 'INELIGIBLE_UNIT_KIND'],
      [3, '/heldOn', 'DATE_IN_FUTURE'],
      [4, '/externalId', 'REQUIRED'],
      [5, '/externalId', 'DUPLICATE_RECORD'],
      [6, '/unitCode', 'UNIT_NOT_FOUND'],
    ])
    expect(await meetingsOf('M-10')).toEqual([])
  })

  it('refreshes the statistics of a table the file grew by a tenth, and leaves a few rows to autovacuum', async () => {
    // The planner's row estimate, which only ANALYZE (or VACUUM) moves: an insert does not.
    const estimate = async () =>
      Number(
        (
          await sql<{ n: number }>`select reltuples::float8 as n from pg_class
            where oid = 'meetings'::regclass`.execute(t.database.db)
        ).rows[0]!.n,
      )
    const file = (tag: string, rows: number) =>
      Array.from({ length: rows }, (_, i) =>
        JSON.stringify({
          externalId: `STATS-${tag}-${i}`,
          unitCode: d.commune.code,
          format: 'forum',
          heldOn: '2024-03-05',
          attendees: 20 + i,
        }),
      ).join('\n')
    const stored = async () =>
      Number(
        (await sql<{ n: number }>`select count(*)::int as n from meetings`.execute(t.database.db))
          .rows[0]!.n,
      )
    const many = Math.max(60, await stored())
    await importing(file('many', many), 'application/x-ndjson').expect(200)
    const afterMany = await estimate()
    expect(afterMany).toBe(await stored())

    await importing(file('few', 2), 'application/x-ndjson').expect(200)
    expect(await stored()).toBe(afterMany + 2)
    expect(await estimate()).toBe(afterMany)
  })
})
