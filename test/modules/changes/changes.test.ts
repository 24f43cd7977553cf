// The change feed through the real app: every kind of write appears once, in order, with the
// record as its own endpoint shows it; a key sees only its subtree; cursors page without gaps or
// repeats; a long poll answers when a change commits; retention makes old cursors 410.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { pruneChanges } from '../../../src/modules/changes/index.js'
import { createKey, createTestApp, type TestApp } from '../../support/app.js'
import { createDistrict, createUnit } from '../../support/factories.js'
import { importFile } from '../../support/imports.js'

interface Item {
  cursor: string
  entity: string
  entityId: string
  action: string
  unit: { id: string; code: string | null } | null
  occurredAt: string
  data: Record<string, unknown> | null
}

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
let start: string
beforeAll(async () => {
  t = await createTestApp()
  start = (await t.admin().get('/v1/changes?after=now').expect(200)).body.nextCursor
  d = await createDistrict(t, '61')
})
afterAll(() => t.close())

/** Every change after `after` the agent may see, following nextCursor page by page. */
async function readAll(after: string, query: Record<string, unknown> = {}, key?: string) {
  const items: Item[] = []
  let cursor = after
  for (;;) {
    let request = t
      .http()
      .get('/v1/changes')
      .query({ after: cursor, limit: 7, ...query })
    request = request.set('authorization', `Bearer ${key ?? 'test-admin-key-0123456789'}`)
    const page = await request.expect(200)
    items.push(...(page.body.items as Item[]))
    cursor = page.body.nextCursor
    if (page.body.items.length === 0) return { items, cursor }
  }
}

const typesOf = (items: Item[]) => items.map((i) => `${i.entity}.${i.action}`)

describe('GET /v1/changes', () => {
  it('holds every kind of write, once, with the record after it', async () => {
    const from = (await t.admin().get('/v1/changes?after=now').expect(200)).body.nextCursor

    const hamlet = await createUnit(t, {
      code: '61101-A9',
      name: 'Ấp Chín',
      kind: 'hamlet',
      parentCode: d.commune.code,
      validFrom: '2000-01-01',
    })
    const shownHamlet = await t.admin().get(`/v1/units/${hamlet.id}`).expect(200)
    const renamed = await t
      .admin()
      .patch(`/v1/units/${hamlet.id}`)
      .set('if-match', shownHamlet.headers.etag!)
      .send({ name: 'Ấp Chín Mới' })
      .expect(200)
    await t.admin().delete(`/v1/units/${hamlet.id}`).expect(204)
    await t
      .admin()
      .post('/v1/unit-changes')
      .send({
        type: 'rename',
        effectiveDate: '2020-01-01',
        legalBasis: 'Nghị quyết 1/NQ',
        from: [d.otherCommune.code],
        to: [{ name: 'Phường Ba Mới' }],
      })
      .expect(201)
    const certification = await t
      .admin()
      .put(`/v1/units/${d.hamlet.code}/certifications/2018`)
      .send({ result: 'certified', decisionNumber: '1/QĐ', issuedBy: 'UBND xã' })
      .expect(201)
    const meeting = await t
      .admin()
      .post('/v1/meetings')
      .send({ unitRef: d.hamlet.code, format: 'forum', heldOn: '2018-05-10', attendees: 40 })
      .expect(201)
    const meetingPath = `/v1/meetings/${meeting.body.id}`
    await t
      .admin()
      .patch(meetingPath)
      .set('if-match', meeting.headers.etag!)
      .send({ attendees: 41 })
      .expect(200)
    await t.admin().delete(meetingPath).expect(204)
    await t
      .admin()
      .put(`/v1/units/${d.commune.code}/reeducation/2018`)
      .send({ reEducated: 7, reformed: 3, underManagement: 1 })
      .expect(201)
    await t
      .admin()
      .post('/v1/campaigns')
      .send({
        code: 'C-61',
        name: 'Thi đua',
        year: 2018,
        scopeRef: d.district.code,
        targets: [{ metric: 'certifiedRate', op: '>=', value: 0.5 }],
      })
      .expect(201)
    await t.admin().delete('/v1/campaigns/C-61').expect(204)
    const imported = await importFile(
      () => t,
      'certifications',
    )(`unitCode,year,result\r\n${d.newHamlet.code},2021,certified\r\n`).expect(200)

    const { items } = await readAll(from)
    const types = typesOf(items)
    for (const type of [
      'unit.created',
      'unit.updated',
      'unit.deleted',
      'unit-change.applied',
      'certification.created',
      'meeting.created',
      'meeting.updated',
      'meeting.deleted',
      'reeducation.created',
      'campaign.created',
      'campaign.deleted',
      'import.created',
    ])
      expect(types).toContain(type)
    expect(new Set(items.map((i) => i.cursor)).size).toBe(items.length)

    // A reorganisation shows as itself and as the units it closed and created.
    const renamed2020 = items.filter(
      (i) => i.entity === 'unit' && i.data?.code === d.otherCommune.code,
    )
    expect(renamed2020.map((i) => [i.action, i.data?.name, i.data?.validTo])).toEqual([
      ['updated', d.otherCommune.name, '2019-12-31'],
      ['created', 'Phường Ba Mới', null],
    ])
    const ofHamlet = items.filter((i) => i.entity === 'unit' && i.entityId === hamlet.id)
    expect(ofHamlet.map((i) => i.action)).toEqual(['created', 'updated', 'deleted'])
    expect(ofHamlet[1]!.data).toEqual(renamed.body)
    expect(ofHamlet[2]).toMatchObject({ data: null, unit: { id: hamlet.id, code: '61101-A9' } })
    const certified = items.find((i) => i.entity === 'certification' && i.action === 'created')!
    expect(certified.data).toEqual(certification.body)
    expect(certified.unit).toEqual({ id: d.hamlet.id, code: d.hamlet.code })
    const created = items.find((i) => i.entity === 'meeting' && i.action === 'created')!
    expect(created.data).toEqual(meeting.body)
    const importedRow = items.filter(
      (i) => i.entity === 'certification' && i.unit?.id === d.newHamlet.id,
    )
    expect(importedRow).toHaveLength(1)
    expect(items.find((i) => i.entity === 'import')!.entityId).toBe(imported.body.id)
    // A write that failed left nothing in the feed.
    await t.admin().post('/v1/meetings').send({ unitRef: 'none', format: 'forum' }).expect(400)
    expect((await readAll(from)).items).toHaveLength(items.length)
  })

  it('pages with no change missed or repeated, and the filters narrow it', async () => {
    const { items: all } = await readAll(start, { limit: 1000 })
    const { items: paged } = await readAll(start)
    expect(paged.map((i) => i.cursor)).toEqual(all.map((i) => i.cursor))
    expect(all.length).toBeGreaterThan(20)

    const meetings = (await readAll(start, { entity: ['meeting', 'campaign'] })).items
    expect(new Set(meetings.map((i) => i.entity))).toEqual(new Set(['meeting', 'campaign']))
    expect(meetings).toHaveLength(
      all.filter((i) => ['meeting', 'campaign'].includes(i.entity)).length,
    )

    const under = (await readAll(start, { under: d.otherDistrict.code })).items
    expect(under.length).toBeGreaterThan(0)
    // Every version of a unit in the other district has a code starting with its code.
    for (const item of under)
      expect(item.unit!.code).toMatch(new RegExp(`^${d.otherDistrict.code}`))
  })

  it('shows a scoped key its subtree and the national changes only', async () => {
    const key = await createKey(t, 'viewer', d.otherDistrict.id)
    const { items } = await readAll(start, {}, key)
    const { items: all } = await readAll(start)
    const inOther = (i: Item) => i.unit === null || i.unit.code!.startsWith(d.otherDistrict.code)
    expect(items.length).toBeGreaterThan(0)
    expect(items.every(inOther)).toBe(true)
    expect(items).toHaveLength(all.filter(inOther).length)
    // A unit outside the scope is not even named.
    const outside = await t
      .http()
      .get('/v1/changes')
      .query({ under: d.district.code })
      .set('authorization', `Bearer ${key}`)
      .expect(404)
    expect(outside.body.code).toBe('UNIT_NOT_FOUND')
  })

  it('refuses cursors it did not issue, and bad parameters, with 400', async () => {
    for (const after of ['x', 'WyJhIiwxXQ', Buffer.from('["-1",1]').toString('base64url')]) {
      const response = await t.admin().get('/v1/changes').query({ after }).expect(400)
      expect(response.body).toMatchObject({ code: 'INVALID_CURSOR' })
      expect(response.body.errors[0].pointer).toBe('after')
    }
    await t.admin().get('/v1/changes?wait=31').expect(400)
    await t.admin().get('/v1/changes?entity=api-key').expect(400)
    await t.http().get('/v1/changes').expect(401)
  })

  it('answers a long poll as soon as a change commits, and an idle one when it times out', async () => {
    const now = (await t.admin().get('/v1/changes?after=now').expect(200)).body.nextCursor
    const began = Date.now()
    const idle = await t.admin().get('/v1/changes').query({ after: now, wait: 1 }).expect(200)
    expect(Date.now() - began).toBeGreaterThanOrEqual(900)
    expect(idle.body).toEqual({ items: [], nextCursor: now })

    const waiting = t
      .admin()
      .get('/v1/changes')
      .query({ after: now, wait: 20 })
      .then((r) => r)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = Date.now()
    await createUnit(t, {
      code: '61101-B1',
      name: 'Ấp B',
      kind: 'hamlet',
      parentCode: d.commune.code,
      validFrom: '2000-01-01',
    })
    const answer = await waiting
    expect(answer.status).toBe(200)
    expect(Date.now() - sent).toBeLessThan(5000)
    expect(answer.body.items.map((i: Item) => i.data?.code)).toEqual(['61101-B1'])
  })

  it('forgets changes past the retention, and answers 410 to a cursor from before', async () => {
    const { items } = await readAll(start)
    const old = items[4]!
    // The six oldest changes become 100 days old.
    await sql`update audit_events set occurred_at = now() - interval '100 days'
      where id in (select audit_event_id from changes
        where (txid, audit_event_id) <= (select txid, audit_event_id from changes
          order by txid, audit_event_id offset 5 limit 1))`.execute(t.database.db)
    expect(await pruneChanges(t.database.db, 90)).toBeGreaterThan(0)
    const expired = await t.admin().get('/v1/changes').query({ after: old.cursor }).expect(410)
    expect(expired.body.code).toBe('CURSOR_EXPIRED')
    expect(expired.headers['content-type']).toMatch(/^application\/problem\+json/)
    // From the start: the oldest change kept, then on as before.
    const kept = (await t.admin().get('/v1/changes?limit=1000').expect(200)).body.items as Item[]
    expect(kept.map((i) => i.cursor)).toEqual(
      items.slice(items.length - kept.length).map((i) => i.cursor),
    )
  })
  it('considers a bounded window of changes a read, and moves a narrow reader past it', async () => {
    const from = (await t.admin().get('/v1/changes?after=now').expect(200)).body.nextCursor
    // 10,050 changes of one kind, in one statement, then one of another kind.
    await sql`insert into audit_events (actor_name, action, entity, entity_id)
      select 'test', 'create', 'meeting', 'bulk-' || n from generate_series(1, 10050) n`.execute(
      t.database.db,
    )
    await t
      .admin()
      .post('/v1/campaigns')
      .send({
        code: 'C-61-WINDOW',
        name: 'Thi đua',
        year: 2019,
        scopeRef: d.district.code,
        targets: [{ metric: 'forumCount', op: '>=', value: 1 }],
      })
      .expect(201)
    const first = await t
      .admin()
      .get('/v1/changes')
      .query({ after: from, entity: 'campaign', wait: 5 })
      .expect(200)
    expect(first.body.items).toEqual([]) // answered at once: the window was full
    const second = await t
      .admin()
      .get('/v1/changes')
      .query({ after: first.body.nextCursor, entity: 'campaign' })
      .expect(200)
    expect(second.body.items.map((i: Item) => i.entityId)).toHaveLength(1)
    expect(second.body.items[0].data.code).toBe('C-61-WINDOW')
  })
})
