// Re-education counts in bulk (POST /v1/imports/reeducation): each row is a PUT of one unit's
// counts for a period, checked by the same functions as the PUT (a period that has begun, the
// unit as of its last day, commune-level and valid throughout) and written by the PUT's own
// writer, one statement per batch with its audit.
import type { HttpProblem } from '../../http/errors.js'
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
import { type ReeducationWrite, writeEveryReeducation } from './reeducation.writer.js'
import type { Period } from './reeducation.periods.js'
import type { ReeducationRow } from './reeducation.repository.js'
import { type PutReeducation, PeriodSchema, PutReeducationBody } from './reeducation.schemas.js'
import {
  assertKeeps,
  assertPeriodBegun,
  periodOf,
  sameValues,
  valuesOf,
} from './reeducation.service.js'
import { exportReeducation } from './reeducation.export.js'

/** A row: the unit's code and the period, then the PUT's body (its checks' pointers renamed). */
const { rowSchema: ReeducationImportRow, rename: RENAME } = unitKeyedRow(
  'ReeducationImportRow',
  'the last day of `period`',
  { name: 'period', schema: PeriodSchema },
  PutReeducationBody,
)
type Row = PutReeducation & { unitCode: string; period: string }

export function createReeducationImporter(units: UnitsService): DatasetImporter {
  async function check(batch: ImportRecord[], { tx, caller }: ImportContext) {
    const rows = batch as ImportRecord<Row>[]
    // A period that cannot be read refuses its row; the unit of the others resolves on its last day.
    const periods = rows.map(({ value }) => {
      try {
        return periodOf(value.period)
      } catch (error) {
        return error as HttpProblem
      }
    })
    const found = await units.resolveCodes(
      rows.map(({ value }, i) => {
        const period = periods[i]!
        return { code: value.unitCode, date: 'endsOn' in period ? period.endsOn : '1990-01-01' }
      }),
      caller,
      tx,
    )
    const resolved = found.map((unit, i) => {
      const period = periods[i]!
      return 'endsOn' in period ? unit : period
    })
    const { refused, accepted } = checkEach(
      rows,
      resolved,
      RENAME,
      '/unitCode',
      (unit, value, i) => {
        const period = periods[i] as Period
        assertPeriodBegun(period)
        assertKeeps(unit, period, period.period)
        return { period, values: valuesOf(value) }
      },
    )
    const stored = await storedByUnitAnd<ReeducationRow>(
      tx,
      'reeducation_counts',
      { name: 'period', type: 'text' },
      accepted.map((a) => ({ unitId: a.unit.id, key: a.checked.period.period })),
    )
    const results: Checked<ReeducationWrite>[] = refused
    for (const { row, unit, checked } of accepted) {
      const existing = stored.get(`${unit.id}:${checked.period.period}`)
      const outcome = outcomeOf(existing, (s) => sameValues(s, checked.values))
      results.push({ row, outcome, change: { unit, replaces: existing, ...checked } })
    }
    return results
  }

  const write = (checked: { change: unknown }[], context: ImportContext) =>
    writeBatch<ReeducationWrite>(checked, context, writeEveryReeducation)

  return {
    dataset: 'reeducation',
    rowSchema: ReeducationImportRow,
    keyOf: (value) => `${String(value.unitCode)}\t${String(value.period)}`,
    keyPointer: '/unitCode',
    check,
    periodsOf: (change) => {
      const c = change as ReeducationWrite
      return [{ unitId: c.unit.id, year: Number(c.period.startsOn.slice(0, 4)) }]
    },
    write,
    exportFilters: ['year', 'period'],
    exportPage: exportReeducation,
    tables: ['reeducation_counts'],
  }
}
