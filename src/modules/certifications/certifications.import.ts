// Certifications in bulk (POST /v1/imports/certifications): each row is a PUT of one unit's
// year, checked by the same functions as the PUT (year begun, unit as of 31 December, eligible
// and valid that year, legal basis in force, decision date) and written set-based: one statement
// per batch for new records, one for replaced ones, one for their audit.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import Type from 'typebox'
import type { DB } from '../../db/schema.js'
import { recordImportedChanges } from '../audit/index.js'
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  changedMeanwhile,
  checkRow,
  rowErrorsOf,
} from '../imports/index.js'
import type { UnitRow, UnitsService } from '../units/index.js'
import { toCertification } from './certifications.mapper.js'
import type { CertificationRow, CertificationValues } from './certifications.repository.js'
import { PutCertificationBody, YearSchema } from './certifications.schemas.js'
import type { PutCertification } from './certifications.schemas.js'
import { assertYearBegun, checkedValues, endOfYear, sameValues } from './certifications.service.js'

export const CertificationImportRow = Type.Object(
  {
    unitCode: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Resolves as of 31 December of `year`.',
    }),
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
    const results: Checked<Change>[] = []
    const pending: { row: number; unit: UnitRow; year: number; values: CertificationValues }[] = []
    rows.forEach(({ row, value }, i) => {
      const unit = resolved[i]!
      if (!('id' in unit))
        return results.push({ row, errors: rowErrorsOf(row, unit, RENAME, '/unitCode') })
      const checked = checkRow(row, RENAME, '/unitCode', () => {
        assertYearBegun(value.year)
        return checkedValues(unit, value.year, value)
      })
      if ('errors' in checked) return results.push({ row, errors: checked.errors })
      pending.push({ row, unit, year: value.year, values: checked.value })
    })
    const stored = await storedOf(
      tx,
      pending.map((p) => ({ unitId: p.unit.id, year: p.year })),
    )
    for (const p of pending) {
      const existing = stored.get(`${p.unit.id}:${p.year}`)
      const active = existing && existing.withdrawn_at === null
      const outcome = !active ? 'created' : sameValues(existing, p.values) ? 'unchanged' : 'updated'
      results.push({ row: p.row, outcome, change: { ...p, stored: existing } })
    }
    return results.sort((a, b) => a.row - b.row)
  }

  async function write(checked: { change: unknown }[], { tx, actor, importId }: ImportContext) {
    const changes = checked.map((c) => c.change as Change)
    // The transaction's clock, at the precision the table keeps: the records' timestamps.
    const { rows } = await sql<{ now: Date }>`select now()::timestamptz(3) as now`.execute(tx)
    const now = rows[0]!.now
    const fresh = changes.filter((c) => !c.stored).map((c) => ({ ...c, id: randomUUID() }))
    const replaced = changes.filter((c) => c.stored)
    if (fresh.length > 0) {
      const inserted = await sql`
        insert into certifications (id, unit_id, year, ${sql.join(VALUE_COLUMNS.map((c) => sql.ref(c)))})
        select * from unnest(${fresh.map((c) => c.id)}::uuid[], ${fresh.map((c) => c.unit.id)}::uuid[],
          ${fresh.map((c) => c.year)}::int[], ${sql.join(valueArrays(fresh))})
        on conflict (unit_id, year) do nothing`.execute(tx)
      if (Number(inserted.numAffectedRows) !== fresh.length) throw changedMeanwhile()
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
      if (Number(updated.numAffectedRows) !== replaced.length) throw changedMeanwhile()
    }
    await recordImportedChanges(
      tx,
      actor,
      importId,
      [...fresh, ...replaced].map((c) => {
        const id = 'id' in c ? (c.id as string) : c.stored!.id
        const after = toCertification({
          id,
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
        })
        const active = c.stored && c.stored.withdrawn_at === null
        return {
          action: active ? 'update' : 'create',
          entity: 'certification',
          entityId: id,
          unitId: c.unit.id,
          before: c.stored && toCertification(c.stored),
          after,
        }
      }),
    )
  }

  return {
    dataset: 'certifications',
    columns: Object.keys(CertificationImportRow.properties),
    rowSchema: CertificationImportRow,
    keyOf: (value) => `${String(value.unitCode)}\u0000${String(value.year)}`,
    keyPointer: '/unitCode',
    check,
    write,
    tables: ['certifications', 'audit_events'],
  }
}
