// The one writer of re-education counts (the records kernel's writer over this table): a PUT (a
// batch of one) and an import's batch, once the units and periods have passed the PUT's checks.
// The audit holds toReeducation's output (its warnings are computed there, not in SQL): the
// record replaced is exactly the version read, so its representation is the before; the after is
// completed by the database with the id and the timestamps only it knows.
import { type Kysely, sql } from 'kysely'
import type { DB, UnitKind } from '../../db/schema.js'
import { isoTimestamp } from '../../db/sql.js'
import {
  type RecordWriter,
  UNIT_CARRIED,
  UNIT_INPUT,
  type WriteContext,
  unitValues,
  writeEveryRecord,
  writeRecords,
} from '../../records/index.js'
import type { Period } from './reeducation.periods.js'
import { WRITTEN_FIELDS, toReeducation } from './reeducation.record.js'
import type { ReeducationRow, ReeducationValues } from './reeducation.repository.js'

export interface ReeducationWrite {
  unit: { id: string; code: string; name: string; kind: UnitKind }
  period: Period
  values: ReeducationValues
  /** The stored record this write replaces, as read: written only if unchanged since. */
  replaces?: ReeducationRow | undefined
}

const WRITTEN = Object.values(WRITTEN_FIELDS)
const PERIOD = [
  { column: 'period', type: 'text' },
  { column: 'period_type', type: 'text' },
  { column: 'starts_on', type: 'date' },
  { column: 'ends_on', type: 'date' },
] as const

const json = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value)

/** The record as the API will show it, but for what only the database knows. */
function shownOf(w: ReeducationWrite) {
  const {
    id: _id,
    createdAt: _c,
    updatedAt: _u,
    ...shown
  } = toReeducation({
    id: '',
    unit_id: w.unit.id,
    unit_code: w.unit.code,
    unit_name: w.unit.name,
    unit_kind: w.unit.kind,
    period: w.period.period,
    period_type: w.period.type,
    starts_on: w.period.startsOn,
    ends_on: w.period.endsOn,
    created_at: new Date(0),
    updated_at: new Date(0),
    ...w.values,
  })
  return shown
}

const writer: RecordWriter<ReeducationWrite> = {
  table: 'reeducation_counts',
  entity: 'reeducation',
  input: [
    ...UNIT_INPUT,
    ...PERIOD,
    { column: 'shown', type: 'jsonb' },
    { column: 'prior', type: 'jsonb' },
    ...WRITTEN,
  ],
  valuesOf: (w) =>
    Object.assign(unitValues(w.unit) as Record<string, unknown>, w.values, {
      by_category: json(w.values.by_category),
      by_organisation: json(w.values.by_organisation),
      period: w.period.period,
      period_type: w.period.type,
      starts_on: w.period.startsOn,
      ends_on: w.period.endsOn,
      shown: json(shownOf(w)),
      prior: json(w.replaces && toReeducation(w.replaces)),
    }),
  replacesOf: (w) => w.replaces && { id: w.replaces.id, updatedAt: w.replaces.updated_at },
  periodYear: (alias) => sql`extract(year from ${sql.ref(`${alias}.starts_on`)})::int`,
  inserted: [{ column: 'unit_id' }, ...PERIOD, ...WRITTEN],
  replaced: WRITTEN,
  conflict: sql`(unit_id, period)`,
  carried: [...UNIT_CARRIED, 'shown', 'prior'],
  audit: {
    created: sql`p.id is null`,
    before: sql`w.prior`,
    after: sql`w.shown || jsonb_build_object('id', w.id,
      'createdAt', ${isoTimestamp(sql.ref('w.created_at'))},
      'updatedAt', ${isoTimestamp(sql.ref('w.updated_at'))})`,
  },
}

/** The written records, in the order of `writes`; undefined where another writer came first. */
export async function writeReeducation(
  db: Kysely<DB>,
  writes: readonly ReeducationWrite[],
  context: WriteContext,
): Promise<(ReeducationRow | undefined)[]> {
  type Written = ReeducationRow & { shown: unknown; prior: unknown }
  const written = await writeRecords<ReeducationWrite, Written>(db, writer, writes, context)
  return written.map((row) => {
    if (!row) return undefined
    const { shown: _s, prior: _p, ...record } = row
    return record
  })
}

/** Whether every write was written (an import's batch, which needs no rows back). */
export const writeEveryReeducation = (
  db: Kysely<DB>,
  writes: readonly ReeducationWrite[],
  context: WriteContext,
) => writeEveryRecord(db, writer, writes, context)
