// What records (certifications, meetings, re-education counts) need from units: a short summary of
// the unit a record belongs to, and the checks that it may carry the record.
import type { Selectable } from 'kysely'
import Type, { type Static } from 'typebox'
import type { UnitKind, UnitsTable } from '../../db/schema.js'
import { unprocessable } from '../../http/errors.js'
import { KindSchema } from './units.schemas.js'
import { describeValidity } from './units.mapper.js'

export const UnitSummarySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    name: Type.String(),
    kind: KindSchema,
  },
  { description: 'The unit the record belongs to (that version of it).' },
)
export type UnitSummary = Static<typeof UnitSummarySchema>

type UnitFields = Pick<
  Selectable<UnitsTable>,
  'id' | 'code' | 'name' | 'kind' | 'valid_from' | 'valid_to'
>

export const toUnitSummary = (row: Pick<UnitFields, 'id' | 'code' | 'name' | 'kind'>) => ({
  id: row.id,
  code: row.code,
  name: row.name,
  kind: row.kind,
})

/** The summary of a scope unit joined as `scope_*` columns (keys, subscriptions); null: none. */
export const toScopeUnit = (row: {
  scope_unit_id: string | null
  scope_code: string | null
  scope_name: string | null
  scope_kind: UnitKind | null
}): UnitSummary | null =>
  row.scope_unit_id && row.scope_code && row.scope_name && row.scope_kind
    ? { id: row.scope_unit_id, code: row.scope_code, name: row.scope_name, kind: row.scope_kind }
    : null

/** 422 unless the unit was valid at some time in [from, to] (inclusive). */
export function assertValidDuring(
  unit: UnitFields,
  from: string,
  to: string,
  pointer: string,
  during: string,
) {
  const startsInTime = unit.valid_from === null || unit.valid_from <= to
  const endsInTime = unit.valid_to === null || unit.valid_to >= from
  if (startsInTime && endsInTime) return
  const detail = `${unit.name} (${unit.code}) was valid ${describeValidity(unit.valid_from, unit.valid_to)}, not during ${during}.`
  throw unprocessable(startsInTime ? 'UNIT_CLOSED' : 'UNIT_NOT_YET_VALID', detail, [
    { pointer, code: startsInTime ? 'UNIT_CLOSED' : 'UNIT_NOT_YET_VALID', detail },
  ])
}

/** 422 unless the unit is of one of `kinds`. */
export function assertKind(
  unit: UnitFields,
  kinds: readonly UnitKind[],
  pointer: string,
  what: string,
) {
  if (kinds.includes(unit.kind)) return
  const detail = `${what} ${kinds.join(', ')}; ${unit.name} (${unit.code}) is a ${unit.kind}.`
  throw unprocessable('INELIGIBLE_UNIT_KIND', detail, [
    { pointer, code: 'INELIGIBLE_UNIT_KIND', detail },
  ])
}
