// A certification declared once: the fields a PUT writes (API name, column, SQL type) in the
// order the API shows them. The JSON answer (toCertification), the JSON the database builds for the
// audit (certificationJson), the export's columns and the writer's arrays derive from this list.
import { type RawBuilder, sql } from 'kysely'
import { isoTimestamp } from '../../db/sql.js'
import { type Fields, type JsonBuilder, apiValuesOf, jsonPairs } from '../../records/index.js'
import type { LegalBasis } from './certifications.rules.js'
import type { CertificationRow } from './certifications.repository.js'
import type { Certification } from './certifications.schemas.js'

export const WRITTEN_FIELDS = {
  result: { column: 'result', type: 'text' },
  legalBasis: { column: 'legal_basis', type: 'text' },
  decisionNumber: { column: 'decision_number', type: 'text' },
  decisionDate: { column: 'decision_date', type: 'date' },
  issuedBy: { column: 'issued_by', type: 'text' },
  movementRating: { column: 'movement_rating', type: 'text' },
  note: { column: 'note', type: 'text' },
} as const satisfies Fields

export function toCertification(row: CertificationRow): Certification {
  return {
    id: row.id,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name, kind: row.unit_kind },
    year: row.year,
    ...(apiValuesOf(WRITTEN_FIELDS, row) as Omit<
      Certification,
      'id' | 'unit' | 'year' | 'status' | 'withdrawal' | 'createdAt' | 'updatedAt'
    > & { legalBasis: LegalBasis }),
    status: row.withdrawn_at ? 'withdrawn' : 'active',
    withdrawal:
      row.withdrawn_at && row.withdrawn_reason
        ? { at: new Date(row.withdrawn_at).toISOString(), reason: row.withdrawn_reason }
        : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

/** SQL: the JSON of `toCertification` for the row under `alias`, of the unit `unit`. */
export function certificationJson(
  alias: string,
  unit: string,
  builder: JsonBuilder = 'json',
): RawBuilder<string> {
  const build = sql.raw(`${builder}_build_object`)
  const c = (name: string) => sql.ref(`${alias}.${name}`)
  const u = (name: string) => sql.ref(`${unit}.${name}`)
  return sql<string>`${build}(
    'id', ${c('id')},
    'unit', ${build}('id', ${u('id')}, 'code', ${u('code')}, 'name', ${u('name')}, 'kind', ${u('kind')}),
    'year', ${c('year')},
    ${jsonPairs(WRITTEN_FIELDS, alias)},
    'status', case when ${c('withdrawn_at')} is null then 'active' else 'withdrawn' end,
    'withdrawal', case when ${c('withdrawn_at')} is not null and ${c('withdrawn_reason')} is not null
      then ${build}('at', ${isoTimestamp(c('withdrawn_at'))}, 'reason', ${c('withdrawn_reason')}) end,
    'createdAt', ${isoTimestamp(c('created_at'))},
    'updatedAt', ${isoTimestamp(c('updated_at'))})`
}
