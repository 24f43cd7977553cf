// The first counts of a unit's period in one statement: the record and its audit row inserted by
// one data-modifying CTE (one round trip, atomic without BEGIN/COMMIT), after the service has
// checked the unit and the period. It takes its turn on the same lock as the locked path's
// writers; if another writer recorded the period first, it inserts nothing and the service takes
// the locked path, which sees that record.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { lockKeyCall } from '../../db/locks.js'
import type { DB, UnitKind } from '../../db/schema.js'
import type { Actor } from '../../http/caller.js'
import { auditCreatedRow } from '../../records/index.js'
import { toReeducation } from './reeducation.mapper.js'
import type { Period } from './reeducation.periods.js'
import type { ReeducationRow, ReeducationValues } from './reeducation.repository.js'

type UnitFields = { id: string; code: string; name: string; kind: UnitKind }

const json = (value: Record<string, number> | null) =>
  value === null ? null : JSON.stringify(value)

/** The new record (with its audit row), or undefined when the unit's period already has one. */
export async function insertFirstReeducation(
  db: Kysely<DB>,
  unit: UnitFields,
  period: Period,
  values: ReeducationValues,
  actor: Actor,
): Promise<ReeducationRow | undefined> {
  const id = randomUUID()
  // The audit holds the record as the API shows it: toReeducation of the row about to be
  // written, with the two timestamps only the database knows filled in by the statement.
  const shown = toReeducation({
    id,
    unit_id: unit.id,
    unit_code: unit.code,
    unit_name: unit.name,
    unit_kind: unit.kind,
    period: period.period,
    period_type: period.type,
    starts_on: period.startsOn,
    ends_on: period.endsOn,
    ...values,
    created_at: new Date(0),
    updated_at: new Date(0),
  })
  const v = values
  const { rows } = await sql<Omit<ReeducationRow, 'unit_code' | 'unit_name' | 'unit_kind'>>`
    with turn as (
      select ${lockKeyCall('reeducation', unit.id, period.period)}
    ), counts as (
      insert into reeducation_counts (id, unit_id, period, period_type, starts_on, ends_on,
        re_educated, reformed, under_management, by_category, by_organisation, note)
      select ${id}::uuid, ${unit.id}::uuid, ${period.period}, ${period.type},
        ${period.startsOn}::date, ${period.endsOn}::date, ${v.re_educated}, ${v.reformed},
        ${v.under_management}, ${json(v.by_category)}::jsonb, ${json(v.by_organisation)}::jsonb,
        ${v.note}
      from turn
      on conflict (unit_id, period) do nothing
      returning *
    ), audit as (${auditCreatedRow(actor, 'reeducation', 'counts', shown)})
    select * from counts`.execute(db)
  const row = rows[0]
  return row && { ...row, unit_code: unit.code, unit_name: unit.name, unit_kind: unit.kind }
}
