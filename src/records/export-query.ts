// An export page read by one statement. A dataset writes its query: the import's columns, the
// filter, the rows after the previous page's last key, the order, and `sort_key` (the key of
// each row in that order); reading one row more than the page tells whether another follows.
import { type RawBuilder, sql } from 'kysely'
import type { DatasetImporter, ExportFilter, ExportKey } from './dataset.js'
import { toExportPage } from './export-paging.js'

/** A dataset's `exportPage`, from its query of the rows after `after` (null: from the first). */
export function exportQuery(
  query: (filter: ExportFilter, after: ExportKey | null) => RawBuilder<unknown>,
): DatasetImporter['exportPage'] {
  return async (filter, after, limit, db) => {
    const { rows } = await sql<{ sort_key: ExportKey }>`${query(filter, after)}
    limit ${limit + 1}`.execute(db)
    return toExportPage(rows, limit)
  }
}
