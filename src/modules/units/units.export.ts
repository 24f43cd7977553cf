// Units as an export (GET /v1/exports/units): every version of every unit of the subtree, in the
// import's columns, parents before children (by code path), so that the file imports as it is.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { type ExportFilter, type ExportKey, belowAll, toExportPage } from '../../records/index.js'

export async function exportUnits(
  filter: ExportFilter,
  after: ExportKey | null,
  limit: number,
  db: Kysely<DB>,
) {
  const { rows } = await sql<{ sort_key: ExportKey }>`
    select u.code, u.name, u.kind, nullif(split_part(u.code_path, '/', -2), '') as "parentCode",
      u.valid_from as "validFrom", u.valid_to as "validTo",
      case when u.attributes = '{}'::jsonb then null else u.attributes end as attributes,
      json_build_array(u.code_path, u.id) as sort_key
    from units u
    where ${belowAll(filter.underPaths, 'u')}
      ${after ? sql`and (u.code_path, u.id) > (${after[0]}, ${after[1]}::uuid)` : sql``}
    order by u.code_path, u.id
    limit ${limit + 1}`.execute(db)
  return toExportPage(rows, limit)
}
