// Units in bulk (POST /v1/imports/units): a row names a unit by its code and first day. A new one
// is created as POST /v1/units creates it (parent as of validFrom, kind under parent, validity
// inside the parent's, no code overlap, scope); a stored one may change its name, validTo and
// attributes as PATCH allows; a different kind or parent is a reorganisation (/v1/unit-changes).
// Units are few and hang from one another (a file may hold a district and then its communes), so
// each row goes through the same service functions in turn, inside the import's transaction:
// a parent earlier in the file is there for its children, and a dry run rolls everything back.
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
import type { UnitRow } from './units.repository.js'
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
  /** Creates, updates or leaves one row's unit; the result for the audit, or a problem thrown. */
  async function apply(value: Row, { tx, caller }: ImportContext) {
    const validFrom = value.validFrom ?? null
    const validTo = value.validTo ?? null
    const attributes = value.attributes ?? {}
    const stored = await tx
      .selectFrom('units')
      .selectAll()
      .where('code', '=', value.code)
      .where((eb) =>
        validFrom === null ? eb('valid_from', 'is', null) : eb('valid_from', '=', validFrom),
      )
      .executeTakeFirst()
    if (stored) {
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
    const parent = value.parentCode
      ? await units.resolve(value.parentCode, validFrom ?? today(), caller, 'write', tx)
      : null
    if (!parent && (await units.scopePathOf(caller, tx)) !== null)
      throw forbidden('A scoped key may create units only inside its scope.', 'OUT_OF_SCOPE')
    const after = await units.insertChecked(
      {
        code: value.code,
        name: cleanText(value.name),
        kind: value.kind,
        parent,
        validFrom,
        validTo,
        attributes,
      },
      tx,
    )
    return { outcome: 'created' as const, before: undefined, after }
  }

  async function check(batch: ImportRecord[], context: ImportContext) {
    const results: Checked<null>[] = []
    const written: Parameters<typeof auditImported>[2] = []
    for (const { row, value } of batch as ImportRecord<Row>[]) {
      try {
        const { outcome, before, after } = await apply(value, context)
        results.push({ row, outcome, change: null })
        if (outcome !== 'unchanged')
          written.push({
            id: after.id,
            unitId: after.id,
            created: outcome === 'created',
            before: before && toUnit(before),
            after: toUnit(after),
          })
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error
        results.push({
          row,
          errors: rowErrorsOf(row, error, RENAME, POINTER_OF[error.code] ?? '/code'),
        })
      }
    }
    await auditImported(context, 'unit', written)
    return results
  }

  return {
    dataset: 'units',
    columns: Object.keys(UnitImportRow.properties),
    rowSchema: UnitImportRow,
    keyOf: (value) =>
      `${String(value.code)}\t${(value.validFrom as string | null | undefined) ?? ''}`,
    keyPointer: '/code',
    check,
    // Rows are written as they are checked (above); the transaction keeps them or not.
    write: async () => {},
    exportFilters: [],
    exportPage: exportUnits,
    tables: ['units', 'audit_events'],
  }
}
