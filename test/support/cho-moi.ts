// Chợ Mới district (An Giang, code 893) from the official lists, and its 2018 movement records as
// the district's report of 27/05/2019 gives them, recorded through the API. The report's figures
// are the expected results; the records are spread over the 18 commune-level units.
import { readFile } from 'node:fs/promises'
import {
  ARTICLE_2018,
  type Send,
  recordChoMoi2018 as recordThrough,
  spread,
} from '../../src/demo/cho-moi-2018.js'
import { ADMIN_KEY, type TestApp } from './app.js'

export { ARTICLE_2018, spread }

export interface ChoMoiFixture {
  provinces: { code: string; name: string }[]
  districts: { code: string; name: string; province: string }[]
  communes: { code: string; name: string; type: string; district: string }[]
  merges: {
    level2_id: string
    name: string
    merges: { old_id: string; type: 'full' | 'partial' }[]
  }[]
}

export const fixture = JSON.parse(
  await readFile(new URL('../fixtures/cho-moi.json', import.meta.url), 'utf8'),
) as ChoMoiFixture
const KIND: Record<string, string> = { Xã: 'commune', Phường: 'ward', 'Thị trấn': 'town' }
export const REFORM = { effectiveDate: '2025-07-01', legalBasis: 'Nghị quyết 1654/NQ-UBTVQH15' }

/** Provinces 06, 89, 91; districts 065 (Bắc Kạn) and 893 (An Giang); their communes. */
export async function loadChoMoiUnits(t: TestApp) {
  const post = async (body: object) => {
    const response = await adminSend(t)('POST', '/v1/units', body)
    if (response.status !== 201) throw new Error(JSON.stringify(response.body))
  }
  for (const p of fixture.provinces) await post({ code: p.code, name: p.name, kind: 'province' })
  for (const d of fixture.districts)
    await post({ code: d.code, name: d.name, kind: 'district', parentCode: d.province })
  for (const c of fixture.communes) {
    // In 2018 Hội An was still a commune (Xã); it became a town on 2023-04-10.
    const hoiAn = c.code === '30673'
    await post({
      code: c.code,
      name: hoiAn ? 'Xã Hội An' : c.name,
      kind: hoiAn ? 'commune' : KIND[c.type],
      parentCode: c.district,
    })
  }
}

/**
 * The 2025 reorganisation of Chợ Mới: An Giang (89) and Kiên Giang (91) merge into a new An Giang
 * under code 91, closing the districts; then the 18 commune-level units merge into 6 communes
 * under it, each reusing a member's code and carrying its hamlets and bodies over.
 */
export async function applyChoMoiReform(t: TestApp) {
  const change = (body: object) => send(t.admin().post('/v1/unit-changes').send(body), 201)
  await change({
    type: 'merge',
    ...REFORM,
    from: ['89', '91'],
    to: [{ code: '91', name: 'Tỉnh An Giang', kind: 'province' }],
    children: 'close',
  })
  for (const merge of fixture.merges) {
    await change({
      type: 'merge',
      ...REFORM,
      from: merge.merges.map((m) => ({ ref: m.old_id, coverage: m.type })),
      to: [{ code: merge.level2_id, name: merge.name, kind: 'commune', parentCode: '91' }],
    })
  }
}

async function send(request: PromiseLike<{ status: number; body: unknown }>, expected: number) {
  const response = await request
  if (response.status !== expected)
    throw new Error(
      `expected ${expected}, got ${response.status}: ${JSON.stringify(response.body)}`,
    )
}

/** The admin's requests through the test app (injected: a fixture of hundreds of requests). */
export const adminSend =
  (t: TestApp): Send =>
  async (method, url, body) => {
    const response = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      ...(method === 'GET' ? {} : { payload: body as object }),
    })
    return { status: response.statusCode, body: response.payload ? response.json() : {} }
  }

/** Chợ Mới's 2018 records (src/demo), through the test app. */
export const recordChoMoi2018 = (t: TestApp) => recordThrough(adminSend(t))

/** Records that must not count in Chợ Mới (893) 2018: another district, and other years. */
export async function recordNoise(t: TestApp) {
  const other = fixture.communes.find((c) => c.district === '065')!.code
  await send(
    t.admin().put(`/v1/units/${other}/certifications/2018`).send({ result: 'certified' }),
    201,
  )
  await send(
    t
      .admin()
      .post('/v1/meetings')
      .send({ unitRef: other, format: 'forum', heldOn: '2018-03-03', attendees: 99 }),
    201,
  )
  await send(
    t
      .admin()
      .put(`/v1/units/${other}/reeducation/2018`)
      .send({ reEducated: 9, reformed: 9, underManagement: 9 }),
    201,
  )
  const inside = fixture.communes.find((c) => c.district === '893')!.code
  for (const year of [2017, 2019]) {
    await send(
      t.admin().put(`/v1/units/${inside}/certifications/${year}`).send({ result: 'certified' }),
      201,
    )
    await send(
      t
        .admin()
        .post('/v1/meetings')
        .send({ unitRef: inside, format: 'forum', heldOn: `${year}-06-01`, attendees: 77 }),
      201,
    )
    await send(
      t
        .admin()
        .put(`/v1/units/${inside}/reeducation/${year}Q4`)
        .send({ reEducated: 5, reformed: 1, underManagement: 1 }),
      201,
    )
  }
}
