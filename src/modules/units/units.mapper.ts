import type { Unit } from './units.schemas.js'
import type { UnitOutputRow } from './units.repository.js'

export function toUnit(row: UnitOutputRow): Unit {
  const codes = row.code_path.split('/')
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    parentId: row.parent_id,
    parentCode: codes.length > 1 ? codes[codes.length - 2]! : null,
    path: row.code_path,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    attributes: row.attributes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export const describeValidity = (from: string | null, to: string | null) =>
  `${from ?? 'the beginning'} to ${to ?? 'now'}`
