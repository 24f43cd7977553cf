// The first record of a unit's year in one statement: the certification and its audit row inserted
// by one data-modifying CTE (one round trip, atomic without BEGIN/COMMIT), after the service has
// checked the unit and the values. It takes its turn on the same lock as the locked path's
// writers; if another writer recorded the year first, it inserts nothing and the service takes
// the locked path, which sees that record.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { lockKeyCall } from '../../db/locks.js'
import type { Actor } from '../../http/caller.js'
import { auditCreatedRow } from '../../records/index.js'
import { toCertification } from './certifications.mapper.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'

type UnitFields = { id: string; code: string; name: string; kind: UnitKind }

/** The new record (with its audit row), or undefined when the unit's year already has one. */
export async function insertFirstCertification(
  db: Kysely<DB>,
  unit: UnitFields,
  year: number,
  values: CertificationValues,
  actor: Actor,
): Promise<CertificationRow | undefined> {
  const id = randomUUID()
  // The audit holds the record as the API shows it: toCertification of the row about to be
  // written, with the two timestamps only the database knows filled in by the statement.
  const shown = toCertification({
    id,
    unit_id: unit.id,
    unit_code: unit.code,
    unit_name: unit.name,
    unit_kind: unit.kind,
    year,
    ...values,
    withdrawn_at: null,
    withdrawn_reason: null,
    created_at: new Date(0),
    updated_at: new Date(0),
  })
  const v = values
  const { rows } = await sql<Omit<CertificationRow, 'unit_code' | 'unit_name' | 'unit_kind'>>`
    with turn as (
      select ${lockKeyCall('certification', unit.id, year)}
    ), certification as (
      insert into certifications (id, unit_id, year, result, legal_basis, decision_number,
        decision_date, issued_by, movement_rating, note)
      select ${id}::uuid, ${unit.id}::uuid, ${year}, ${v.result}, ${v.legal_basis},
        ${v.decision_number}, ${v.decision_date}::date, ${v.issued_by}, ${v.movement_rating},
        ${v.note}
      from turn
      on conflict (unit_id, year) do nothing
      returning *
    ), audit as (${auditCreatedRow(actor, 'certification', 'certification', shown)})
    select * from certification`.execute(db)
  const row = rows[0]
  return row && { ...row, unit_code: unit.code, unit_name: unit.name, unit_kind: unit.kind }
}
