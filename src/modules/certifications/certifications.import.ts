// Certifications in bulk (POST /v1/imports/certifications): each row is a PUT of one unit's
// year, checked by the same functions as the PUT (year begun, unit as of 31 December, eligible
// and valid that year, legal basis in force, decision date) and written by the PUT's own writer,
// one statement per batch with its audit.
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  type UnitRow,
  UnitCodeColumn,
  changedMeanwhile,
  checkEach,
} from '../../records/index.js'
import type { UnitsService } from '../units/index.js'
import { exportCertifications } from './certifications.export.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'
import {
  PutCertificationBody,
  type PutCertification,
  YearSchema,
} from './certifications.schemas.js'
import { assertYearBegun, checkedValues, endOfYear, sameValues } from './certifications.service.js'
import { writeEveryCertification } from './certifications.writer.js'

export const CertificationImportRow = Type.Object(
  {
    unitCode: UnitCodeColumn('31 December of `year`'),
    year: YearSchema,
    ...PutCertificationBody.properties,
  },
  { additionalProperties: false, title: 'CertificationImportRow' },
)
type Row = PutCertification & { unitCode: string; year: number }

interface Change {
  unit: UnitRow
  year: number
  values: CertificationValues
  stored: CertificationRow | undefined
}

/** Where the PUT's checks point, renamed to the import's columns. */
const RENAME = { ref: '/unitCode', year: '/year' }

/** The stored records of (unit, year) pairs, with their units' fields. */
async function storedOf(tx: Kysely<DB>, keys: { unitId: string; year: number }[]) {
  const { rows } = await sql<CertificationRow>`
    select c.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind
    from unnest(${keys.map((k) => k.unitId)}::uuid[], ${keys.map((k) => k.year)}::int[]) as k(unit_id, year)
    join certifications c on c.unit_id = k.unit_id and c.year = k.year
    join units u on u.id = c.unit_id`.execute(tx)
  return new Map(rows.map((row) => [`${row.unit_id}:${row.year}`, row]))
}

export function createCertificationsImporter(units: UnitsService): DatasetImporter {
  async function check(batch: ImportRecord[], { tx, caller }: ImportContext) {
    const rows = batch as ImportRecord<Row>[]
    const resolved = await units.resolveCodes(
      rows.map(({ value }) => ({ code: value.unitCode, date: endOfYear(value.year) })),
      caller,
      tx,
    )
    const { refused, accepted } = checkEach(rows, resolved, RENAME, '/unitCode', (unit, value) => {
      assertYearBegun(value.year)
      return checkedValues(unit, value.year, value)
    })
    const stored = await storedOf(
      tx,
      accepted.map((a) => ({ unitId: a.unit.id, year: a.value.year })),
    )
    const results: Checked<Change>[] = refused
    for (const { row, unit, value, checked: values } of accepted) {
      const existing = stored.get(`${unit.id}:${value.year}`)
      const active = existing && existing.withdrawn_at === null
      const outcome = !active ? 'created' : sameValues(existing, values) ? 'unchanged' : 'updated'
      results.push({ row, outcome, change: { unit, year: value.year, values, stored: existing } })
    }
    return results
  }

  async function write(checked: { change: unknown }[], context: ImportContext) {
    const changes = checked.map((c) => c.change as Change)
    const everyWritten = await writeEveryCertification(
      context.tx,
      changes.map(({ unit, year, values, stored }) => ({
        unit,
        year,
        values,
        replaces: stored && { id: stored.id, updatedAt: stored.updated_at },
      })),
      { actor: context.actor, importId: context.importId },
    )
    // A record of the file was written by another writer since the batch was checked.
    if (!everyWritten) throw changedMeanwhile()
  }

  return {
    dataset: 'certifications',
    columns: Object.keys(CertificationImportRow.properties),
    rowSchema: CertificationImportRow,
    keyOf: (value) => `${String(value.unitCode)}\t${String(value.year)}`,
    keyPointer: '/unitCode',
    check,
    write,
    exportFilters: ['year'],
    exportPage: exportCertifications,
    tables: ['certifications', 'audit_events'],
  }
}
