// Kinds of unit and the parent kinds each may hang under (DOMAIN.md). Written once, used by the
// schemas, the service and the loaders.
import type { UnitKind } from '../../db/schema.js'

export const UNIT_KINDS = [
  'province',
  'district',
  'commune',
  'ward',
  'town',
  'special_zone',
  'hamlet',
  'agency',
  'business',
  'school',
] as const satisfies readonly UnitKind[]

export const COMMUNE_LEVEL_KINDS = [
  'commune',
  'ward',
  'town',
  'special_zone',
] as const satisfies readonly UnitKind[]
export const ADMINISTRATIVE_KINDS: readonly UnitKind[] = [
  'province',
  'district',
  ...COMMUNE_LEVEL_KINDS,
]

export const PARENT_KINDS: Record<UnitKind, readonly UnitKind[]> = {
  province: [],
  district: ['province'],
  // Under a district before the 2025 reform, directly under the province after it.
  commune: ['district', 'province'],
  ward: ['district', 'province'],
  town: ['district', 'province'],
  special_zone: ['district', 'province'],
  hamlet: COMMUNE_LEVEL_KINDS,
  agency: ADMINISTRATIVE_KINDS,
  business: ADMINISTRATIVE_KINDS,
  school: ADMINISTRATIVE_KINDS,
}

export function isCommuneLevel(kind: UnitKind): boolean {
  return (COMMUNE_LEVEL_KINDS as readonly UnitKind[]).includes(kind)
}
