// What each dataset gives the bulk imports: its columns, the shape of a row, and how a batch of
// rows is checked and written. The rules themselves stay in the dataset's own module (the same
// functions its single-item endpoints call); this file only defines how they plug in.
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import Type, { type TSchema } from 'typebox'
import type { DB, ImportDataset, ImportRowError } from '../../db/schema.js'
import type { Actor, Caller } from '../../http/caller.js'
import { HttpProblem, conflict } from '../../http/errors.js'
import { recordAuditBatch } from '../audit/index.js'
import type { UnitRow } from '../units/index.js'

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

export interface ExportFilter {
  /** Units below (and at) this path only: `under`, and the key's scope. */
  underPaths: string[]
  year?: number | undefined
  from?: string | undefined
  to?: string | undefined
  period?: string | undefined
}
export type ExportKey = (string | number)[]
export interface ExportPage {
  rows: Record<string, unknown>[]
  /** The sort key of the page's last row, or null when it is the last page. */
  last: ExportKey | null
}

/** SQL: the unit aliased `alias` lies at or below every path of `paths`. */
export const belowAll = (paths: string[], alias: string) =>
  paths.length === 0
    ? sql<boolean>`true`
    : sql.join(
        paths.map((path) => sql<boolean>`${sql.ref(`${alias}.path`)} <@ ${path}::ltree`),
        sql` and `,
      )

/** Splits `limit + 1` rows read into a page: the rows, and the last key when more follow. */
export function toExportPage<R extends { sort_key: ExportKey }>(
  read: R[],
  limit: number,
): ExportPage {
  const more = read.length > limit
  const rows = more ? read.slice(0, limit) : read
  return {
    rows: rows.map(({ sort_key: _key, ...row }) => row),
    last: more ? rows.at(-1)!.sort_key : null,
  }
}

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
  /**
   * What identifies the record a row writes: a file may not name one record twice. Text a
   * database column can hold (no NUL).
   */
  keyOf(value: T): string
  /** The column a duplicate is reported on. */
  keyPointer: string
  /** Checks rows that have the right shape against the database and the rules. */
  check(batch: ImportRecord<T>[], context: ImportContext): Promise<Checked<Change>[]>
  /** Writes checked changes (never `unchanged` ones), with their audit, in `context.tx`. */
  write(changes: { outcome: Outcome; change: Change }[], context: ImportContext): Promise<void>
  /** The export filters this dataset takes besides `under` (`year`, `from`, `to`, `period`). */
  exportFilters: readonly (keyof ExportFilter)[]
  /**
   * One page of the export in the import's columns (what an import of it reads back unchanged),
   * in a stable order; `after` is the previous page's `last`.
   */
  exportPage(
    filter: ExportFilter,
    after: ExportKey | null,
    limit: number,
    db: Kysely<DB>,
  ): Promise<ExportPage>
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

/** The transaction's clock at the precision records keep: the timestamps `now()` writes. */
export async function transactionNow(tx: Kysely<DB>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now()::timestamptz(3) as now`.execute(tx)
  return rows[0]!.now
}

/** 409 unless a batch statement wrote every row it was given (see changedMeanwhile). */
export function assertWroteAll(result: { numAffectedRows?: bigint }, expected: number) {
  if (Number(result.numAffectedRows ?? 0) !== expected) throw changedMeanwhile()
}

/** A batch's changes split into new records (given their ids now) and replacements. */
export function splitChanges<C extends { stored: { id: string } | undefined }>(
  checked: { change: unknown }[],
) {
  const changes = checked.map((c) => c.change as C)
  return {
    fresh: changes.filter((c) => !c.stored).map((c) => ({ ...c, id: randomUUID() })),
    replaced: changes.filter((c) => c.stored).map((c) => ({ ...c, id: c.stored!.id })),
  }
}

/** The audit of a batch's written records (before, as stored; after, as the API shows it). */
export async function auditImported(
  { tx, actor, importId }: ImportContext,
  entity: string,
  records: { id: string; unitId: string; before: unknown; after: unknown; created: boolean }[],
) {
  await recordAuditBatch(
    tx,
    actor,
    records.map((r) => ({
      action: r.created ? 'create' : 'update',
      entity,
      entityId: r.id,
      unitId: r.unitId,
      before: r.before,
      after: r.after,
    })),
    importId,
  )
}

/** The `unitCode` column of a record dataset: a unit's code, resolved as `asOf` says. */
export const UnitCodeColumn = (asOf: string) =>
  Type.String({ minLength: 1, maxLength: 64, description: `Resolves as of ${asOf}.` })
