// Re-education counts as an export (GET /v1/exports/reeducation): in the import's columns, by
// period, unit code and id; `period` one period exactly, `year` every period of that year.
import { sql } from 'kysely'
import { exportQuery } from '../../records/export-query.js'
import { belowAll, selectedAs } from '../../records/index.js'
import { WRITTEN_FIELDS } from './reeducation.record.js'

export const exportReeducation = exportQuery(
  (filter, after) => sql`
    select u.code as "unitCode", r.period, ${selectedAs(WRITTEN_FIELDS, 'r')},
      json_build_array(r.period, u.code, r.id) as sort_key
    from reeducation_counts r join units u on u.id = r.unit_id
    where ${belowAll(filter.underPaths, 'u')}
      ${filter.period === undefined ? sql`` : sql`and r.period = ${filter.period}`}
      ${filter.year === undefined ? sql`` : sql`and extract(year from r.starts_on) = ${filter.year}`}
      ${after ? sql`and (r.period, u.code, r.id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)` : sql``}
    order by r.period, u.code, r.id`,
)
