// Creating a unit under a parent in one statement: the parent resolved, its kind, validity and
// scope checked, the unit and its audit row (the unit as the API shows it, unitJson) inserted, all
// in one data-modifying CTE: one round trip, atomic without BEGIN/COMMIT. When it inserts nothing,
// or the database refuses (a code overlapping in time), the service takes the step-by-step path,
// which names the problem; the fast path never decides an error itself.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { auditCreation } from '../../records/index.js'
import { PARENT_KINDS } from './units.kinds.js'
import { unitJson } from './units.mapper.js'
import { type UnitRow, namedBy, pathLabel } from './units.repository.js'
import type { Unit } from './units.schemas.js'

export interface UnitUnderParent {
  code: string
  name: string
  kind: Unit['kind']
  parentRef: string
  /** The day the parent ref is resolved on (the unit's validFrom, else today). */
  parentOn: string
  validFrom: string | null
  validTo: string | null
  attributes: Record<string, unknown>
}

/** The unit inserted with its audit row, or undefined when a rule or constraint refused it. */
export async function insertUnitInOneStatement(
  db: Kysely<DB>,
  unit: UnitUnderParent,
  scopePath: string | null,
  actor: Actor,
): Promise<UnitRow | undefined> {
  const id = randomUUID()
  const inScope = scopePath === null ? sql`true` : sql`parent.path <@ ${scopePath}::ltree`
  try {
    const { rows } = await sql<UnitRow>`
      with parent as (
        select id, kind, code, path, code_path, valid_from, valid_to from units where ${namedBy(unit.parentRef, unit.parentOn, 'units')}
      ), unit as (
        insert into units (id, code, name, kind, parent_id, path, code_path, valid_from, valid_to, attributes)
        select ${id}::uuid, ${unit.code}, ${unit.name}, ${unit.kind}, parent.id,
          parent.path || ${pathLabel(id)}::ltree, parent.code_path || '/' || ${unit.code},
          ${unit.validFrom}::date, ${unit.validTo}::date, ${JSON.stringify(unit.attributes)}::jsonb
        from parent
        where parent.kind = any(${[...PARENT_KINDS[unit.kind]]}::text[])
          and daterange(parent.valid_from, parent.valid_to, '[]')
            @> daterange(${unit.validFrom}::date, ${unit.validTo}::date, '[]')
          and ${inScope}
        returning *
      ), audit as (${auditCreation({
        actor,
        entity: 'unit',
        entityId: sql.ref('unit.id'),
        unitId: sql.ref('unit.id'),
        after: unitJson('unit'),
        from: sql.table('unit'),
      })})
      select * from unit`.execute(db)
    return rows[0]
  } catch (error) {
    // The code overlaps another unit's period: the step-by-step path reports which one.
    if ((error as { code?: string }).code === '23P01') return undefined
    throw error
  }
}
