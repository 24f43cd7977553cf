// Certifications as an export (GET /v1/exports/certifications): the active records, in the
// import's columns, by year, unit code and id. Withdrawn records are left out: imported back they
// would count again.
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import {
  type ExportFilter,
  type ExportKey,
  belowAll,
  selectedAs,
  toExportPage,
} from '../../records/index.js'
import { WRITTEN_FIELDS } from './certifications.record.js'

export async function exportCertifications(
  filter: ExportFilter,
  after: ExportKey | null,
  limit: number,
  db: Kysely<DB>,
) {
  const { rows } = await sql<{ sort_key: ExportKey }>`
    select u.code as "unitCode", c.year, ${selectedAs(WRITTEN_FIELDS, 'c')},
      json_build_array(c.year, u.code, c.id) as sort_key
    from certifications c join units u on u.id = c.unit_id
    where c.withdrawn_at is null and ${belowAll(filter.underPaths, 'u')}
      ${filter.year === undefined ? sql`` : sql`and c.year = ${filter.year}`}
      ${after ? sql`and (c.year, u.code, c.id) > (${after[0]}::int, ${after[1]}, ${after[2]}::uuid)` : sql``}
    order by c.year, u.code, c.id
    limit ${limit + 1}`.execute(db)
  return toExportPage(rows, limit)
}
