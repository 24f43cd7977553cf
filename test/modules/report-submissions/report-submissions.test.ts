// Reports going up the hierarchy, on Chợ Mới (893, An Giang 89): its communes report to the
// district, the district to the province, the province to the country; after the 2025
// reorganisation (the real mapping of its communes) a commune reports straight to its province.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import canonicalize from 'canonicalize'
import * as fontkit from 'fontkit'
import { readFileSync } from 'node:fs'
import { extractText } from 'unpdf'
import { createHash } from 'node:crypto'
import { createTestApp, type TestApp } from '../../support/app.js'
import {
  applyChoMoiReform,
  fixture,
  loadChoMoiUnits,
  recordChoMoi2018,
} from '../../support/cho-moi.js'

let t: TestApp
const communes = fixture.communes.filter((c) => c.district === '893').map((c) => c.code)
const [first, second, third] = communes as [string, string, string]
let districtEditor: string
let siblingEditor: string
let communeEditor: string
let provinceAdmin: string
let start: string
let districtReport: string

/** The text of a PDF answer, pages joined. */
async function pdfText(url: string, key = 'test-admin-key-0123456789', accept = 'application/pdf') {
  const response = await t
    .http()
    .get(url)
    .set(as(key))
    .set('accept', accept)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => done(null, Buffer.concat(chunks)))
    })
    .expect(200)
  expect(response.headers['content-type']).toBe('application/pdf')
  const bytes = response.body as Buffer
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
  const { text } = await extractText(new Uint8Array(bytes), { mergePages: true })
  return text.normalize('NFC').replace(/\s+/g, ' ')
}

const as = (key: string) => ({ authorization: `Bearer ${key}` })
const submit = (body: object, key?: string) => {
  const request = t.http().post('/v1/report-submissions').send(body)
  return key ? request.set(as(key)) : request.set(as('test-admin-key-0123456789'))
}
const decide = (id: string, action: string, etag: string | undefined, key: string, body = {}) => {
  const request = t.http().post(`/v1/report-submissions/${id}/${action}`).set(as(key)).send(body)
  return etag ? request.set('if-match', etag) : request
}

/** A key of `role` confined to the unit with `code` (as of today). */
async function keyFor(role: 'admin' | 'editor' | 'viewer', code: string) {
  const response = await t
    .admin()
    .post('/v1/api-keys')
    .send({ name: `${role} of ${code}`, role, scopeRef: code })
    .expect(201)
  return response.body.key as string
}

beforeAll(async () => {
  t = await createTestApp()
  await loadChoMoiUnits(t)
  await recordChoMoi2018(t)
  districtEditor = await keyFor('editor', '893')
  siblingEditor = await keyFor('editor', '065')
  communeEditor = await keyFor('editor', first)
  provinceAdmin = await keyFor('admin', '89')
  start = (await t.admin().get('/v1/changes?after=now').expect(200)).body.nextCursor
})
afterAll(() => t.close())

describe('a commune’s report to its district', () => {
  let id: string
  let etag: string

  it('freezes the summary with its hash, addressed to the district as of 31 December', async () => {
    const response = await submit(
      { unitRef: first, year: 2018, note: ' Báo cáo năm ' },
      communeEditor,
    ).expect(201)
    const live = await t.admin().get(`/v1/reports/summary?unit=${first}&year=2018`).expect(200)
    const body = response.body
    id = body.id
    etag = response.headers.etag!
    expect(response.headers.location).toBe(`/v1/report-submissions/${id}`)
    expect(body).toMatchObject({
      unit: { code: first },
      year: 2018,
      version: 1,
      status: 'submitted',
      recipient: { code: '893', kind: 'district' },
      submittedBy: { name: `editor of ${first}` },
      deadline: '2018-11-30',
      onTime: false,
      note: 'Báo cáo năm',
      changedSinceSubmission: [],
    })
    expect(body.snapshot).toEqual(live.body)
    const sha = createHash('sha256').update(canonicalize(live.body)!).digest('hex')
    expect(body.snapshotSha256).toBe(sha)
    expect(body.history).toEqual([
      expect.objectContaining({
        action: 'submit',
        by: expect.objectContaining({ name: `editor of ${first}` }),
      }),
    ])
  })

  it('is the one open report of the unit and year', async () => {
    const again = await submit({ unitRef: first, year: 2018 }, districtEditor).expect(409)
    expect(again.body.code).toBe('ALREADY_SUBMITTED')
    expect(again.headers.location).toBe(`/v1/report-submissions/${id}`)
  })

  it('shows what moved since it was sent', async () => {
    const hamlet = await t
      .admin()
      .post('/v1/meetings')
      .send({ unitRef: first, format: 'consultation', heldOn: '2018-06-01', attendees: 7 })
      .expect(201)
    const shown = await t.admin().get(`/v1/report-submissions/${id}`).expect(200)
    expect(shown.body.changedSinceSubmission).toEqual(
      expect.arrayContaining([
        {
          path: 'meetings.consultations',
          submitted: shown.body.snapshot.meetings.consultations,
          now: shown.body.snapshot.meetings.consultations + 1,
        },
      ]),
    )
    // The state did not change: the ETag still names it.
    expect(shown.headers.etag).toBe(etag)
    await t
      .admin()
      .delete(`/v1/meetings/${hamlet.body.id}`)
      .set('if-match', hamlet.headers.etag!)
      .expect(204)
  })

  it('is decided by the level above only, with If-Match', async () => {
    // The commune's own key cannot accept its report; a sibling district cannot even see it.
    expect((await decide(id, 'accept', etag, communeEditor).expect(403)).body.code).toBe(
      'NOT_THE_RECIPIENT',
    )
    await decide(id, 'accept', etag, siblingEditor).expect(404)
    await t.http().get(`/v1/report-submissions/${id}`).set(as(siblingEditor)).expect(404)
    await decide(id, 'accept', undefined, districtEditor).expect(428)
    await decide(id, 'accept', '"stale"', districtEditor).expect(412)
    const viewer = await keyFor('viewer', '893')
    await decide(id, 'accept', etag, viewer).expect(403)
    const accepted = await decide(id, 'accept', etag, districtEditor).expect(200)
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      decidedBy: { name: 'editor of 893' },
    })
    etag = accepted.headers.etag!
  })

  it('moves only along the allowed transitions', async () => {
    const again = await decide(id, 'accept', etag, districtEditor).expect(409)
    expect(again.body.code).toBe('INVALID_TRANSITION')
    await decide(id, 'return', etag, districtEditor, { reason: 'Thiếu số liệu' }).expect(409)
    await decide(id, 'reopen', etag, districtEditor, {}).expect(400)
    const reopened = await decide(id, 'reopen', etag, districtEditor, {
      reason: 'Cần bổ sung diễn đàn',
    }).expect(200)
    expect(reopened.body).toMatchObject({ status: 'reopened', reason: 'Cần bổ sung diễn đàn' })
    expect(reopened.body.history.map((s: { action: string }) => s.action)).toEqual([
      'submit',
      'accept',
      'reopen',
    ])
    await decide(id, 'reopen', reopened.headers.etag, districtEditor, { reason: 'x' }).expect(409)
  })

  it('takes a new version after a reopening, and keeps the earlier ones', async () => {
    const v2 = await submit({ unitRef: first, year: 2018 }, communeEditor).expect(201)
    expect(v2.body.version).toBe(2)
    const returned = await decide(v2.body.id, 'return', v2.headers.etag, districtEditor, {
      reason: 'Sai số liệu',
    }).expect(200)
    expect(returned.body.status).toBe('returned')
    const v3 = await submit({ unitRef: first, year: 2018 }, communeEditor).expect(201)
    expect(v3.body.version).toBe(3)
    const listed = await t
      .http()
      .get(`/v1/report-submissions?unit=${first}&year=2018`)
      .set(as(communeEditor))
      .expect(200)
    expect(listed.body.items.map((s: { version: number }) => s.version)).toEqual([3, 2, 1])
    expect(listed.body.items[0]).not.toHaveProperty('snapshot')
  })
})

describe('up to the province and the country', () => {
  it('sends a district’s report to its province, and a province’s to no one', async () => {
    const district = await submit({ unitRef: '893', year: 2018 }, districtEditor).expect(201)
    districtReport = district.body.id
    expect(district.body).toMatchObject({ recipient: { code: '89' }, deadline: '2018-12-15' })
    expect(district.body.snapshot.certifications.communeLevel).toMatchObject({
      eligible: 18,
      certified: 16,
    })
    // The district's key cannot accept its own report; the province's can.
    await decide(district.body.id, 'accept', district.headers.etag, districtEditor).expect(403)
    await decide(district.body.id, 'accept', district.headers.etag, provinceAdmin).expect(200)

    const province = await submit({ unitRef: '89', year: 2018 }, provinceAdmin).expect(201)
    expect(province.body).toMatchObject({ recipient: null, deadline: '2018-12-31' })
    expect(
      (await decide(province.body.id, 'accept', province.headers.etag, provinceAdmin).expect(403))
        .body.code,
    ).toBe('NOT_THE_RECIPIENT')
    await t
      .admin()
      .post(`/v1/report-submissions/${province.body.id}/accept`)
      .set('if-match', province.headers.etag!)
      .send({})
      .expect(200)
  })

  it('is refused for units that send no report, for a future year, and outside the scope', async () => {
    const hamlets = await t.admin().get(`/v1/units/${second}/children?asOf=2018-12-31`).expect(200)
    const hamlet = hamlets.body.items[0].code
    expect((await submit({ unitRef: hamlet, year: 2018 }).expect(422)).body.code).toBe(
      'NOT_A_REPORTING_UNIT',
    )
    expect((await submit({ unitRef: second, year: 2100 }).expect(422)).body.code).toBe(
      'YEAR_IN_FUTURE',
    )
    await submit({ unitRef: second, year: 2018 }, siblingEditor).expect(403)
    await submit({ unitRef: 'nope', year: 2018 }).expect(404)
    await submit({ unitRef: second }).expect(400)
  })
})

describe('the document', () => {
  it('gives the district’s report as sent, with the article’s figures, in Vietnamese', async () => {
    const text = await pdfText(`/v1/report-submissions/${districtReport}`)
    const shown = await t.admin().get(`/v1/report-submissions/${districtReport}`).expect(200)
    for (const words of [
      'BÁO CÁO',
      'Đơn vị báo cáo: Huyện Chợ Mới (mã 893)',
      'Kính gửi: Tỉnh An Giang (mã 89)',
      'Năm 2018, toàn huyện có 16/18 xã, thị trấn, 36 cơ quan, 6 doanh nghiệp, 91 nhà trường đạt tiêu chuẩn “An toàn về ANTT”.',
      'tổ chức 284 hội nghị'.replace('tổ chức', 'Tổ chức'),
      'tại 142 ấp',
      'phát 10.072 phiếu',
      'đóng góp 921 ý kiến',
      'cảm hóa, giáo dục 1.214 đối tượng',
      'giáo dục trở thành người tốt 542 đối tượng, đưa vào diện quản lý 272 đối tượng',
      'Đã được cấp trên duyệt',
      `Mã băm SHA-256 của số liệu đã gửi: ${shown.body.snapshotSha256}`,
    ])
      expect(text).toContain(words)
  })

  it('has a glyph for every letter it prints', async () => {
    const text = await pdfText(
      `/v1/report-submissions/${districtReport}?format=pdf`,
      districtEditor,
      '*/*',
    )
    const font = fontkit.create(
      readFileSync(new URL('../../../reference-data/fonts/NotoSans-Regular.ttf', import.meta.url)),
    ) as fontkit.Font
    const missing = [...new Set(text)].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!))
    expect(missing).toEqual([])
    for (const letter of ['ư', 'ơ', 'ạ', 'ể', 'Đ', 'ổ', 'ộ']) expect(text).toContain(letter)
  })

  it('prints any summary too', async () => {
    const text = await pdfText('/v1/reports/summary?unit=893&year=2018&format=pdf')
    expect(text).toContain('16/18 xã, thị trấn')
    expect(text).not.toContain('SHA-256')
    const refused = await t
      .admin()
      .get('/v1/reports/summary?unit=893&year=2018&groupBy=child&format=pdf')
      .expect(400)
    expect(refused.body.code).toBe('UNSUPPORTED_FORMAT')
  })
})

describe('completeness', () => {
  it('lists who has reported to the district, who is missing and late', async () => {
    await submit({ unitRef: second, year: 2018 }, districtEditor).expect(201)
    const response = await t
      .http()
      .get('/v1/reports/completeness?unit=893&year=2018')
      .set(as(districtEditor))
      .expect(200)
    const body = response.body
    expect(body.items).toHaveLength(18)
    const byCode = Object.fromEntries(
      body.items.map((i: { unit: { code: string } }) => [i.unit.code, i]),
    )
    expect(byCode[first]).toMatchObject({ status: 'submitted', version: 3, onTime: false })
    expect(byCode[second]).toMatchObject({ status: 'submitted', version: 1 })
    expect(byCode[third]).toMatchObject({ status: 'missing', submissionId: null, onTime: false })
    expect(body.counts).toEqual({
      missing: 16,
      submitted: 2,
      accepted: 0,
      returned: 0,
      reopened: 0,
    })
    expect(body.onTimeRate).toBe(0)
    const provinces = await t.admin().get('/v1/reports/completeness?unit=89&year=2018').expect(200)
    expect(
      provinces.body.items.find((i: { unit: { code: string } }) => i.unit.code === '893'),
    ).toMatchObject({ status: 'accepted' })
    expect(
      (await t.admin().get(`/v1/reports/completeness?unit=${first}&year=2018`).expect(422)).body
        .code,
    ).toBe('NOT_A_RECIPIENT')
  })
})

describe('the feed', () => {
  it('carries every transition, without the snapshot', async () => {
    const response = await t
      .admin()
      .get(`/v1/changes?after=${start}&entity=report-submission&limit=100`)
      .expect(200)
    const actions = response.body.items.map((c: { action: string }) => c.action)
    expect(actions.slice(0, 6)).toEqual([
      'submitted',
      'accepted',
      'reopened',
      'submitted',
      'returned',
      'submitted',
    ])
    expect(response.body.items[0].data).toMatchObject({ status: 'submitted', version: 1 })
    expect(response.body.items[0].data).not.toHaveProperty('snapshot')
    await t
      .admin()
      .post('/v1/webhooks')
      .send({ url: 'https://example.org/hook', events: ['report-submission.accepted'] })
      .expect(201)
  })
})

describe('after the 2025 reorganisation', () => {
  it('has a commune report straight to its province', async () => {
    await applyChoMoiReform(t)
    const merged = fixture.merges[0]!.level2_id
    const response = await submit({ unitRef: merged, year: 2025 }).expect(201)
    expect(response.body).toMatchObject({
      unit: { code: merged, kind: 'commune' },
      recipient: { code: '91', kind: 'province' },
      deadline: '2025-11-30',
    })
    // In 2024 the same code named a commune of district 893.
    const before = await submit({ unitRef: merged, year: 2024 }).expect(201)
    expect(before.body.recipient).toMatchObject({ code: '893' })
  })
})
