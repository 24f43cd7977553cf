// Meetings as an export (GET /v1/exports/meetings): in the import's columns, by day held and id.
// A meeting recorded without an externalId is exported with none (an import needs one).
import { sql } from 'kysely'
import { exportQuery } from '../../records/export-query.js'
import { belowAll, selectedAs } from '../../records/index.js'
import { WRITTEN_FIELDS } from './meetings.record.js'

export const exportMeetings = exportQuery(
  (filter, after) => sql`
    select m.external_id as "externalId", u.code as "unitCode", ${selectedAs(WRITTEN_FIELDS, 'm')},
      json_build_array(m.held_on, m.id) as sort_key
    from meetings m join units u on u.id = m.unit_id
    where ${belowAll(filter.underPaths, 'u')}
      ${filter.from === undefined ? sql`` : sql`and m.held_on >= ${filter.from}::date`}
      ${filter.to === undefined ? sql`` : sql`and m.held_on <= ${filter.to}::date`}
      ${after ? sql`and (m.held_on, m.id) > (${after[0]}::date, ${after[1]}::uuid)` : sql``}
    order by m.held_on, m.id`,
)
