// Export paging shared by every dataset: a subtree filter and a page cut at `limit` rows.
import { sql } from 'kysely'
import type { ExportKey, ExportPage } from './dataset.js'

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
