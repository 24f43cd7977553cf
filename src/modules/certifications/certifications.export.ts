// Certifications as an export (GET /v1/exports/certifications): the active records, in the
// import's columns, by year, unit code and id. Withdrawn records are left out: imported back they
// would count again.
import { sql } from 'kysely'
import { exportQuery } from '../../records/export-query.js'
import { belowAll, selectedAs } from '../../records/index.js'
import { WRITTEN_FIELDS } from './certifications.record.js'

export const exportCertifications = exportQuery(
  (filter, after) => sql`
    select u.code as "unitCode", c.year, ${selectedAs(WRITTEN_FIELDS, 'c')},
      json_build_array(c.year, u.code, c.id) as sort_key
    from certifications c join units u on u.id = c.unit_id
    where c.withdrawn_at is null and ${belowAll(filter.underPaths, 'u')}
      ${filter.year === undefined ? sql`` : sql`and c.year = ${filter.year}`}
      ${after ? sql`and (c.year, u.code, c.id) > (${after[0]}::int, ${after[1]}, ${after[2]}::uuid)` : sql``}
    order by c.year, u.code, c.id`,
)
