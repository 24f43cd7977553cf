import { type RawBuilder, sql } from 'kysely'
import { isoTimestamp, rendered } from '../../db/sql.js'
import type { Unit } from './units.schemas.js'
import type { UnitOutputRow } from './units.repository.js'

// A unit as the API shows it, written twice: from a row in JavaScript (reads of one unit, whose
// ETag is the hash of exactly this JSON) and in SQL (pages of units and audit rows, built where the
// rows are, so that a page of fifty costs the service one string instead of six hundred values).
// test/modules/units/representation.test.ts holds the two to the same output.

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

const unitJsons = new Map<string, RawBuilder<string>>()

/** SQL: the JSON text of `toUnit` for the units row under `alias` (built once per alias). */
export function unitJson(alias: string): RawBuilder<string> {
  let json = unitJsons.get(alias)
  if (!json) unitJsons.set(alias, (json = rendered(unitJsonOf(alias))))
  return json
}

function unitJsonOf(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  return sql<string>`json_build_object(
    'id', ${column('id')}, 'code', ${column('code')}, 'name', ${column('name')},
    'kind', ${column('kind')}, 'parentId', ${column('parent_id')},
    'parentCode', nullif(split_part(${column('code_path')}, '/', -2), ''),
    'path', ${column('code_path')},
    'validFrom', ${column('valid_from')}, 'validTo', ${column('valid_to')},
    'attributes', ${column('attributes')},
    'createdAt', ${isoTimestamp(column('created_at'))},
    'updatedAt', ${isoTimestamp(column('updated_at'))})::text`
}

export const describeValidity = (from: string | null, to: string | null) =>
  `${from ?? 'the beginning'} to ${to ?? 'now'}`
