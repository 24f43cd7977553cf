// Units in bulk (POST /v1/imports/units): a row names a unit by its code and first day. A new one
// is created as POST /v1/units creates it (parent as of validFrom, kind under parent, validity
// inside the parent's, no code overlap, scope); a stored one may change its name, validTo and
// attributes as PATCH allows; a different kind or parent is a reorganisation (/v1/unit-changes).
// New units are written set-based, batch by batch, parents before children (a file may hold a
// district and then its communes), through the same rules as POST (the service's batch insert);
// stored ones change one at a time as PATCH changes them. All of it in the import's transaction:
// a dry run, or a refused row, rolls everything back.
import { sql } from 'kysely'
import Type from 'typebox'
import { cleanText, today } from '../../http/dates.js'
import { HttpProblem, forbidden, unprocessable } from '../../http/errors.js'
import {
  type Checked,
  type DatasetImporter,
  type ImportContext,
  type ImportRecord,
  auditImported,
  rowErrorsOf,
} from '../../records/index.js'
import { toUnit } from './units.mapper.js'
import type { NewUnit, UnitRow } from './units.repository.js'
import { type CreateUnit, NewUnitFields } from './units.schemas.js'
import type { UnitsService } from './units.service.js'
import { exportUnits } from './units.export.js'

// The body of POST /v1/units, the parent by code only.
export const UnitImportRow = Type.Object(
  Type.Omit(Type.Object(NewUnitFields), ['parentId']).properties,
  {
    additionalProperties: false,
    title: 'UnitImportRow',
    description: 'A parent must be stored already or come earlier in the file.',
  },
)
type Row = Omit<CreateUnit, 'parentId'>

const RENAME = { '/parentId': '/parentCode', ref: '/parentCode' }
/** The column a problem without field errors is about. */
const POINTER_OF: Record<string, string> = {
  CODE_OVERLAP: '/code',
  CHILDREN_OUTSIDE_VALIDITY: '/validTo',
  UNIT_NOT_FOUND: '/parentCode',
  OUT_OF_SCOPE: '/parentCode',
}

const sameJson = (a: unknown, b: unknown) =>
  JSON.stringify(a, Object.keys(a as object).sort()) ===
  JSON.stringify(b, Object.keys(b as object).sort())

/** The parent's code a stored unit hangs from (its code path's second-to-last part). */
const parentCodeOf = (unit: UnitRow) => unit.code_path.split('/').at(-2) ?? null

export function createUnitsImporter(units: UnitsService): DatasetImporter {
  const errorsOf = (row: number, problem: HttpProblem) =>
    rowErrorsOf(row, problem, RENAME, POINTER_OF[problem.code] ?? '/code')

  /** Updates or leaves one stored unit as PATCH would; the result for the audit, or a problem thrown. */
  async function update(stored: UnitRow, value: Row, { tx, caller }: ImportContext) {
    const validFrom = value.validFrom ?? null
    const validTo = value.validTo ?? null
    const attributes = value.attributes ?? {}
    await units.assertInScope(
      stored.path,
      caller,
      'write',
      `Unit ${stored.code}`,
      () => forbidden(`Unit ${stored.code} is outside this key's scope.`, 'OUT_OF_SCOPE'),
      tx,
    )
    if (stored.kind !== value.kind || parentCodeOf(stored) !== (value.parentCode ?? null))
      throw unprocessable(
        'REORGANISATION_NEEDED',
        `${stored.name} (${stored.code}) is stored as a ${stored.kind} under ${parentCodeOf(stored) ?? 'no parent'}; a change of kind or parent is a reorganisation (POST /v1/unit-changes).`,
      )
    const same =
      stored.name === cleanText(value.name) &&
      stored.valid_to === validTo &&
      sameJson(stored.attributes, attributes)
    if (same) return { outcome: 'unchanged' as const, before: stored, after: stored }
    const after = await units.updateChecked(
      stored,
      { name: value.name, validFrom, validTo, attributes },
      tx,
    )
    return { outcome: 'updated' as const, before: stored, after }
  }

  /** The stored versions the rows name (by code and first day), by row. */
  async function storedOf(rows: ImportRecord<Row>[], { tx }: ImportContext) {
    const { rows: found } = await sql<UnitRow & { i: number }>`
      select k.i::int as i, u.* from unnest(${rows.map((r) => r.value.code)}::text[],
        ${rows.map((r) => r.value.validFrom ?? null)}::date[]) with ordinality as k(code, valid_from, i)
      join units u on u.code = k.code and u.valid_from is not distinct from k.valid_from`.execute(
      tx,
    )
    return new Map(found.map(({ i, ...unit }) => [rows[i - 1]!.row, unit]))
  }

  /**
   * New units, set-based: in waves, parents before children (a row whose parent is another new
   * row of the batch waits for the wave after it), each wave's parents resolved at once, the rows
   * checked and inserted at once by the service's batch insert (the rules of POST /v1/units).
   */
  async function createAll(rows: ImportRecord<Row>[], context: ImportContext) {
    const { tx, caller } = context
    const results: Checked<null>[] = []
    const written: Parameters<typeof auditImported>[2] = []
    const scoped = (await units.scopePathOf(caller, tx)) !== null
    let pending = rows
    while (pending.length > 0) {
      const codes = new Set(pending.map((r) => r.value.code))
      let wave = pending.filter(
        (r) =>
          !r.value.parentCode ||
          r.value.parentCode === r.value.code ||
          !codes.has(r.value.parentCode),
      )
      if (wave.length === 0) wave = pending // a loop of parents: each resolves as stored, or not
      const inWave = new Set(wave)
      pending = pending.filter((r) => !inWave.has(r))
      const withParent = wave.filter((r) => r.value.parentCode)
      const parents = await units.resolveCodes(
        withParent.map((r) => ({ code: r.value.parentCode!, date: r.value.validFrom ?? today() })),
        caller,
        tx,
      )
      const parentOf = new Map(withParent.map((r, i) => [r, parents[i]!]))
      const accepted: { record: ImportRecord<Row>; unit: NewUnit & { parent: UnitRow | null } }[] =
        []
      for (const record of wave) {
        const parent = parentOf.get(record) ?? null
        const refusal =
          parent instanceof HttpProblem
            ? parent
            : !parent && scoped
              ? forbidden('A scoped key may create units only inside its scope.', 'OUT_OF_SCOPE')
              : undefined
        if (refusal) {
          results.push({ row: record.row, errors: errorsOf(record.row, refusal) })
          continue
        }
        const v = record.value
        accepted.push({
          record,
          unit: {
            code: v.code,
            name: cleanText(v.name),
            kind: v.kind,
            parent: parent as UnitRow | null,
            validFrom: v.validFrom ?? null,
            validTo: v.validTo ?? null,
            attributes: v.attributes ?? {},
          },
        })
      }
      const inserted = await units.insertCheckedBatch(
        accepted.map((a) => a.unit),
        tx,
      )
      inserted.forEach((unit, i) => {
        const { row } = accepted[i]!.record
        if (unit instanceof HttpProblem) {
          results.push({ row, errors: errorsOf(row, unit) })
          return
        }
        results.push({ row, outcome: 'created', change: null })
        written.push({
          id: unit.id,
          unitId: unit.id,
          created: true,
          before: undefined,
          after: toUnit(unit),
        })
      })
    }
    return { results, written }
  }

  async function check(batch: ImportRecord[], context: ImportContext) {
    const rows = batch as ImportRecord<Row>[]
    const stored = await storedOf(rows, context)
    const results: Checked<null>[] = []
    const written: Parameters<typeof auditImported>[2] = []
    // A stored unit changes as PATCH changes it, one at a time (a file of changes is short).
    for (const { row, value } of rows.filter((r) => stored.has(r.row))) {
      try {
        const { outcome, before, after } = await update(stored.get(row)!, value, context)
        results.push({ row, outcome, change: null })
        if (outcome !== 'unchanged')
          written.push({
            id: after.id,
            unitId: after.id,
            created: false,
            before: toUnit(before),
            after: toUnit(after),
          })
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error
        results.push({ row, errors: errorsOf(row, error) })
      }
    }
    const created = await createAll(
      rows.filter((r) => !stored.has(r.row)),
      context,
    )
    await auditImported(context, 'unit', [...written, ...created.written])
    return [...results, ...created.results]
  }

  return {
    dataset: 'units',
    rowSchema: UnitImportRow,
    keyOf: (value) =>
      `${String(value.code)}\t${(value.validFrom as string | null | undefined) ?? ''}`,
    keyPointer: '/code',
    check,
    // Rows are written as they are checked (above); the transaction keeps them or not.
    write: async () => {},
    exportFilters: [],
    exportPage: exportUnits,
    tables: ['units'],
  }
}
