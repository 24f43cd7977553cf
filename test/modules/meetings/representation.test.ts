// A meeting is written as JSON in two places, both derived from its one declaration
// (meetings.record.ts): toMeeting (reads, responses and their ETags) and meetingJson in SQL (the
// audit's before and after, which the writer builds from the written rows). Both must agree.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict } from '../../support/factories.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '73')
})
afterAll(() => t.close())

describe('the two writings of a meeting', () => {
  it('agree for every measure, note and reference, for admin and scoped keys', async () => {
    const scoped = await createKey(t, 'editor', d.district.id)
    const bodies = [
      { unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-05-10', attendees: 0 },
      {
        unitRef: d.commune.id,
        format: 'consultation',
        heldOn: '2019-12-31',
        attendees: 10000000,
        formsDistributed: 0,
        formsReturned: 12,
        opinionsReceived: 3,
        opinionsAnsweredOnSite: 1,
        opinionsReferred: 2,
        tipsReceived: 0,
        externalId: '  HN-2019/“12”  ',
        note: ' Hội nghị "đối thoại" \\ tab\there 😀 ',
      },
      { unitRef: d.district.code, format: 'consultation', heldOn: '2020-02-29', attendees: 7 },
    ]
    for (const [i, body] of bodies.entries()) {
      const agent = i === 1 ? t.http().set('authorization', `Bearer ${scoped}`) : t.admin()
      const response = await agent.post('/v1/meetings').send(body).expect(201)
      const shown = await t.admin().get(`/v1/meetings/${response.body.id}`).expect(200)
      expect(response.body).toEqual(shown.body)
      expect(response.headers.etag).toBe(shown.headers.etag)
      const events = (
        await t
          .admin()
          .get(`/v1/audit-events?entity=meeting&entityId=${response.body.id}`)
          .expect(200)
      ).body.items as { action: string; unitId: string; after: unknown; before: unknown }[]
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        action: 'create',
        unitId: shown.body.unit.id,
        before: null,
      })
      expect(events[0]!.after).toEqual(shown.body)
      // A PATCH goes through the same writer: its audit holds the meeting before and after.
      const patched = await t
        .admin()
        .patch(`/v1/meetings/${response.body.id}`)
        .set('if-match', shown.headers.etag!)
        .send({ attendees: 5, note: null, formsReturned: 4 })
        .expect(200)
      const after = await t.admin().get(`/v1/meetings/${response.body.id}`).expect(200)
      expect(patched.body).toEqual(after.body)
      const update = (
        await t
          .admin()
          .get(`/v1/audit-events?entity=meeting&entityId=${response.body.id}&action=update`)
          .expect(200)
      ).body.items
      expect(update).toHaveLength(1)
      expect(update[0].before).toEqual(shown.body)
      expect(update[0].after).toEqual(after.body)
    }
  })
})
