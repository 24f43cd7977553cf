// Re-education counts in bulk (POST /v1/imports/reeducation): each row is a PUT of one unit's
// counts for a period, checked by the same functions as the PUT (a period that has begun, the
// unit as of its last day, commune-level and valid throughout) and written set-based.
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import type { HttpProblem } from '../../http/errors.js'
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  UnitCodeColumn,
  assertWroteAll,
  auditImported,
  checkEach,
  splitChanges,
  transactionNow,
} from '../../records/index.js'
import type { UnitsService } from '../units/index.js'
import type { UnitRow } from '../../records/index.js'
import { toReeducation } from './reeducation.mapper.js'
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
const COUNTS = ['re_educated', 'reformed', 'under_management'] as const

async function storedOf(tx: Kysely<DB>, keys: { unitId: string; period: string }[]) {
  const { rows } = await sql<ReeducationRow>`
    select r.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind
    from unnest(${keys.map((k) => k.unitId)}::uuid[], ${keys.map((k) => k.period)}::text[])
      as k(unit_id, period)
    join reeducation_counts r on r.unit_id = k.unit_id and r.period = k.period
    join units u on u.id = r.unit_id`.execute(tx)
  return new Map(rows.map((row) => [`${row.unit_id}:${row.period}`, row]))
}

const json = (value: Record<string, number> | null) => (value ? JSON.stringify(value) : null)
const valueArrays = (changes: Change[]) => [
  ...COUNTS.map((column) => sql`${changes.map((c) => c.values[column])}::int[]`),
  sql`${changes.map((c) => json(c.values.by_category))}::jsonb[]`,
  sql`${changes.map((c) => json(c.values.by_organisation))}::jsonb[]`,
  sql`${changes.map((c) => c.values.note)}::text[]`,
]
const VALUE_COLUMNS = sql.raw(
  're_educated, reformed, under_management, by_category, by_organisation, note',
)

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
    const { tx } = context
    const now = await transactionNow(tx)
    const { fresh, replaced } = splitChanges<Change>(checked)
    if (fresh.length > 0) {
      const inserted = await sql`
        insert into reeducation_counts
          (id, unit_id, period, period_type, starts_on, ends_on, ${VALUE_COLUMNS})
        select * from unnest(${fresh.map((c) => c.id)}::uuid[], ${fresh.map((c) => c.unit.id)}::uuid[],
          ${fresh.map((c) => c.period.period)}::text[], ${fresh.map((c) => c.period.type)}::text[],
          ${fresh.map((c) => c.period.startsOn)}::date[], ${fresh.map((c) => c.period.endsOn)}::date[],
          ${sql.join(valueArrays(fresh))})
        on conflict do nothing`.execute(tx)
      assertWroteAll(inserted, fresh.length)
    }
    if (replaced.length > 0) {
      const updated = await sql`
        update reeducation_counts r
        set (${VALUE_COLUMNS}) = (v.re_educated, v.reformed, v.under_management, v.by_category,
          v.by_organisation, v.note), updated_at = now()
        from unnest(${replaced.map((c) => c.stored!.id)}::uuid[],
          ${replaced.map((c) => c.stored!.updated_at)}::timestamptz[], ${sql.join(valueArrays(replaced))})
          as v(id, seen, ${VALUE_COLUMNS})
        where r.id = v.id and r.updated_at = v.seen`.execute(tx)
      assertWroteAll(updated, replaced.length)
    }
    await auditImported(
      context,
      'reeducation',
      [...fresh, ...replaced].map((c) => ({
        id: c.id,
        unitId: c.unit.id,
        created: !c.stored,
        before: c.stored && toReeducation(c.stored),
        after: toReeducation({
          id: c.id,
          unit_id: c.unit.id,
          unit_code: c.unit.code,
          unit_name: c.unit.name,
          unit_kind: c.unit.kind,
          period: c.period.period,
          period_type: c.period.type,
          starts_on: c.period.startsOn,
          ends_on: c.period.endsOn,
          ...c.values,
          created_at: c.stored?.created_at ?? now,
          updated_at: now,
        }),
      })),
    )
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
