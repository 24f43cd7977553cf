// A random world for the model-based report test: a province with two districts, commune-level
// units, hamlets, agencies, businesses and schools with random attributes (present, absent, null,
// other values and types) and validity (some opened or closed mid-period), and random records
// over 2018–2025. Deterministic for a seed, so a failure can be replayed with MODEL_SEED.

export const YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025] as const
export const COMMUNE_LEVEL = ['commune', 'ward', 'town'] as const
export const BODY_KINDS = ['agency', 'business', 'school'] as const

export interface WorldUnit {
  code: string
  name: string
  kind: string
  parentCode: string | null
  validFrom: string | null
  validTo: string | null
  attributes: Record<string, unknown>
}

export interface WorldCertification {
  code: string
  year: number
  result: 'certified' | 'not_certified'
  movementRating?: 'excellent' | 'good' | 'average' | 'weak'
}

export interface WorldMeeting {
  code: string
  format: 'forum' | 'consultation'
  heldOn: string
  counts: Record<(typeof MEETING_MEASURES)[number], number | null>
}

export interface WorldReeducation {
  code: string
  period: string
  reEducated: number
  reformed: number
  underManagement: number
}

export const MEETING_MEASURES = [
  'attendees',
  'formsDistributed',
  'formsReturned',
  'opinionsReceived',
  'opinionsAnsweredOnSite',
  'opinionsReferred',
  'tipsReceived',
] as const

/** mulberry32: a small seeded generator, good enough to spread test cases. */
export function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)]!
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}
export type Random = ReturnType<typeof random>

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const dayIn = (r: Random, year: number) => `${year}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`

/** Values an attribute may take: the excluding ones, others, other JSON types, null, absent. */
const ATTRIBUTE_VALUES: Record<string, readonly unknown[]> = {
  size: ['micro', 'small', 'medium', 'large', 'MICRO', null, 3, ['small'], { v: 'small' }],
  armedForces: [true, false, 'true', null, 1, 'yes'],
  level: ['preschool', 'primary', 'secondary', 'high', 'Primary', null, ['primary']],
}

function attributesFor(r: Random): Record<string, unknown> {
  const attributes: Record<string, unknown> = {}
  // Any unit may carry any attribute: the rule reads only the one that matters for its kind.
  for (const [name, values] of Object.entries(ATTRIBUTE_VALUES))
    if (r.chance(0.45)) attributes[name] = r.pick(values)
  if (r.chance(0.3)) attributes.note = r.pick(['x', 7, null, { nested: { deep: true } }])
  return attributes
}

/** Open (null), or opened / closed on a day within the period, or both. */
function validityFor(r: Random): Pick<WorldUnit, 'validFrom' | 'validTo'> {
  const roll = r.next()
  if (roll < 0.6) return { validFrom: null, validTo: null }
  if (roll < 0.75) return { validFrom: dayIn(r, r.pick(YEARS)), validTo: null }
  if (roll < 0.9) return { validFrom: null, validTo: dayIn(r, r.pick(YEARS)) }
  const a = dayIn(r, r.pick(YEARS))
  const b = dayIn(r, r.pick(YEARS))
  return a <= b ? { validFrom: a, validTo: b } : { validFrom: b, validTo: a }
}

export function validDuring(unit: WorldUnit, from: string, to: string) {
  return (unit.validFrom ?? '0000-01-01') <= to && (unit.validTo ?? '9999-12-31') >= from
}

export interface World {
  province: WorldUnit
  districts: WorldUnit[]
  units: WorldUnit[]
  certifications: WorldCertification[]
  /** Certifications (code/year) to withdraw after they are recorded. */
  withdrawals: { code: string; year: number }[]
  /** Attribute changes made after the records: the unit's eligibility changes with them. */
  attributeChanges: { code: string; attributes: Record<string, unknown> }[]
  meetings: WorldMeeting[]
  reeducation: WorldReeducation[]
}

export function generateWorld(seed: number, size = { communes: 5, hamlets: 6, bodies: 100 }) {
  const r = random(seed)
  const units: WorldUnit[] = []
  const add = (unit: WorldUnit) => (units.push(unit), unit)
  const province = add({
    code: '58',
    name: 'Tỉnh Mô Hình',
    kind: 'province',
    parentCode: null,
    validFrom: null,
    validTo: null,
    attributes: {},
  })
  const districts = ['581', '582'].map((code) =>
    add({ ...province, code, name: `Huyện ${code}`, kind: 'district', parentCode: '58' }),
  )
  const communes: WorldUnit[] = []
  for (const district of districts)
    for (let c = 1; c <= size.communes; c++) {
      const commune = add({
        code: `${district.code}${pad(c)}`,
        name: `Xã ${c}`,
        kind: r.pick(COMMUNE_LEVEL),
        parentCode: district.code,
        validFrom: null,
        validTo: null,
        attributes: attributesFor(r),
      })
      communes.push(commune)
      for (let h = 1; h <= size.hamlets; h++)
        add({
          code: `${commune.code}-A${pad(h)}`,
          name: `Ấp ${h}`,
          kind: 'hamlet',
          parentCode: commune.code,
          ...validityFor(r),
          attributes: attributesFor(r),
        })
    }
  for (const kind of BODY_KINDS)
    for (let b = 1; b <= size.bodies; b++) {
      // Most bodies are managed by a commune, some by a district.
      const parent = r.chance(0.8) ? r.pick(communes) : r.pick(districts)
      add({
        code: `58-${kind.slice(0, 2).toUpperCase()}${pad(b, 3)}`,
        name: `${kind} ${b}`,
        kind,
        parentCode: parent.code,
        ...validityFor(r),
        attributes: attributesFor(r),
      })
    }

  const assessed = units.filter((u) => u.kind === 'hamlet' || isBodyOrCommune(u.kind))
  const certifications: WorldCertification[] = []
  for (const unit of assessed)
    for (const year of YEARS) {
      if (!validDuring(unit, `${year}-01-01`, `${year}-12-31`) || !r.chance(0.3)) continue
      const rating = r.pick([undefined, 'excellent', 'good', 'average', 'weak'] as const)
      certifications.push({
        code: unit.code,
        year,
        result: r.chance(0.65) ? 'certified' : 'not_certified',
        ...(rating ? { movementRating: rating } : {}),
      })
    }
  const withdrawals = certifications
    .filter(() => r.chance(0.1))
    .map(({ code, year }) => ({ code, year }))
  const bodies = units.filter((u) => (BODY_KINDS as readonly string[]).includes(u.kind))
  const attributeChanges = Array.from({ length: 12 }, () => ({
    code: r.pick(bodies).code,
    attributes: attributesFor(r),
  })).filter((change, i, all) => all.findIndex((c) => c.code === change.code) === i)

  const meetings: WorldMeeting[] = []
  const forumPlaces = units.filter((u) => u.kind === 'hamlet' || isCommuneLevel(u.kind))
  const consultationPlaces = [...districts, ...communes]
  for (let m = 0; m < 160; m++) {
    const format = r.chance(0.8) ? 'forum' : 'consultation'
    const unit = r.pick(format === 'forum' ? forumPlaces : consultationPlaces)
    const year = r.pick(YEARS)
    const heldOn = dayIn(r, year)
    if (!validDuring(unit, heldOn, heldOn)) continue
    const counts = Object.fromEntries(
      MEETING_MEASURES.map((k) => [k, r.chance(0.2) ? null : r.int(0, 300)]),
    ) as WorldMeeting['counts']
    meetings.push({ code: unit.code, format, heldOn, counts })
  }

  const reeducation: WorldReeducation[] = []
  const counts = () => ({
    reEducated: r.int(0, 60),
    reformed: r.int(0, 30),
    underManagement: r.int(0, 20),
  })
  for (const commune of communes)
    for (const year of YEARS) {
      if (r.chance(0.5)) reeducation.push({ code: commune.code, period: `${year}`, ...counts() })
      if (r.chance(0.4))
        for (let q = 1; q <= 4; q++)
          if (r.chance(0.7))
            reeducation.push({ code: commune.code, period: `${year}Q${q}`, ...counts() })
      if (r.chance(0.25))
        for (const s of [1, 2])
          reeducation.push({ code: commune.code, period: `${year}S${s}`, ...counts() })
      if (r.chance(0.25))
        for (let m = 1; m <= 12; m++)
          if (r.chance(0.5))
            reeducation.push({ code: commune.code, period: `${year}${pad(m)}`, ...counts() })
    }

  return {
    province,
    districts,
    units,
    certifications,
    withdrawals,
    attributeChanges,
    meetings,
    reeducation,
  } satisfies World
}

export const isCommuneLevel = (kind: string) => (COMMUNE_LEVEL as readonly string[]).includes(kind)
function isBodyOrCommune(kind: string) {
  return isCommuneLevel(kind) || (BODY_KINDS as readonly string[]).includes(kind)
}
