// Re-education counts in bulk (POST /v1/imports/reeducation): each row is a PUT of one unit's
// counts for a period, checked by the same functions as the PUT (a period that has begun, the
// unit as of its last day, commune-level and valid throughout) and written by the PUT's own
// writer, one statement per batch with its audit.
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import type { HttpProblem } from '../../http/errors.js'
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
import { writeEveryReeducation } from './reeducation.writer.js'
import type { Period } from './reeducation.periods.js'
import type { ReeducationRow, ReeducationValues } from './reeducation.repository.js'
import { type PutReeducation, PeriodSchema, PutReeducationBody } from './reeducation.schemas.js'
import {
  assertKeeps,
  assertPeriodBegun,
  periodOf,
  sameValues,
  valuesOf,
} from './reeducation.service.js'
import { exportReeducation } from './reeducation.export.js'

export const ReeducationImportRow = Type.Object(
  {
    unitCode: UnitCodeColumn('the last day of `period`'),
    period: PeriodSchema,
    ...PutReeducationBody.properties,
  },
  { additionalProperties: false, title: 'ReeducationImportRow' },
)
type Row = PutReeducation & { unitCode: string; period: string }

interface Change {
  unit: UnitRow
  period: Period
  values: ReeducationValues
  stored: ReeducationRow | undefined
}

const RENAME = { ref: '/unitCode', period: '/period' }

async function storedOf(tx: Kysely<DB>, keys: { unitId: string; period: string }[]) {
  const { rows } = await sql<ReeducationRow>`
    select r.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind
    from unnest(${keys.map((k) => k.unitId)}::uuid[], ${keys.map((k) => k.period)}::text[])
      as k(unit_id, period)
    join reeducation_counts r on r.unit_id = k.unit_id and r.period = k.period
    join units u on u.id = r.unit_id`.execute(tx)
  return new Map(rows.map((row) => [`${row.unit_id}:${row.period}`, row]))
}

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
    const stored = await storedOf(
      tx,
      accepted.map((a) => ({ unitId: a.unit.id, period: a.checked.period.period })),
    )
    const results: Checked<Change>[] = refused
    for (const { row, unit, checked } of accepted) {
      const existing = stored.get(`${unit.id}:${checked.period.period}`)
      const outcome = !existing
        ? 'created'
        : sameValues(existing, checked.values)
          ? 'unchanged'
          : 'updated'
      results.push({ row, outcome, change: { unit, ...checked, stored: existing } })
    }
    return results
  }

  async function write(checked: { change: unknown }[], context: ImportContext) {
    const changes = checked.map((c) => c.change as Change)
    const everyWritten = await writeEveryReeducation(
      context.tx,
      changes.map(({ unit, period, values, stored }) => ({
        unit,
        period,
        values,
        replaces: stored,
      })),
      { actor: context.actor, importId: context.importId },
    )
    // A record of the file was written by another writer since the batch was checked.
    if (!everyWritten) throw changedMeanwhile()
  }

  return {
    dataset: 'reeducation',
    columns: Object.keys(ReeducationImportRow.properties),
    rowSchema: ReeducationImportRow,
    keyOf: (value) => `${String(value.unitCode)}\t${String(value.period)}`,
    keyPointer: '/unitCode',
    check,
    write,
    exportFilters: ['year', 'period'],
    exportPage: exportReeducation,
    tables: ['reeducation_counts', 'audit_events'],
  }
}
