// What each dataset gives the bulk imports: its columns, the shape of a row, and how a batch of
// rows is checked and written. The rules themselves stay in the dataset's own module (the same
// functions its single-item endpoints call); this file only defines how they plug in.
import type { Kysely } from 'kysely'
import type { TSchema } from 'typebox'
import type { DB, ImportDataset, ImportRowError } from '../../db/schema.js'
import type { Actor, Caller } from '../../http/caller.js'
import { HttpProblem, conflict } from '../../http/errors.js'

export type { ImportRowError }

/** A data row as read from the file: `row` counts data rows from 1 (the CSV header is not one). */
export interface ImportRecord<T = Record<string, unknown>> {
  row: number
  value: T
}

export type Outcome = 'created' | 'updated' | 'unchanged'

/** What checking one row gave: the errors that refuse it, or what writing it would do. */
export type Checked<Change> =
  { row: number; errors: ImportRowError[] } | { row: number; outcome: Outcome; change: Change }

export interface ImportContext {
  tx: Kysely<DB>
  caller: Caller | null
  actor: Actor
  importId: string
}

export interface DatasetImporter<T = Record<string, unknown>, Change = unknown> {
  dataset: ImportDataset
  /** The columns, in the order exports write them. */
  columns: readonly string[]
  /** One row: the single-item body, flattened. */
  rowSchema: TSchema
  /** What identifies the record a row writes: a file may not name one record twice. */
  keyOf(value: T): string
  /** The column a duplicate is reported on. */
  keyPointer: string
  /** Checks rows that have the right shape against the database and the rules. */
  check(batch: ImportRecord<T>[], context: ImportContext): Promise<Checked<Change>[]>
  /** Writes checked changes (never `unchanged` ones), with their audit, in `context.tx`. */
  write(changes: { outcome: Outcome; change: Change }[], context: ImportContext): Promise<void>
  /** Tables whose statistics are refreshed after an import. */
  tables: readonly (keyof DB)[]
}

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
    detail: field.detail.length > 40 ? field.detail : error.message,
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
