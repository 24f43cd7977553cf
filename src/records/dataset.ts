// What a record dataset gives the bulk imports and exports: its columns, the shape of a row, and
// how a batch of rows is checked and written. The rules themselves stay in the dataset's module (the
// same functions its single-item endpoints call); this file only defines how they plug in.
import type { Kysely, Transaction } from 'kysely'
import type { PeriodOf } from './period-locks.js'
import type { TObject } from 'typebox'
import type { DB, ImportDataset, ImportRowError } from '../db/schema.js'
import type { Actor, Caller } from '../http/caller.js'

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

export interface ImportContext {
  tx: Transaction<DB>
  caller: Caller | null
  actor: Actor
  importId: string
}

export interface DatasetImporter<T = Record<string, unknown>, Change = unknown> {
  dataset: ImportDataset
  /** One row: the single-item body, flattened; its properties are the columns, in export order. */
  rowSchema: TObject
  /**
   * What identifies the record a row writes: a file may not name one record twice. Text a
   * database column can hold (no NUL).
   */
  keyOf(value: T): string
  /** The column a duplicate is reported on. */
  keyPointer: string
  /** Checks rows that have the right shape against the database and the rules. */
  check(batch: ImportRecord<T>[], context: ImportContext): Promise<Checked<Change>[]>
  /**
   * The records a change writes (its unit and year; a replacement's stored version too), where
   * accepted reports lock them: a row falling in a locked year and subtree is refused. Datasets
   * no report covers (the unit registry) have none.
   */
  periodsOf?: (change: Change) => PeriodOf[]
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
  /** The dataset's tables, whose statistics are refreshed after an import (with the audit's). */
  tables: readonly (keyof DB)[]
}
