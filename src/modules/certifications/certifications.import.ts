// Certifications in bulk (POST /v1/imports/certifications): each row is a PUT of one unit's
// year, checked by the same functions as the PUT (year begun, unit as of 31 December, eligible
// and valid that year, legal basis in force, decision date) and written set-based: one statement
// per batch for new records, one for replaced ones, one for their audit.
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
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
import { toCertification } from './certifications.mapper.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'
import { PutCertificationBody, YearSchema } from './certifications.schemas.js'
import type { PutCertification } from './certifications.schemas.js'
import { assertYearBegun, checkedValues, endOfYear, sameValues } from './certifications.service.js'
import { exportCertifications } from './certifications.export.js'

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

const VALUE_COLUMNS = [
  'result',
  'legal_basis',
  'decision_number',
  'decision_date',
  'issued_by',
  'movement_rating',
  'note',
] as const satisfies readonly (keyof CertificationValues)[]

const CAST: Record<(typeof VALUE_COLUMNS)[number], string> = {
  result: 'text',
  legal_basis: 'text',
  decision_number: 'text',
  decision_date: 'date',
  issued_by: 'text',
  movement_rating: 'text',
  note: 'text',
}

/** The stored records of (unit, year) pairs, with their units' fields. */
async function storedOf(tx: Kysely<DB>, keys: { unitId: string; year: number }[]) {
  const { rows } = await sql<CertificationRow>`
    select c.*, u.code as unit_code, u.name as unit_name, u.kind as unit_kind
    from unnest(${keys.map((k) => k.unitId)}::uuid[], ${keys.map((k) => k.year)}::int[]) as k(unit_id, year)
    join certifications c on c.unit_id = k.unit_id and c.year = k.year
    join units u on u.id = c.unit_id`.execute(tx)
  return new Map(rows.map((row) => [`${row.unit_id}:${row.year}`, row]))
}

/** The columns of `changes` as typed arrays for unnest. */
function valueArrays(changes: Change[]) {
  return VALUE_COLUMNS.map(
    (column) => sql`${changes.map((c) => c.values[column])}::${sql.raw(CAST[column])}[]`,
  )
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
    const { tx } = context
    const now = await transactionNow(tx)
    const { fresh, replaced } = splitChanges<Change>(checked)
    if (fresh.length > 0) {
      const inserted = await sql`
        insert into certifications (id, unit_id, year, ${sql.join(VALUE_COLUMNS.map((c) => sql.ref(c)))})
        select * from unnest(${fresh.map((c) => c.id)}::uuid[], ${fresh.map((c) => c.unit.id)}::uuid[],
          ${fresh.map((c) => c.year)}::int[], ${sql.join(valueArrays(fresh))})
        on conflict (unit_id, year) do nothing`.execute(tx)
      assertWroteAll(inserted, fresh.length)
    }
    if (replaced.length > 0) {
      const updated = await sql`
        update certifications c
        set ${sql.join(VALUE_COLUMNS.map((column) => sql`${sql.ref(column)} = v.${sql.ref(column)}`))},
          withdrawn_at = null, withdrawn_reason = null, updated_at = now()
        from unnest(${replaced.map((c) => c.stored!.id)}::uuid[],
          ${replaced.map((c) => c.stored!.updated_at)}::timestamptz[], ${sql.join(valueArrays(replaced))})
          as v(id, seen, ${sql.join(VALUE_COLUMNS.map((c) => sql.ref(c)))})
        where c.id = v.id and c.updated_at = v.seen`.execute(tx)
      assertWroteAll(updated, replaced.length)
    }
    await auditImported(
      context,
      'certification',
      [...fresh, ...replaced].map((c) => ({
        id: c.id,
        unitId: c.unit.id,
        // Replacing a withdrawn record makes it count again: a creation, as for the PUT.
        created: !c.stored || c.stored.withdrawn_at !== null,
        before: c.stored && toCertification(c.stored),
        after: toCertification({
          id: c.id,
          unit_id: c.unit.id,
          unit_code: c.unit.code,
          unit_name: c.unit.name,
          unit_kind: c.unit.kind,
          year: c.year,
          ...c.values,
          withdrawn_at: null,
          withdrawn_reason: null,
          created_at: c.stored?.created_at ?? now,
          updated_at: now,
        }),
      })),
    )
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
