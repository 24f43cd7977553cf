// The legal rules of ANTT-safety certification (DOMAIN.md): which kinds are assessed, which
// instrument applies to which assessment year, and whom 124/2021 leaves out.
import { type RawBuilder, sql } from 'kysely'
import type { UnitKind } from '../../db/schema.js'

export const ELIGIBLE_KINDS = [
  'hamlet',
  'commune',
  'ward',
  'town',
  'special_zone',
  'agency',
  'business',
  'school',
] as const satisfies readonly UnitKind[]

export const LEGAL_BASES = [
  {
    code: '23/2012/TT-BCA',
    title: 'Thông tư 23/2012/TT-BCA',
    firstYear: null,
    lastYear: 2021,
  },
  {
    code: '124/2021/TT-BCA',
    title: 'Thông tư 124/2021/TT-BCA',
    firstYear: 2022,
    lastYear: null,
  },
  {
    code: '124/2021/TT-BCA;48/2025/TT-BCA',
    title: 'Thông tư 124/2021/TT-BCA, sửa đổi, bổ sung bởi Thông tư 48/2025/TT-BCA',
    firstYear: 2025,
    lastYear: null,
  },
] as const

export type LegalBasis = (typeof LEGAL_BASES)[number]['code']
export const LEGAL_BASIS_CODES = LEGAL_BASES.map((basis) => basis.code)

const inForce = (basis: (typeof LEGAL_BASES)[number], year: number) =>
  (basis.firstYear === null || year >= basis.firstYear) &&
  (basis.lastYear === null || year <= basis.lastYear)

export function legalBasisInForce(code: LegalBasis, year: number): boolean {
  return inForce(
    LEGAL_BASES.find((basis) => basis.code === code)!,
    year,
  )
}

/** The instrument an assessment of `year` falls under when the caller does not say. */
export function defaultLegalBasis(year: number): LegalBasis {
  if (year <= 2021) return '23/2012/TT-BCA'
  if (year <= 2024) return '124/2021/TT-BCA'
  // The 2025 assessments conclude after the 1 July 2025 reform, under the amended circular.
  return '124/2021/TT-BCA;48/2025/TT-BCA'
}

export const describeLegalBasisYears = (code: LegalBasis) => {
  const basis = LEGAL_BASES.find((b) => b.code === code)!
  if (basis.firstYear === null) return `assessment years up to ${basis.lastYear}`
  return `assessment years from ${basis.firstYear}`
}

/**
 * Whom 124/2021 leaves out, read from a unit's `attributes`: small and micro businesses,
 * armed-forces agencies, pre-schools and primary schools. One table from which both the check on
 * writes and the SQL of the reports are derived. A missing, null or different attribute never
 * excludes: most real agencies and businesses carry no such attribute. Values compare by JSON type
 * (`true` excludes, the string `"true"` does not), alike in JavaScript and in SQL.
 */
const EXCLUDED_UNDER_124 = [
  { kind: 'business', attribute: 'size', values: ['micro', 'small'], noun: 'business' },
  { kind: 'agency', attribute: 'armedForces', values: [true], noun: 'armed-forces agency' },
  { kind: 'school', attribute: 'level', values: ['preschool', 'primary'], noun: 'school' },
] as const satisfies readonly {
  kind: UnitKind
  attribute: string
  values: readonly (string | boolean)[]
  noun: string
}[]

/** The first assessment year of 124/2021 (before it, 23/2012 assessed everyone eligible). */
export const FIRST_YEAR_OF_124 = 2022

/**
 * Why the law in force in `year` does not assess this unit (e.g. "a small business"), or null
 * when it is eligible. The kind itself is checked apart (ELIGIBLE_KINDS).
 */
export function exclusionOf(
  year: number,
  kind: UnitKind,
  attributes: Record<string, unknown>,
): string | null {
  if (year < FIRST_YEAR_OF_124) return null
  for (const rule of EXCLUDED_UNDER_124) {
    if (rule.kind !== kind) continue
    const value = attributes[rule.attribute]
    if ((rule.values as readonly unknown[]).includes(value))
      return typeof value === 'string' ? `a ${value} ${rule.noun}` : `an ${rule.noun}`
  }
  return null
}

/**
 * SQL twin of exclusionOf over a units row aliased `alias`: true when the law in force in `year`
 * leaves the unit out, false otherwise — never NULL (a missing attribute yields NULL in SQL,
 * which `coalesce` turns into "not excluded").
 */
export function excludedSql(year: number, alias: string): RawBuilder<boolean> {
  if (year < FIRST_YEAR_OF_124) return sql<boolean>`false`
  const kind = sql.ref(`${alias}.kind`)
  const attributes = sql.ref(`${alias}.attributes`)
  const terms = EXCLUDED_UNDER_124.map(
    (rule) =>
      sql`(${kind} = ${rule.kind} and coalesce(${attributes} -> ${rule.attribute} = any(${rule.values.map((v) => JSON.stringify(v))}::jsonb[]), false))`,
  )
  return sql<boolean>`(${sql.join(terms, sql` or `)})`
}
