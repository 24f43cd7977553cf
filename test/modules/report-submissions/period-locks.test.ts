// An accepted report locks its year's records in the unit's subtree on every write path — single
// items, PATCH, DELETE, withdrawals and imports — and reopening lifts the lock. On PostgreSQL,
// writers racing an acceptance: every write answered 2xx is committed, none after the acceptance.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createTestApp, type TestApp } from '../../support/app.js'
import { onServer } from '../../support/database.js'
import { createDistrict } from '../../support/factories.js'
import { importFile, rowErrors } from '../../support/imports.js'

let t: TestApp
let d: Awaited<ReturnType<typeof createDistrict>>
let submission: { id: string; etag: string }
const post = (url: string, body: object) => t.admin().post(url).send(body)

async function submitAndAccept(unit: string, year: number) {
  const sent = await post('/v1/report-submissions', { unitRef: unit, year }).expect(201)
  const accepted = await t
    .admin()
    .post(`/v1/report-submissions/${sent.body.id}/accept`)
    .set('if-match', sent.headers.etag!)
    .send({})
    .expect(200)
  return { id: sent.body.id as string, etag: accepted.headers.etag! }
}

const locked = (response: { status: number; body: { code?: string }; headers: object }) => {
  expect([response.status, response.body.code]).toEqual([409, 'PERIOD_LOCKED'])
  expect((response.headers as Record<string, string>).location).toBe(
    `/v1/report-submissions/${submission.id}`,
  )
}

let meeting2023: { id: string; etag: string }
let meeting2022: { id: string; etag: string }
let certEtag: string
let reeducationEtag: string

beforeAll(async () => {
  t = await createTestApp()
  d = await createDistrict(t, '71')
  const hamlet = d.hamlet.code
  certEtag = (
    await t
      .admin()
      .put(`/v1/units/${hamlet}/certifications/2023`)
      .send({ result: 'certified' })
      .expect(201)
  ).headers.etag!
  reeducationEtag = (
    await t
      .admin()
      .put(`/v1/units/${d.commune.code}/reeducation/2023`)
      .send({ reEducated: 3, reformed: 1, underManagement: 1 })
      .expect(201)
  ).headers.etag!
  const m = (heldOn: string) =>
    post('/v1/meetings', { unitRef: hamlet, format: 'forum', heldOn, attendees: 30 }).expect(201)
  const a = await m('2023-05-05')
  meeting2023 = { id: a.body.id, etag: a.headers.etag! }
  const b = await m('2022-05-05')
  meeting2022 = { id: b.body.id, etag: b.headers.etag! }
  submission = await submitAndAccept(d.commune.code, 2023)
})
afterAll(() => t.close())

describe('while the commune’s 2023 report is accepted', () => {
  it('refuses new and changed records of 2023 below it, one by one', async () => {
    locked(
      await t
        .admin()
        .put(`/v1/units/${d.hamlet.code}/certifications/2023`)
        .set('if-match', certEtag)
        .send({ result: 'not_certified' }),
    )
    locked(
      await t
        .admin()
        .put(`/v1/units/${d.newHamlet.code}/certifications/2023`)
        .send({ result: 'certified' }),
    )
    locked(
      await post('/v1/meetings', {
        unitRef: d.hamlet.code,
        format: 'forum',
        heldOn: '2023-09-09',
        attendees: 5,
      }),
    )
    locked(
      await post('/v1/meetings', {
        unitRef: d.commune.code,
        format: 'consultation',
        heldOn: '2023-09-09',
        attendees: 5,
      }),
    )
    locked(
      await t
        .admin()
        .patch(`/v1/meetings/${meeting2023.id}`)
        .set('if-match', meeting2023.etag)
        .send({ attendees: 31 }),
    )
    // Into the locked year, and out of it.
    locked(
      await t
        .admin()
        .patch(`/v1/meetings/${meeting2022.id}`)
        .set('if-match', meeting2022.etag)
        .send({ heldOn: '2023-01-02' }),
    )
    locked(
      await t
        .admin()
        .patch(`/v1/meetings/${meeting2023.id}`)
        .set('if-match', meeting2023.etag)
        .send({ heldOn: '2022-12-31' }),
    )
    locked(
      await t.admin().delete(`/v1/meetings/${meeting2023.id}`).set('if-match', meeting2023.etag),
    )
    locked(
      await t
        .admin()
        .delete(`/v1/units/${d.hamlet.code}/certifications/2023?reason=Sai`)
        .set('if-match', certEtag),
    )
    locked(
      await t
        .admin()
        .put(`/v1/units/${d.commune.code}/reeducation/2023`)
        .set('if-match', reeducationEtag)
        .send({ reEducated: 9, reformed: 1, underManagement: 1 }),
    )
    locked(
      await t
        .admin()
        .put(`/v1/units/${d.commune.code}/reeducation/2023Q1`)
        .send({ reEducated: 1, reformed: 0, underManagement: 0 }),
    )
    locked(
      await t
        .admin()
        .delete(`/v1/units/${d.commune.code}/reeducation/2023`)
        .set('if-match', reeducationEtag),
    )
    // Nothing moved.
    const stored = await t.admin().get(`/v1/meetings/${meeting2023.id}`).expect(200)
    expect(stored.body).toMatchObject({ attendees: 30, heldOn: '2023-05-05' })
  })

  it('refuses them row by row in imports, and writes nothing', async () => {
    const certs = await importFile(
      () => t,
      'certifications',
    )(
      `unitCode,year,result\n${d.newHamlet.code},2023,certified\n${d.newHamlet.code},2022,certified\n`,
    ).expect(422)
    expect(rowErrors(certs.body)).toEqual([[1, '/unitCode', 'PERIOD_LOCKED']])
    const meetings = await importFile(
      () => t,
      'meetings',
    )(
      `externalId,unitCode,format,heldOn,attendees\nx-1,${d.hamlet.code},forum,2023-04-04,10\nx-2,${d.hamlet.code},forum,2022-04-04,10\n`,
    ).expect(422)
    expect(rowErrors(meetings.body)).toEqual([[1, '/externalId', 'PERIOD_LOCKED']])
    const counts = await importFile(
      () => t,
      'reeducation',
    )(
      `unitCode,period,reEducated,reformed,underManagement\n${d.commune.code},2023Q2,1,0,0\n`,
    ).expect(422)
    expect(rowErrors(counts.body)).toEqual([[1, '/unitCode', 'PERIOD_LOCKED']])
    const listed = await t.admin().get(`/v1/meetings?unit=${d.hamlet.code}&limit=100`).expect(200)
    expect(listed.body.items).toHaveLength(2)
  })

  it('leaves other years, other subtrees and the unit registry open', async () => {
    await post('/v1/meetings', {
      unitRef: d.hamlet.code,
      format: 'forum',
      heldOn: '2022-09-09',
      attendees: 5,
    }).expect(201)
    await post('/v1/meetings', {
      unitRef: d.otherCommune.code,
      format: 'forum',
      heldOn: '2023-09-09',
      attendees: 5,
    }).expect(201)
    await t
      .admin()
      .put(`/v1/units/${d.hamlet.code}/certifications/2022`)
      .send({ result: 'certified' })
      .expect(201)
    const unit = await t.admin().get(`/v1/units/${d.hamlet.code}`).expect(200)
    await t
      .admin()
      .patch(`/v1/units/${d.hamlet.code}`)
      .set('if-match', unit.headers.etag!)
      .send({ name: 'Ấp Một Mới' })
      .expect(200)
  })

  it('opens them again once the report is reopened', async () => {
    await t
      .admin()
      .post(`/v1/report-submissions/${submission.id}/reopen`)
      .set('if-match', submission.etag)
      .send({ reason: 'Bổ sung số liệu' })
      .expect(200)
    // The hamlet was renamed meanwhile: the meeting's ETag with it.
    const current = await t.admin().get(`/v1/meetings/${meeting2023.id}`).expect(200)
    await t
      .admin()
      .patch(`/v1/meetings/${meeting2023.id}`)
      .set('if-match', current.headers.etag!)
      .send({ attendees: 31 })
      .expect(200)
    await importFile(
      () => t,
      'certifications',
    )(`unitCode,year,result\n${d.newHamlet.code},2023,certified\n`).expect(200)
  })
})

const describeOnServer = onServer ? describe : describe.skip
describeOnServer('writers racing an acceptance (PostgreSQL)', () => {
  it('commits every write answered 2xx, and none after the acceptance', async () => {
    const unit = d.otherCommune.code
    const sent = await post('/v1/report-submissions', { unitRef: unit, year: 2023 }).expect(201)
    const count = async () =>
      (
        await t
          .admin()
          .get(`/v1/meetings?unit=${unit}&from=2023-06-01&to=2023-06-30&limit=1000`)
          .expect(200)
      ).body.items.length as number
    let atAcceptance = -1
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    // Writers go out one a millisecond; the acceptance in the middle of them.
    const writers = Array.from({ length: 50 }, (_, i) =>
      pause(i).then(() =>
        post('/v1/meetings', {
          unitRef: unit,
          format: 'consultation',
          heldOn: '2023-06-15',
          attendees: i + 1,
        }).then((r) => r.status),
      ),
    )
    await pause(20)
    const accept = t
      .admin()
      .post(`/v1/report-submissions/${sent.body.id}/accept`)
      .set('if-match', sent.headers.etag!)
      .send({})
      .then(async (r) => {
        atAcceptance = await count()
        return r.status
      })
    const statuses = await Promise.all(writers)
    expect(await accept).toBe(200)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    const written = statuses.filter((s) => s === 201).length
    expect(await count()).toBe(written)
    expect(atAcceptance).toBe(written)
  })

  it('lets one of two racing accepts through', async () => {
    const unit = d.district.code
    const sent = await post('/v1/report-submissions', { unitRef: unit, year: 2023 }).expect(201)
    const accept = () =>
      t
        .admin()
        .post(`/v1/report-submissions/${sent.body.id}/accept`)
        .set('if-match', sent.headers.etag!)
        .send({})
        .then((r) => r.status)
    const statuses = (await Promise.all([accept(), accept()])).sort()
    expect(statuses[0]).toBe(200)
    expect([409, 412]).toContain(statuses[1])
  })
})
