// The legal rules of ANTT-safety certification (DOMAIN.md): which kinds are assessed, which
// instrument applies to which assessment year, and whom 124/2021 leaves out.
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
 * Why 124/2021 does not assess this unit, read from its attributes (`size` of a business,
 * `armedForces` of an agency, `level` of a school), or null when it is eligible.
 */
export function excludedUnder124(
  kind: UnitKind,
  attributes: Record<string, unknown>,
): string | null {
  if (kind === 'business' && (attributes.size === 'micro' || attributes.size === 'small'))
    return `a ${attributes.size} business`
  if (kind === 'agency' && attributes.armedForces === true) return 'an armed-forces agency'
  if (kind === 'school' && (attributes.level === 'preschool' || attributes.level === 'primary'))
    return `a ${attributes.level} school`
  return null
}

/**
 * SQL twin of excludedUnder124 over a units row aliased `alias`: true when 124/2021 (assessment
 * years from 2022) leaves the unit out. Reports use it to count who is eligible.
 */
export const EXCLUDED_UNDER_124_SQL = (alias: string) => `(
  (${alias}.kind = 'business' and ${alias}.attributes->>'size' in ('micro', 'small')) or
  (${alias}.kind = 'agency' and ${alias}.attributes->>'armedForces' = 'true') or
  (${alias}.kind = 'school' and ${alias}.attributes->>'level' in ('preschool', 'primary')))`

/** The first assessment year of 124/2021 (before it, 23/2012 assessed everyone eligible). */
export const FIRST_YEAR_OF_124 = 2022
