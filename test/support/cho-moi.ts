// Chợ Mới district (An Giang, code 893) from the official lists, and its 2018 movement records as
// the district's report of 27/05/2019 gives them, recorded through the API. The report's figures
// are the expected results; the records are spread over the 18 commune-level units.
import { readFile } from 'node:fs/promises'
import type { TestApp } from './app.js'

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

/** The 2018 figures of the article (and the attendee count behind its "more than 10,000"). */
export const ARTICLE_2018 = {
  communeLevel: { eligible: 18, certified: 16 },
  agencies: 36,
  businesses: 6,
  schools: 91,
  forums: 284,
  hamletsCovered: 142,
  consultations: 6,
  attendees: 10_213,
  formsDistributed: 10_072,
  opinionsReceived: 921,
  reEducated: 1_214,
  reformed: 542,
  underManagement: 272,
}

/** Provinces 06, 89, 91; districts 065 (Bắc Kạn) and 893 (An Giang); their communes. */
export async function loadChoMoiUnits(t: TestApp) {
  const post = async (body: object) => {
    const response = await t.admin().post('/v1/units').send(body)
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

/** `total` split into `parts` whole numbers that differ by at most one. */
export function spread(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  )
}

const pad = (n: number) => String(n).padStart(2, '0')

async function send(request: PromiseLike<{ status: number; body: unknown }>, expected: number) {
  const response = await request
  if (response.status !== expected)
    throw new Error(
      `expected ${expected}, got ${response.status}: ${JSON.stringify(response.body)}`,
    )
}

/**
 * Records Chợ Mới's 2018 data: hamlets (142 of 150 host two forums each; 125 certified),
 * agencies, businesses and schools (some not certified), 16 of 18 communes certified, 6
 * consultations, and re-education counts, yearly for most communes and quarterly for the rest
 * (two communes have both, which must not be added twice). Returns the hamlet codes.
 */
export async function recordChoMoi2018(t: TestApp) {
  const communes = fixture.communes.filter((c) => c.district === '893').map((c) => c.code)
  const unit = (body: object) => send(t.admin().post('/v1/units').send(body), 201)
  const certify = (code: string, certified: boolean, extra: object = {}) =>
    send(
      t
        .admin()
        .put(`/v1/units/${code}/certifications/2018`)
        .send({ result: certified ? 'certified' : 'not_certified', ...extra }),
      201,
    )

  const hamlets: string[] = []
  const perCommune = spread(150, communes.length)
  for (const [i, commune] of communes.entries()) {
    for (let n = 1; n <= perCommune[i]!; n++) {
      const code = `${commune}-A${pad(n)}`
      await unit({ code, name: `Ấp ${n}`, kind: 'hamlet', parentCode: commune })
      hamlets.push(code)
    }
  }
  for (const [i, code] of hamlets.entries()) await certify(code, i < 125)

  const bodies = [
    ['agency', 'CQ', 40, ARTICLE_2018.agencies],
    ['business', 'DN', 8, ARTICLE_2018.businesses],
    ['school', 'TH', 95, ARTICLE_2018.schools],
  ] as const
  for (const [kind, prefix, count, certified] of bodies) {
    for (let n = 1; n <= count; n++) {
      // Each hangs under a commune, so that every record rolls up into today's communes.
      const parentCode = communes[n % communes.length]!
      const code = `893-${prefix}${pad(n)}`
      await unit({ code, name: `${prefix} ${n}`, kind, parentCode })
      await certify(code, n <= certified, { movementRating: n <= certified ? 'good' : 'average' })
    }
  }
  for (const [i, code] of communes.entries())
    await certify(code, i < 16, {
      movementRating: i < 16 ? 'excellent' : 'average',
      decisionNumber: `${100 + i}/QĐ-UBND`,
      decisionDate: '2018-12-25',
      issuedBy: 'UBND huyện Chợ Mới',
    })

  // 284 forums: two in each of the first 142 hamlets; then 6 consultations at commune level.
  const meetings = ARTICLE_2018.forums + ARTICLE_2018.consultations
  const attendees = spread(ARTICLE_2018.attendees, meetings)
  const forms = spread(ARTICLE_2018.formsDistributed, meetings)
  const opinions = spread(ARTICLE_2018.opinionsReceived, meetings)
  for (let m = 0; m < meetings; m++) {
    const forum = m < ARTICLE_2018.forums
    const body = {
      unitRef: forum ? hamlets[m % ARTICLE_2018.hamletsCovered] : communes[m % communes.length],
      format: forum ? 'forum' : 'consultation',
      heldOn: forum ? `2018-${pad((m % 12) + 1)}-15` : '2018-11-20',
      attendees: attendees[m],
      formsDistributed: forms[m],
      opinionsReceived: opinions[m],
      externalId: `893-2018-${m + 1}`,
    }
    await send(t.admin().post('/v1/meetings').send(body), 201)
  }

  // Re-education: yearly records for 12 communes, quarterly ones for 6; the first two communes
  // also have quarterly records that repeat their yearly figures.
  const split = (total: number) => spread(total, communes.length)
  const [reEducated, reformed, managed] = [
    split(ARTICLE_2018.reEducated),
    split(ARTICLE_2018.reformed),
    split(ARTICLE_2018.underManagement),
  ]
  const reeducation = (code: string, period: string, body: object) =>
    send(t.admin().put(`/v1/units/${code}/reeducation/${period}`).send(body), 201)
  for (const [i, code] of communes.entries()) {
    const year = {
      reEducated: reEducated[i]!,
      reformed: reformed[i]!,
      underManagement: managed[i]!,
    }
    const quarters = [
      spread(year.reEducated, 4),
      spread(year.reformed, 4),
      spread(year.underManagement, 4),
    ]
    const quarterly = i >= 12 || i < 2
    if (i < 12) await reeducation(code, '2018', year)
    if (quarterly)
      for (let q = 0; q < 4; q++)
        await reeducation(code, `2018Q${q + 1}`, {
          reEducated: quarters[0]![q],
          reformed: quarters[1]![q],
          underManagement: quarters[2]![q],
        })
  }
  return { communes, hamlets }
}

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
