// The reports, computed the plain way from the raw records of a world: loops over arrays, no SQL,
// written from DOMAIN.md's rules rather than from the service's code. The model test compares
// the service's answers with these.
import {
  BODY_KINDS,
  MEETING_MEASURES,
  type World,
  type WorldUnit,
  isCommuneLevel,
  validDuring,
} from './world.js'

export type KindGroup = 'communeLevel' | 'hamlet' | 'agency' | 'business' | 'school'
const GROUPS: KindGroup[] = ['communeLevel', 'hamlet', 'agency', 'business', 'school']

/** The state after all writes: final attributes, withdrawals applied. */
export interface Records {
  units: Map<string, WorldUnit>
  certifications: Map<string, { result: string; movementRating?: string }>
  meetings: World['meetings']
  reeducation: World['reeducation']
}

/** 124/2021 (from 2022) does not assess small and micro businesses, armed-forces agencies,
 * pre-schools and primary schools; nothing else excludes, a missing attribute included. */
export function excluded(unit: WorldUnit, year: number): boolean {
  if (year < 2022) return false
  const a = unit.attributes
  if (unit.kind === 'business') return a.size === 'micro' || a.size === 'small'
  if (unit.kind === 'agency') return a.armedForces === true
  if (unit.kind === 'school') return a.level === 'preschool' || a.level === 'primary'
  return false
}

const groupOf = (kind: string): KindGroup | null =>
  isCommuneLevel(kind)
    ? 'communeLevel'
    : kind === 'hamlet' || (BODY_KINDS as readonly string[]).includes(kind)
      ? (kind as KindGroup)
      : null

function isUnder(records: Records, unit: WorldUnit, rootCode: string): boolean {
  for (let u: WorldUnit | undefined = unit; u; u = records.units.get(u.parentCode ?? ''))
    if (u.code === rootCode) return true
  return false
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000
const rate = (certified: number, eligible: number) =>
  eligible === 0 ? null : round4(certified / eligible)

export function figures(records: Records, rootCode: string, year: number) {
  const from = `${year}-01-01`
  const to = `${year}-12-31`
  const inScope = [...records.units.values()].filter(
    (u) => isUnder(records, u, rootCode) && validDuring(u, from, to),
  )
  const groups = Object.fromEntries(
    GROUPS.map((g) => [g, { eligible: 0, assessed: 0, certified: 0, rate: null as number | null }]),
  ) as Record<
    KindGroup,
    { eligible: number; assessed: number; certified: number; rate: number | null }
  >
  const weak = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<KindGroup, number>
  for (const unit of inScope) {
    const group = groupOf(unit.kind)
    if (!group || excluded(unit, year)) continue
    groups[group].eligible++
    const record = records.certifications.get(`${unit.code}/${year}`)
    if (!record) continue
    groups[group].assessed++
    if (record.result === 'certified') groups[group].certified++
    if (record.movementRating === 'weak') weak[group]++
  }
  for (const g of GROUPS) groups[g].rate = rate(groups[g].certified, groups[g].eligible)

  const codes = new Set(inScope.map((u) => u.code))
  const held = records.meetings.filter(
    (m) => codes.has(m.code) && m.heldOn >= from && m.heldOn <= to,
  )
  const sum = (k: (typeof MEETING_MEASURES)[number]) =>
    held.reduce((total, m) => total + (m.counts[k] ?? 0), 0)
  const forums = held.filter((m) => m.format === 'forum')
  const meetings = {
    forums: forums.length,
    hamletsCovered: new Set(
      forums.filter((m) => records.units.get(m.code)!.kind === 'hamlet').map((m) => m.code),
    ).size,
    consultations: held.length - forums.length,
    ...Object.fromEntries(MEETING_MEASURES.map((k) => [k, sum(k)])),
  }

  // Per commune: its yearly record, else its quarters, else halves, else months.
  const reeducation = { reEducated: 0, reformed: 0, underManagement: 0 }
  const typeOf = (period: string) =>
    period.length === 4
      ? 'year'
      : period[4] === 'Q'
        ? 'quarter'
        : period[4] === 'S'
          ? 'half'
          : 'month'
  for (const code of codes) {
    const mine = records.reeducation.filter(
      (e) => e.code === code && e.period.startsWith(`${year}`),
    )
    const chosen = ['year', 'quarter', 'half', 'month'].find((type) =>
      mine.some((e) => typeOf(e.period) === type),
    )
    for (const e of mine.filter((e) => typeOf(e.period) === chosen)) {
      reeducation.reEducated += e.reEducated
      reeducation.reformed += e.reformed
      reeducation.underManagement += e.underManagement
    }
  }
  return { certifications: { ...groups, weak }, meetings, reeducation }
}
export type Figures = ReturnType<typeof figures>

/** One item per child valid that year, with a commune's legal floor. */
export function breakdown(records: Records, rootCode: string, year: number) {
  const children = [...records.units.values()]
    .filter((u) => u.parentCode === rootCode && validDuring(u, `${year}-01-01`, `${year}-12-31`))
    .sort((a, b) => (a.code < b.code ? -1 : 1))
  return children.map((child) => {
    const f = figures(records, child.code, year)
    const counted: KindGroup[] =
      year >= 2022 ? ['hamlet', 'agency', 'business', 'school'] : ['hamlet']
    const eligible = counted.reduce((s, g) => s + f.certifications[g].eligible, 0)
    const certified = counted.reduce((s, g) => s + f.certifications[g].certified, 0)
    const floorRate = rate(certified, eligible)
    return {
      code: child.code,
      figures: f,
      legalFloor: isCommuneLevel(child.kind)
        ? {
            eligible,
            certified,
            rate: floorRate,
            met: floorRate === null ? null : floorRate >= 0.7,
          }
        : null,
    }
  })
}

export interface ModelTarget {
  metric: string
  kinds?: KindGroup[]
  op: '>=' | '<=' | '=' | '>' | '<'
  value: number
}

/** A target's actual value in the figures (null when a rate has nothing to divide by). */
export function measure(f: Figures, target: ModelTarget): number | null {
  const c = f.certifications
  const kinds = target.kinds ?? GROUPS
  switch (target.metric) {
    case 'certifiedRate':
      return rate(
        kinds.reduce((s, g) => s + c[g].certified, 0),
        kinds.reduce((s, g) => s + c[g].eligible, 0),
      )
    case 'certifiedCount':
      return kinds.reduce((s, g) => s + c[g].certified, 0)
    case 'weakCount':
      return (target.kinds ?? ['communeLevel', 'agency', 'business']).reduce(
        (s, g) => s + c.weak[g],
        0,
      )
    case 'forumCount':
      return f.meetings.forums
    case 'hamletsCovered':
      return f.meetings.hamletsCovered
    case 'consultationCount':
      return f.meetings.consultations
    case 'reEducated':
      return f.reeducation.reEducated
    case 'reformed':
      return f.reeducation.reformed
    default:
      return (f.meetings as Record<string, number>)[target.metric]!
  }
}

export function met(actual: number | null, target: ModelTarget): boolean | null {
  if (actual === null) return null
  const v = target.value
  return {
    '>=': actual >= v,
    '<=': actual <= v,
    '=': actual === v,
    '>': actual > v,
    '<': actual < v,
  }[target.op]
}
