// Certifications in bulk (POST /v1/imports/certifications): each row is a PUT of one unit's
// year, checked by the same functions as the PUT (year begun, unit as of 31 December, eligible
// and valid that year, legal basis in force, decision date) and written by the PUT's own writer,
// one statement per batch with its audit.
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  checkEach,
  outcomeOf,
  storedByUnitAnd,
  unitKeyedRow,
  writeBatch,
} from '../../records/index.js'
import type { UnitsService } from '../units/index.js'
import { exportCertifications } from './certifications.export.js'
import type { CertificationRow } from './certifications.repository.js'
import {
  PutCertificationBody,
  type PutCertification,
  YearSchema,
} from './certifications.schemas.js'
import { assertYearBegun, checkedValues, endOfYear, sameValues } from './certifications.service.js'
import { type CertificationWrite, writeEveryCertification } from './certifications.writer.js'

/** A row: the unit's code and the year, then the PUT's body (its checks' pointers renamed). */
const { rowSchema: CertificationImportRow, rename: RENAME } = unitKeyedRow(
  'CertificationImportRow',
  '31 December of `year`',
  { name: 'year', schema: YearSchema },
  PutCertificationBody,
)
type Row = PutCertification & { unitCode: string; year: number }

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
    const stored = await storedByUnitAnd<CertificationRow>(
      tx,
      'certifications',
      { name: 'year', type: 'integer' },
      accepted.map((a) => ({ unitId: a.unit.id, key: a.value.year })),
    )
    const results: Checked<CertificationWrite>[] = refused
    for (const { row, unit, value, checked: values } of accepted) {
      const existing = stored.get(`${unit.id}:${value.year}`)
      // A withdrawn record no longer counts: writing it again is a creation.
      const outcome = outcomeOf(
        existing,
        (s) => sameValues(s, values),
        (s) => s.withdrawn_at === null,
      )
      const replaces = existing && { id: existing.id, updatedAt: existing.updated_at }
      results.push({ row, outcome, change: { unit, year: value.year, values, replaces } })
    }
    return results
  }

  const write = (checked: { change: unknown }[], context: ImportContext) =>
    writeBatch<CertificationWrite>(checked, context, writeEveryCertification)

  return {
    dataset: 'certifications',
    rowSchema: CertificationImportRow,
    keyOf: (value) => `${String(value.unitCode)}\t${String(value.year)}`,
    keyPointer: '/unitCode',
    check,
    periodsOf: (change) => {
      const c = change as CertificationWrite
      return [{ unitId: c.unit.id, year: c.year }]
    },
    write,
    exportFilters: ['year'],
    exportPage: exportCertifications,
    tables: ['certifications'],
  }
}
