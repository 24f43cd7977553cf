// Checking a batch of rows with the single-item writes' own rules: their problems become row
// errors pointing at the import's columns.
import Type, { type TObject, type TSchema } from 'typebox'
import type { ImportRowError } from '../db/schema.js'
import { HttpProblem, conflict } from '../http/errors.js'
import type { ImportRecord } from './dataset.js'
import type { UnitRow } from './unit-refs.js'

/**
 * The row errors a rule's problem (thrown by the same check a single write runs) stands for:
 * its field errors with their pointers renamed to the import's columns (`rename`), or one error
 * on `fallback`.
 */
export function rowErrorsOf(
  row: number,
  error: unknown,
  rename: Record<string, string>,
  fallback: string,
): ImportRowError[] {
  if (!(error instanceof HttpProblem)) throw error
  const fields = error.extra.errors
  if (!fields?.length) return [{ row, pointer: fallback, code: error.code, detail: error.message }]
  return fields.map((field) => ({
    row,
    pointer: rename[field.pointer] ?? field.pointer,
    code: field.code,
    // A problem about one field says it best in its own sentence; several keep their details.
    detail: fields.length === 1 ? error.message : field.detail,
  }))
}

/** Runs `check` (a rule that throws a problem) for one row: the errors, or the value. */
export function checkRow<R>(
  row: number,
  rename: Record<string, string>,
  fallback: string,
  check: () => R,
): { errors: ImportRowError[] } | { value: R } {
  try {
    return { value: check() }
  } catch (error) {
    return { errors: rowErrorsOf(row, error, rename, fallback) }
  }
}

/** Another writer changed a record of the file between its check and its write (409). */
export const changedMeanwhile = () =>
  conflict(
    'CHANGED_DURING_IMPORT',
    'A record of this file was written by someone else while the file was being imported; nothing was written. Send the file again.',
  )

/** A single write refused by its writer although its checks pass: a unit or record changed. */
export const changedDuringWrite = () =>
  conflict(
    'CHANGED_DURING_WRITE',
    'The unit or the record changed while this write was being made; nothing was written. Send it again.',
  )

/**
 * The first steps of checking a batch, alike for every record dataset: a row whose unit did not
 * resolve is refused with that problem; the others go through `check` (the single-item write's
 * own checks, which throw its problems). Returns the refused rows and the accepted ones.
 */
export function checkEach<R, V>(
  rows: ImportRecord<R>[],
  units: (UnitRow | HttpProblem)[],
  rename: Record<string, string>,
  unitPointer: string,
  check: (unit: UnitRow, value: R, index: number) => V,
) {
  const refused: { row: number; errors: ImportRowError[] }[] = []
  const accepted: { row: number; unit: UnitRow; value: R; checked: V }[] = []
  rows.forEach(({ row, value }, i) => {
    const unit = units[i]!
    if (unit instanceof HttpProblem) {
      refused.push({ row, errors: rowErrorsOf(row, unit, rename, unitPointer) })
      return
    }
    const result = checkRow(row, rename, unitPointer, () => check(unit, value, i))
    if ('errors' in result) refused.push({ row, errors: result.errors })
    else accepted.push({ row, unit, value, checked: result.value })
  })
  return { refused, accepted }
}

/** The `unitCode` column of a record dataset: a unit's code, resolved as `asOf` says. */
export const UnitCodeColumn = (asOf: string) =>
  Type.String({ minLength: 1, maxLength: 64, description: `Resolves as of ${asOf}.` })

/**
 * The import row of a dataset written one unit and key at a time (a certification's year, a
 * count's period): the unit's code, the key, and the single-item PUT's body; and where the PUT's
 * checks point (its path's unit and key), renamed to the row's columns.
 */
export function unitKeyedRow(
  title: string,
  asOf: string,
  key: { name: string; schema: TSchema },
  body: TObject,
) {
  const rowSchema = Type.Object(
    { unitCode: UnitCodeColumn(asOf), [key.name]: key.schema, ...body.properties },
    { additionalProperties: false, title },
  )
  return { rowSchema, rename: { ref: '/unitCode', [key.name]: `/${key.name}` } }
}
