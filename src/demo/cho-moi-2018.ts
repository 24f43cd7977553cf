// Chợ Mới district (An Giang, code 893) in 2018 as its report of 27/05/2019 gives it, recorded
// through the API: hamlets, agencies, businesses and schools with their certifications, forums
// and consultations, re-education counts. The report's figures (ARTICLE_2018) are what the
// district's summary must then answer. Recording twice changes nothing: every write is one the
// API accepts again as "already there" (an existing code, an unchanged PUT, a known externalId).

/** One request to the API as an admin; the demo sends it in-process, tests through their agent. */
export type Send = (
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: object,
) => Promise<{ status: number; body: unknown }>

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

export const DISTRICT = '893'

/** `total` split into `parts` whole numbers that differ by at most one. */
export function spread(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  )
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Sends and accepts a new record or one that was already there; anything else is an error. */
function writer(send: Send) {
  return async (method: 'POST' | 'PUT', url: string, body: object) => {
    const response = await send(method, url, body)
    const code = (response.body as { code?: string } | null)?.code
    const alreadyThere =
      response.status === 200 ||
      (response.status === 409 && (code === 'DUPLICATE_EXTERNAL_ID' || code === 'CODE_OVERLAP'))
    if (response.status !== 201 && !alreadyThere)
      throw new Error(
        `${method} ${url} answered ${response.status}: ${JSON.stringify(response.body)}`,
      )
  }
}

/** The commune-level units of Chợ Mới in 2018, by code. */
export async function choMoiCommunes(send: Send): Promise<string[]> {
  const response = await send('GET', `/v1/units/${DISTRICT}/children?asOf=2018-06-30&limit=100`)
  if (response.status !== 200)
    throw new Error(`Chợ Mới district (${DISTRICT}) is not there: load the national list first`)
  return (response.body as { items: { code: string }[] }).items.map((u) => u.code).sort()
}

/**
 * Records Chợ Mới's 2018 data: hamlets (142 of 150 host two forums each; 125 certified),
 * agencies, businesses and schools (some not certified), 16 of 18 communes certified, 6
 * consultations, and re-education counts, yearly for most communes and quarterly for the rest
 * (two communes have both, which must not be added twice). Returns the codes it used.
 */
export async function recordChoMoi2018(send: Send) {
  const write = writer(send)
  const communes = await choMoiCommunes(send)
  const certify = (code: string, certified: boolean, extra: object = {}) =>
    write('PUT', `/v1/units/${code}/certifications/2018`, {
      result: certified ? 'certified' : 'not_certified',
      ...extra,
    })

  const hamlets: string[] = []
  const perCommune = spread(150, communes.length)
  for (const [i, commune] of communes.entries()) {
    for (let n = 1; n <= perCommune[i]!; n++) {
      const code = `${commune}-A${pad(n)}`
      await write('POST', '/v1/units', {
        code,
        name: `Ấp ${n}`,
        kind: 'hamlet',
        parentCode: commune,
      })
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
      const code = `${DISTRICT}-${prefix}${pad(n)}`
      await write('POST', '/v1/units', { code, name: `${prefix} ${n}`, kind, parentCode })
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
    await write('POST', '/v1/meetings', {
      unitRef: forum ? hamlets[m % ARTICLE_2018.hamletsCovered] : communes[m % communes.length],
      format: forum ? 'forum' : 'consultation',
      heldOn: forum ? `2018-${pad((m % 12) + 1)}-15` : '2018-11-20',
      attendees: attendees[m],
      formsDistributed: forms[m],
      opinionsReceived: opinions[m],
      externalId: `${DISTRICT}-2018-${m + 1}`,
    })
  }

  // Re-education: yearly records for 12 communes, quarterly ones for 6; the first two communes
  // also have quarterly records that repeat their yearly figures.
  const split = (total: number) => spread(total, communes.length)
  const [reEducated, reformed, managed] = [
    split(ARTICLE_2018.reEducated),
    split(ARTICLE_2018.reformed),
    split(ARTICLE_2018.underManagement),
  ]
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
    if (i < 12) await write('PUT', `/v1/units/${code}/reeducation/2018`, year)
    if (i >= 12 || i < 2)
      for (let q = 0; q < 4; q++)
        await write('PUT', `/v1/units/${code}/reeducation/2018Q${q + 1}`, {
          reEducated: quarters[0]![q],
          reformed: quarters[1]![q],
          underManagement: quarters[2]![q],
        })
  }
  return { communes, hamlets }
}
